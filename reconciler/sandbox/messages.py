"""What requests bring and errors say: JSON bodies, read with limits, and DataCite's error envelope.

A body is refused with 400, never taken in part and never a 500, when it is larger than
MAX_BODY (packed or unpacked: 413), is no JSON, or is JSON that no real client sends and that
cannot be stored and answered again: `NaN` and `Infinity` (no JSON at all, and a stored one
made every later answer about the record a 500), numbers beyond 64 bits or a double, nesting
deeper than Ruby's `JSON.parse` allows (lupo answers 400 past `max_nesting` 100).
"""

from __future__ import annotations

import json
import math
import zlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY = 10 * 1024 * 1024
MAX_DEPTH = 100
"""Ruby's JSON.parse default max_nesting: arrays and objects inside each other, the body counting."""
_INT64 = 2**63
TITLES = {
    400: "Bad request",
    401: "Bad credentials.",
    403: "You are not authorized to access this resource.",
    404: "The resource you are looking for doesn't exist.",
    405: "Method not allowed",
    406: "The content type is not recognized.",
    413: "Request entity too large",
}


def error(status: int, title: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    """DataCite's generic error body: {"errors": [{"status": "404", "title": "…"}]}."""
    body = {"errors": [{"status": str(status), "title": title or TITLES.get(status, "Error")}]}
    return JSONResponse(body, status_code=status, headers=headers)


class _Refused(ValueError):
    """JSON that parses but that the sandbox will not take; its message says why."""


def loads(data: bytes) -> Any:
    """`json.loads`, refusing NaN/Infinity, numbers beyond int64 or a double, and deep nesting."""
    try:
        value = json.loads(data, parse_constant=_constant, parse_int=_int, parse_float=_float)
    except RecursionError:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels") from None
    if _depth(value) > MAX_DEPTH:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def _int(text: str) -> int:
    # Length first: Python refuses to convert more than 4300 digits, and a long one costs time.
    digits = text.lstrip("-")
    if len(digits) > 19 or not -_INT64 <= int(text) < _INT64:
        raise _Refused(f"the integer {text[:24]}{'…' if len(text) > 24 else ''} does not fit in 64 bits")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:24]} is out of range")
    return value


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value` (a scalar: 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _unpack(raw: bytes) -> bytes:
    """gzip, zlib or raw deflate, at most MAX_BODY + 1 bytes of it."""
    try:
        return zlib.decompressobj(wbits=47).decompress(raw, MAX_BODY + 1)  # 47: gzip or zlib header
    except zlib.error:
        return zlib.decompressobj(wbits=-15).decompress(raw, MAX_BODY + 1)


def query_int(value: str | None, default: int) -> int:
    """A query parameter or header as an int, else `default`."""
    try:
        return int(value) if value else default
    except ValueError:
        return default


async def read_json(request: Request) -> Any:
    """The JSON body, or the error response: 413 past MAX_BODY (sent or unpacked), 400 if unusable."""
    if query_int(request.headers.get("content-length"), 0) > MAX_BODY:
        return error(413)
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            return error(413)
    encoding = request.headers.get("content-encoding", "").lower()
    try:
        if encoding in ("gzip", "deflate"):
            # gzip or zlib-wrapped deflate, unpacked with a ceiling: a small bomb is no way to a 500.
            data = _unpack(bytes(raw))
            if len(data) > MAX_BODY:
                return error(413)
        else:
            data = bytes(raw)
        return loads(data or b"{}")
    except _Refused as exc:
        return error(400, f"The request body is not valid JSON: {exc}")
    except (zlib.error, ValueError) as exc:
        return error(400, f"The request body is not valid JSON: {exc.__class__.__name__}")
