"""Run the sandbox: in a background thread on a free loopback port, or in the foreground."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import create_app
from .faults import DROP_EXTENSION, Faults
from .store import Client, Store


@dataclass(frozen=True)
class SandboxOptions:
    latency_ms: float = 0.0
    rate_limit: tuple[int, float] | None = None
    fail_rate: float = 0.0
    index_lag: float = 0.0
    seed: int = 0
    repositories: Sequence[Client] = field(default_factory=tuple)


class _DroppableH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, plus a way for the app to drop the connection unanswered.

    ASGI only lets an app fail with a 500 or cut a response it has started; a client that must
    survive a connection dropped before any answer (the request may or may not have run) needs
    the socket closed with nothing written, so the app gets the transport's abort as an extension.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner = self.app
        extension = {"abort": self._abort}

        async def app(scope: Any, receive: Any, send: Any) -> None:
            scope.setdefault("extensions", {})[DROP_EXTENSION] = extension
            await inner(scope, receive, send)

        self.app = app

    def _abort(self) -> None:
        self.transport.abort()


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class SandboxServer:
    """The sandbox served over a real socket from a background thread; a context manager."""

    def __init__(
        self, db: str | Path, options: SandboxOptions | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        options = options or SandboxOptions()
        self.store = Store(db, index_lag=options.index_lag)
        for client in options.repositories:
            self.store.put_client(client)
        faults = Faults(options.latency_ms, options.rate_limit, options.fail_rate, options.seed)
        self.app = create_app(self.store, faults, seed=options.seed)
        self.host = host
        self.port = port or _free_port(host)
        config = uvicorn.Config(self.app, host=host, port=self.port, log_level="warning", lifespan="off",
                                access_log=False, http=_DroppableH11Protocol)  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="doiac-sandbox", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(db: str | Path, options: SandboxOptions, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the sandbox in the foreground until interrupted (`doiac sandbox`)."""
    server = SandboxServer(db, options, host, port)
    accounts = ", ".join(f"{c.id} ({', '.join(c.prefixes)})" for c in options.repositories) or "none"
    logging.getLogger("doiac.sandbox").warning("doiac sandbox on %s, accounts: %s", server.url, accounts)
    server._server.run()
    server.store.close()
