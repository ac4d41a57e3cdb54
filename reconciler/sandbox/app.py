"""The Starlette app: DataCite's /dois endpoints, its envelopes, errors and auth rules (§1–§7)."""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, quote_plus

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..core.suffix import mint_suffix
from .admin import Admin, new_token
from .audit import activity
from .auth import ConsumerHeaders, authenticate, remember
from .faults import FaultMiddleware, Faults
from .listing import decode_cursor, encode_cursor, list_dois
from .messages import TITLES, error, query_int, read_json
from .serialize import index_document, resource
from .store import Client, Store
from .writes import WriteError, target_doi, write

JSONAPI = "application/vnd.api+json"
MAX_ACTIVITY_PAGE = 1000
MAX_ACTIVITY_RECORDS = 10_000
"""Page numbers stop where page number × size reaches this (lupo's paginatable)."""


class Sandbox:
    """The app's state: the store, a seeded random source for suffixes, and request counters."""

    def __init__(self, store: Store, faults: Faults, seed: int = 0) -> None:
        self.store = store
        self.faults = faults
        self.rng = random.Random(seed)
        self.counters: Counter[str] = Counter()

    # -- auth ---------------------------------------------------------------------------------

    def credentials(self, request: Request) -> tuple[bool, Client | None]:
        """(an Authorization header was sent, the client it proves or None)."""
        caller = authenticate(self.store, request.headers.get("authorization"))
        remember(request.scope, caller)
        return caller.sent, caller.client

    # -- handlers -----------------------------------------------------------------------------

    async def one(self, request: Request) -> Response:
        path = request.path_params["doi"]
        if request.method == "GET" and path.endswith("/activities"):
            return self.activities(request, path[: -len("/activities")])
        if request.method == "GET":
            return self.show(request, path)
        if request.method == "DELETE":
            return self.delete(request, path)
        return await self.save(request, path)

    def show(self, request: Request, doi: str) -> Response:
        _, client = self.credentials(request)
        row = self.store.get(doi)
        # A wrong password is no error on GET: the caller simply gets the anonymous view.
        owner = row is not None and client is not None and row.client == client.id
        if row is None or not (owner or row.state == "findable"):
            return error(404)
        return JSONResponse({"data": resource(row, owner=owner, **_flags(request))})

    # -- activities (§13): no authentication, drafts included ------------------------------------

    def activities(self, request: Request, doi: str) -> Response:
        """GET /dois/{doi}/activities: the path DOI is matched as sent against the lower-case DOI, so
        an upper-case one matches nothing; an unknown DOI is an empty list, not a 404."""
        return self._activity_list(request, _split(doi))

    def activity_index(self, request: Request) -> Response:
        """GET /activities[?datacite-doi-id=DOI[,DOI…]]: every DOI's activities, or those DOIs'."""
        query = request.query_params
        if query.get("id") or query.get("ids"):
            # lupo looks these up in a `symbol` field activity documents lack: nothing matches.
            return self._activity_list(request, [])
        dois = query.get("datacite-doi-id") or query.get("datacite_doi_id")
        return self._activity_list(request, _split(dois) if dois else None)

    def activity_one(self, request: Request) -> Response:
        """GET /activities/{id}: one activity by its request UUID, read from the database."""
        found = self.store.activity(request.path_params["id"])
        if found is None:
            return error(404)
        return JSONResponse({"data": activity(found, _base(request), publisher=_flags(request)["publisher"])})

    def _activity_list(self, request: Request, uids: list[str] | None) -> Response:
        """One page of the activities of the DOIs `uids` (matched exactly; None: all), newest first."""
        query = request.query_params
        if query.get("query"):
            return JSONResponse(
                {"errors": {"title": "the sandbox does not search activities: drop the query parameter"}},
                status_code=400,
            )
        size = min(max(query_int(query.get("page[size]"), 25), 1), MAX_ACTIVITY_PAGE)
        cursor_mode = "page[cursor]" in query
        base = _base(request)
        following: dict[str, str] = {"page[size]": str(size)}
        if query.get("sort"):
            following["sort"] = query["sort"]
        if cursor_mode:  # always oldest first; an undecodable cursor starts from the beginning
            after = decode_cursor(query["page[cursor]"]) if query["page[cursor]"] else None
            items, total = self.store.activity_page(uids, order="cursor", after=after, offset=0, limit=size)
            meta: dict[str, Any] = {
                "total": total,
                "totalPages": math.ceil(min(total, MAX_ACTIVITY_RECORDS) / size),
            }
            if items:
                following["page[cursor]"] = encode_cursor(items[-1]["at"], items[-1]["id"])
        else:
            number = min(
                max(query_int(query.get("page[number]"), 1), 1), max(1, MAX_ACTIVITY_RECORDS // size)
            )
            order = "oldest" if query.get("sort") == "created" else "newest"
            items, total = self.store.activity_page(
                uids, order=order, after=None, offset=(number - 1) * size, limit=size
            )
            meta = {"total": total, "totalPages": math.ceil(total / size), "page": number}
            following["page[number]"] = str(number + 1)
        links = {"self": str(request.url)}
        if len(items) == size:
            # DataCite bug (datacite/datacite#2045): the next page of any activity list is the
            # global /activities list: the DOI filter, and `publisher`, are dropped.
            links["next"] = f"{base}/activities?{_to_query(following)}"
        publisher = _flags(request)["publisher"]
        data = [activity(item, base, publisher=publisher) for item in items]
        return JSONResponse({"data": data, "meta": meta, "links": links})

    async def _writer(self, request: Request) -> tuple[Client, Any] | Response:
        """The parsed body and the client a write comes from, or the error response."""
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        _, client = self.credentials(request)
        return error(401) if client is None else (client, body)

    async def save(self, request: Request, path_doi: str | None) -> Response:
        found = await self._writer(request)
        if isinstance(found, Response):
            return found
        client, body = found
        attributes = _attributes(body)
        if attributes is None:
            return error(400, "You need to provide a payload following the JSONAPI spec")
        try:
            doi = target_doi(attributes, path_doi, self.rng)
            outcome = write(client, self.store.get(doi), doi, attributes, method=request.method)
        except WriteError as exc:
            return JSONResponse({"errors": exc.errors}, status_code=exc.status, headers=exc.headers)
        row = outcome.row
        self.store.save(row, who=client.id.lower(), index_document=index_document(row))
        return JSONResponse(
            {"data": resource(row, owner=True, **_flags(request))},
            status_code=201 if outcome.created else 200,
        )

    def delete(self, request: Request, doi: str) -> Response:
        _, client = self.credentials(request)
        if client is None:
            return error(401)
        row = self.store.get(doi)
        if row is None:
            return error(404)
        if row.client != client.id:
            return error(403)
        if row.state != "draft":
            return error(405, headers={"Allow": "HEAD, GET, POST, PATCH, PUT, OPTIONS"})
        self.store.delete(doi)
        return Response(status_code=204)

    async def create(self, request: Request) -> Response:
        return await self.save(request, None)

    async def validate(self, request: Request) -> Response:
        found = await self._writer(request)
        if isinstance(found, Response):
            return found
        client, body = found
        attributes = _attributes(body) or {}
        try:
            doi = target_doi(attributes, None, self.rng)
            outcome = write(client, self.store.get(doi), doi, attributes, method="PUT")
        except WriteError as exc:
            return JSONResponse({"errors": exc.errors})
        return JSONResponse({"data": resource(outcome.row, owner=True, **_flags(request))})

    def random_dois(self, request: Request) -> Response:
        prefix = request.query_params.get("prefix")
        if not prefix:
            return JSONResponse(
                {"errors": [{"status": "422", "title": "Parameter prefix is required"}]}, status_code=422
            )
        number = min(max(query_int(request.query_params.get("number"), 1), 1), 1000)
        base, _, shoulder = prefix.partition("/")
        return JSONResponse({"dois": [f"{base}/{mint_suffix(self.rng, shoulder)}" for _ in range(number)]})

    def index(self, request: Request) -> Response:
        _, client = self.credentials(request)
        params = {
            k.replace("-", "_"): v for k, v in parse_qsl(str(request.url.query), keep_blank_values=True)
        }
        status, body = list_dois(self.store, params, client, str(request.url), _flags(request))
        if isinstance(body, str):
            return Response(body, status_code=status, media_type="application/json")
        return JSONResponse(body, status_code=status)


def _attributes(body: Any) -> dict[str, Any] | None:
    """`data.attributes` of a JSON:API body; None when there is no `data` object at all."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return None
    attributes = data.get("attributes")
    return attributes if isinstance(attributes, dict) else {}


def _flags(request: Request) -> dict[str, bool]:
    query = request.query_params
    return {"affiliation": query.get("affiliation") == "true", "publisher": query.get("publisher") == "true"}


def _split(dois: str) -> list[str]:
    """lupo's DOI filter: comma-separated, each as sent (not lower-cased)."""
    return [d for d in dois.split(",") if d]


def _base(request: Request) -> str:
    """The API's own URL, as lupo's ENV["API_URL"] and request.base_url: links and prov: URLs use it."""
    return str(request.base_url).rstrip("/")


def _to_query(params: dict[str, str]) -> str:
    """Rails' Hash#to_query: keys sorted, each key and value escaped as CGI.escape does."""
    return "&".join(f"{quote_plus(k, safe='')}={quote_plus(v, safe='')}" for k, v in sorted(params.items()))


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    return error(status, None if status in TITLES else str(getattr(exc, "detail", "")))


async def _server_error(request: Request, exc: Exception) -> Response:
    return error(500, "Internal server error")


def create_app(
    store: Store, faults: Faults | None = None, *, seed: int = 0, admin_token: str | None = None
) -> Starlette:
    """The sandbox as an ASGI app over `store`; `/_sandbox/…` answers to `admin_token` (default: a new one)."""
    faults = faults or Faults()
    sandbox = Sandbox(store, faults, seed)
    admin = Admin(store, faults, sandbox.counters, new_token() if admin_token is None else admin_token)

    async def heartbeat(request: Request) -> Response:
        return PlainTextResponse("OK")

    routes = [
        Route("/heartbeat", heartbeat),
        Route("/dois", sandbox.index, methods=["GET"]),
        Route("/dois", sandbox.create, methods=["POST"]),
        Route("/dois/random", sandbox.random_dois, methods=["GET"]),
        Route("/dois/validate", sandbox.validate, methods=["POST"]),
        Route("/dois/{doi:path}", sandbox.one, methods=["GET", "PUT", "PATCH", "DELETE"]),
        Route("/activities", sandbox.activity_index, methods=["GET"]),
        Route("/activities/{id}", sandbox.activity_one, methods=["GET"]),
        Route("/_sandbox/{action}", admin.handle, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _not_found, Exception: _server_error})
    # Added first = inner: 429s and injected failures come from DataCite's firewall, not from lupo.
    app.add_middleware(ConsumerHeaders, store=store)
    app.add_middleware(FaultMiddleware, faults=faults, counters=sandbox.counters)
    app.state.sandbox = sandbox
    app.state.admin = admin
    return app
