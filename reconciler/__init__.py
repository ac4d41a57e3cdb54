"""doiac: DOI-as-code, a declarative reconciler for DataCite DOIs.

The public API is this list; everything else is private and may change.
"""

from .__about__ import __version__
from .commands.validate import Desired, read_desired
from .config import find_config, load_config
from .core.suffix import encode_suffix, is_opaque_suffix, mint_suffix
from .errors import ConfigError, FileError, ReconcilerError, UsageError
from .model import Config, DesiredRecord, Diagnostic, Limits, Repository, Severity, SourceFile

__all__ = [
    "Config",
    "ConfigError",
    "Desired",
    "DesiredRecord",
    "Diagnostic",
    "FileError",
    "Limits",
    "ReconcilerError",
    "Repository",
    "Severity",
    "SourceFile",
    "UsageError",
    "__version__",
    "encode_suffix",
    "find_config",
    "is_opaque_suffix",
    "load_config",
    "mint_suffix",
    "read_desired",
]
