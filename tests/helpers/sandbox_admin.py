"""Headers for the sandbox's admin endpoints (`/_sandbox/…`): its token, and a JSON body type."""

from __future__ import annotations

from reconciler.sandbox import TOKEN_HEADER, SandboxServer


def admin(server: SandboxServer | str) -> dict[str, str]:
    """The headers `/_sandbox/…` asks for: the server's admin token (or `server` itself, a token)."""
    token = server if isinstance(server, str) else server.admin_token
    return {TOKEN_HEADER: token, "Content-Type": "application/json"}
