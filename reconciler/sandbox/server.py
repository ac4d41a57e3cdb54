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

from .admin import TOKEN_HEADER, new_token
from .app import create_app
from .faults import DROP_EXTENSION, Faults
from .settings import check_settings
from .store import Client, Store


@dataclass(frozen=True)
class SandboxOptions:
    """How a sandbox starts; ValueError (a `SettingsError`) when a setting cannot work."""

    latency_ms: float = 0.0
    rate_limit: tuple[int, float] | None = None
    fail_rate: float = 0.0
    index_lag: float = 0.0
    seed: int = 0
    repositories: Sequence[Client] = field(default_factory=tuple)
    lose_rate: float = 0.0

    def __post_init__(self) -> None:
        check_settings({"latency_ms": self.latency_ms, "rate_limit": self.rate_limit, "fail_rate": self.fail_rate,
                        "index_lag": self.index_lag, "seed": self.seed, "lose_rate": self.lose_rate})  # fmt: skip


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
    """The sandbox served over a real socket from a background thread; a context manager.

    It holds its state file alone (`SandboxBusyError` if another sandbox does) until `stop`, and
    its admin endpoints answer to `admin_token` (given, or a new one).
    """

    def __init__(
        self,
        db: str | Path,
        options: SandboxOptions | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        admin_token: str | None = None,
    ) -> None:
        options = options or SandboxOptions()
        if admin_token is not None and not admin_token:
            raise ValueError("the sandbox's admin token must not be empty")
        self.admin_token = new_token() if admin_token is None else admin_token
        faults = Faults(
            options.latency_ms, options.rate_limit, options.fail_rate, options.seed, options.lose_rate
        )
        self.store = Store(db, index_lag=options.index_lag)
        try:
            for client in options.repositories:
                self.store.put_client(client)
        except BaseException:
            self.store.close()
            raise
        self.app = create_app(self.store, faults, seed=options.seed, admin_token=self.admin_token)
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
                self.stop()  # and let go of the state file
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


def serve(
    db: str | Path,
    options: SandboxOptions,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    admin_token: str | None = None,
    token_source: str = "",
) -> None:
    """Serve the sandbox in the foreground until interrupted (`doiac sandbox`).

    A token it made is logged once: without it nobody could reach the admin endpoints, and it
    guards a throwaway local emulator. A given one is not: it is named by `token_source` instead,
    as it may be reused and the log may be kept.
    """
    server = SandboxServer(db, options, host, port, admin_token=admin_token)
    log = logging.getLogger("doiac.sandbox")
    accounts = ", ".join(f"{c.id} ({', '.join(c.prefixes)})" for c in options.repositories) or "none"
    log.warning("doiac sandbox on %s, accounts: %s", server.url, accounts)
    if admin_token is None:
        log.warning("admin token: %s (send it as %s)", server.admin_token, TOKEN_HEADER)
    else:
        log.warning("admin token: from %s (send it as %s)", token_source or "the caller", TOKEN_HEADER)
    try:
        server._server.run()
    finally:
        server.store.close()
