"""A local, stateful emulator of the DataCite REST API's /dois endpoints (DESIGN §8).

It shares nothing with the reconciler but `reconciler.suffix`, so neither can hide the other's
bugs about what DataCite does.
"""

from .admin import TOKEN_ENV, TOKEN_HEADER
from .app import create_app
from .faults import Faults
from .lockfile import SandboxBusyError
from .server import SandboxOptions, SandboxServer, serve
from .settings import SettingsError, check_settings, parse_rate
from .store import Client, Store

__all__ = [
    "TOKEN_ENV",
    "TOKEN_HEADER",
    "Client",
    "Faults",
    "SandboxBusyError",
    "SandboxOptions",
    "SandboxServer",
    "SettingsError",
    "Store",
    "check_settings",
    "create_app",
    "parse_rate",
    "serve",
]
