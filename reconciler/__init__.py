"""doiac: DOI-as-code, a declarative reconciler for DataCite DOIs.

The public API is this list; everything else is private and may change.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from .__about__ import __version__
from .errors import ConfigError, FileError, ReconcilerError, UsageError
from .model import Config, DesiredRecord, Diagnostic, Limits, Repository, Severity, SourceFile

if _TYPE_CHECKING:
    from .commands.validate import Desired, read_desired
    from .config import find_config, load_config
    from .core.suffix import encode_suffix, is_opaque_suffix, mint_suffix

_LAZY = {
    "Desired": "commands.validate", "read_desired": "commands.validate", "find_config": "config",
    "load_config": "config", "encode_suffix": "core.suffix", "is_opaque_suffix": "core.suffix",
    "mint_suffix": "core.suffix",
}  # fmt: skip
"""Names whose modules load on first use (PEP 562): importing the package stays cheap."""


def __getattr__(name: str) -> _Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


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
