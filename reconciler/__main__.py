"""`python -m reconciler` is `doiac`."""

import sys

from .cli import main

sys.exit(main())
