"""A local, stateful emulator of the DataCite REST API's /dois endpoints (DESIGN §8).

It shares nothing with the reconciler but `reconciler.suffix`, so neither can hide the other's
bugs about what DataCite does.
"""

from .app import create_app
from .faults import Faults, parse_rate
from .server import SandboxOptions, SandboxServer, serve
from .store import Client, Store

__all__ = [
    "Client",
    "Faults",
    "SandboxOptions",
    "SandboxServer",
    "Store",
    "create_app",
    "parse_rate",
    "serve",
]
