"""The Starlette app: DataCite's /dois endpoints, its envelopes, errors and auth rules (§1–§7)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..core.suffix import mint_suffix
from .admin import Admin, new_token
from .auth import ConsumerHeaders, authenticate, remember
from .faults import FaultMiddleware, Faults
from .listing import list_dois
from .messages import TITLES, error, query_int, read_json
from .serialize import index_document, resource, timestamp
from .store import Client, Store
from .writes import WriteError, target_doi, write

JSONAPI = "application/vnd.api+json"


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

    def activities(self, request: Request, doi: str) -> Response:
        row = self.store.get(doi)
        _, client = self.credentials(request)
        if row is None or (row.state != "findable" and (client is None or client.id != row.client)):
            return error(404)
        items = [
            {
                "id": str(a["id"]),
                "type": "activities",
                "attributes": {
                    "action": a["action"],
                    "version": index,
                    "changes": a["changes"],
                    "prov:wasAttributedTo": a["who"],
                    "prov:generatedAtTime": _iso(a["at"]),
                },
            }
            for index, a in enumerate(self.store.activities(doi))
        ]
        return JSONResponse({"data": items, "meta": {"total": len(items)}})

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
        action = "create" if outcome.created else "update"
        self.store.save(row, who=client.id.lower(), action=action, changes=outcome.changes,
                        index_document=index_document(row))  # fmt: skip
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
        self.store.delete(doi, who=client.id.lower())
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


def _iso(ms: int) -> str:
    return timestamp(ms, precise=True) or ""


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
        Route("/_sandbox/{action}", admin.handle, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _not_found, Exception: _server_error})
    # Added first = inner: 429s and injected failures come from DataCite's firewall, not from lupo.
    app.add_middleware(ConsumerHeaders, store=store)
    app.add_middleware(FaultMiddleware, faults=faults, counters=sandbox.counters)
    app.state.sandbox = sandbox
    app.state.admin = admin
    return app
