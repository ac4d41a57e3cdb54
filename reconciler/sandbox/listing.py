"""GET /dois: filters, page-number and cursor pagination, read from the lagging index (§6)."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, urlsplit

from .row import Row
from .serialize import VIEWS, owner_view, resource, timestamp
from .store import Client, Store

MAX_SIZE = 1000
MAX_RECORDS = 10_000  # from + size is capped here in page-number mode
_RANGE = re.compile(r"^(updated|created|registered):\[(\S+) TO (\S+)\]$")
_TERM = re.compile(r"^(doi|id|uid):(\S+)$")


def encode_cursor(created: int, uid: str) -> str:
    """base64url, no padding, of "<created epoch millis>,<lower-case doi>" (§6.3)."""
    return base64.urlsafe_b64encode(f"{created},{uid}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str] | None:
    """The position after which to continue, or None: an undecodable cursor restarts the walk."""
    try:
        created, _, uid = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(",")
        return int(created), uid.lower()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _query(text: str) -> Callable[[dict[str, Any]], bool] | str:
    """A predicate for the subset of the query-string syntax the sandbox understands, or an error."""
    tests: list[Callable[[dict[str, Any]], bool]] = []
    for term in [t for t in re.split(r"\s+AND\s+", text.strip()) if t]:
        if match := _TERM.match(term):
            tests.append(_doi_is(match.group(2).strip('"').replace("\\", "").lower()))
        elif match := _RANGE.match(term):
            field, low, high = match.groups()
            tests.append(_within(field, low, high))
        else:
            return f"the sandbox does not understand the query term {term!r} (supported: doi:, id:, updated:[A TO B])"
    return lambda d: all(test(d) for test in tests)


def _doi_is(wanted: str) -> Callable[[dict[str, Any]], bool]:
    return lambda document: str(document["doi"]).lower() == wanted


def _within(field: str, low: str, high: str) -> Callable[[dict[str, Any]], bool]:
    def test(document: dict[str, Any]) -> bool:
        value = timestamp(json.loads(document["row"]).get(field), precise=True)
        return value is not None and (low == "*" or value >= low) and (high == "*" or value <= high)

    return test


def list_dois(
    store: Store, params: dict[str, str], client: Client | None, self_url: str, flags: dict[str, bool]
) -> tuple[int, dict[str, Any] | str]:
    """(status, body) of a list request; a successful body is JSON text spliced from stored views."""
    states = [s for s in params.get("state", "").split(",") if s]
    if client is None:
        states = ["findable"]  # anonymous callers see findable DOIs only, whatever they ask
    clients = [c for c in params.get("client_id", "").split(",") if c] or None
    prefixes = [p for p in params.get("prefix", "").split(",") if p] or None
    where = None
    if params.get("query"):
        built = _query(params["query"])
        if isinstance(built, str):
            return 400, {"errors": {"title": built}}
        where = built
    cursor_mode = "page[cursor]" in params
    if cursor_mode and params.get("random") == "true":
        return 400, {"errors": [{"status": "400", "title": "Random is not supported with cursor pagination"}]}
    size = _int(params.get("page[size]"), 25)
    size = min(max(size, 1), MAX_SIZE)
    detail = params.get("detail") == "true"
    variant = next(
        (name for name, (full, expanded) in VIEWS.items()
         if (detail, flags["affiliation"], flags["publisher"]) == (full, expanded, expanded)),
        None,
    )  # fmt: skip
    if cursor_mode:
        after = decode_cursor(params["page[cursor]"]) if params["page[cursor]"] else None
        documents, total = store.search(clients=clients, prefixes=prefixes, states=states or None, after=after,
                                        offset=0, limit=size, order="cursor", where=where, view=variant)  # fmt: skip
        meta: dict[str, Any] = {"total": total, "totalPages": math.ceil(total / size) if size else 0}
        links = {"self": self_url}
        if len(documents) == size:
            last = documents[-1]
            links["next"] = _next(
                self_url, params, {"page[cursor]": encode_cursor(last["created"], last["doi"].lower())}
            )
    else:
        max_page = max(1, MAX_RECORDS // size)
        number = min(max(_int(params.get("page[number]"), 1), 1), max_page)  # silently clamped
        documents, total = store.search(clients=clients, prefixes=prefixes, states=states or None, after=None,
                                        offset=(number - 1) * size, limit=size, order="updated", where=where,
                                        view=variant)  # fmt: skip
        total_pages = math.ceil(min(total, MAX_RECORDS) / size)
        meta = {"total": total, "totalPages": total_pages, "page": number}
        links = {"self": self_url}
        if len(documents) == size and number != total_pages:
            links["next"] = _next(self_url, params, {"page[number]": str(number + 1)})
    mine = client.id if client is not None else None
    if variant is not None and all(variant in d["views"] for d in documents):
        items = [
            owner_view(d["views"][variant]) if d["client"] == mine else d["views"][variant] for d in documents
        ]
    else:  # an uncommon view, or a store written before its view was pre-rendered
        rows = [Row(**json.loads(d["row"])) for d in documents]
        items = [
            json.dumps(resource(row, single=False, detail=detail, owner=row.client == mine, **flags))
            for row in rows
        ]
    body = f'{{"data":[{",".join(items)}],"meta":{json.dumps(meta)},"links":{json.dumps(links)}}}'
    return 200, body


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _next(self_url: str, params: dict[str, str], change: dict[str, str]) -> str:
    """An absolute /dois URL as lupo builds links.next: its own hyphenated parameter names, keys
    sorted, each key and value escaped like Ruby's CGI.escape (brackets percent-encoded, space → +)."""
    parts = urlsplit(self_url)
    merged = {k.replace("_", "-"): v for k, v in params.items()}
    merged.update(change)
    query = "&".join(f"{quote_plus(k, safe='')}={quote_plus(v, safe='')}" for k, v in sorted(merged.items()))
    return f"{parts.scheme}://{parts.netloc}/dois?{query}"
