"""Who is calling (reference §4): HTTP Basic, API keys, and the consumer headers DataCite adds.

A caller is a repository account or nobody. Credentials that prove nothing (wrong password,
unknown account, a Bearer token that is no API key) make a write 401 but a read anonymous: the
real API never answers 401 to a GET (§1.2, S-AUTH).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .store import Client, Store

_STATE_KEY = "doiac.consumer"


@dataclass(frozen=True)
class Caller:
    """`sent`: an Authorization header came with the request; `client`: the account it proves."""

    sent: bool
    client: Client | None


def authenticate(store: Store, header: str | None) -> Caller:
    """The caller an Authorization header proves.

    Accepted (§4): Basic `REPO.ID:password` (ID in any case), Basic `REPO.ID:<api key>` (the key of
    that account only), Basic with the API key as user name, and `Bearer <api key>`. As in lupo's
    decode_auth_param, a user name that looks like a key (`DC.`, in any case, and over 20
    characters) is taken as one whatever the password, and a wrong key proves nobody.
    """
    if not header:
        return Caller(False, None)
    kind, _, value = header.partition(" ")
    value = value.strip()
    if kind.lower() == "bearer":
        return Caller(True, store.client_for_key(value) if value else None)
    if kind.lower() != "basic":
        return Caller(True, None)
    try:
        user, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return Caller(True, None)
    if not password or _looks_like_key(user):
        return Caller(True, store.client_for_key(user) if user else None)
    client = store.client(user)
    if client is None or not any(_same(password, secret) for secret in (client.password, client.api_key)):
        return Caller(True, None)
    return Caller(True, client)


def _looks_like_key(user: str) -> bool:
    return len(user) > 20 and user[:3].upper() == "DC."


def _same(sent: str, secret: str | None) -> bool:
    return bool(secret) and hmac.compare_digest(sent.encode(), (secret or "").encode())


def remember(scope: Scope, caller: Caller) -> None:
    """Keep the caller for `ConsumerHeaders` (handlers authenticate; the headers go out later)."""
    scope.setdefault("state", {})[_STATE_KEY] = caller


class ConsumerHeaders:
    """`X-Anonymous-Consumer: true` without an Authorization header, `X-Credential-Username: <id>`
    when the credentials proved an account (lupo's set_consumer_header, on every answer)."""

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox/"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                caller = scope.get("state", {}).get(_STATE_KEY)
                if not isinstance(caller, Caller):  # a route that did not need to know
                    caller = authenticate(self.store, _header(scope))
                if not caller.sent:
                    headers["X-Anonymous-Consumer"] = "true"
                elif caller.client is not None:
                    headers["X-Credential-Username"] = caller.client.id.lower()
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            return bytes(value).decode("latin-1")
    return None
