"""`python -m reconciler` is `doiac`."""

import sys

from .cli import entry

sys.exit(entry())
