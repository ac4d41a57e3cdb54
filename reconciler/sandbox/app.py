"""The Starlette app: DataCite's /dois endpoints, its envelopes, errors and auth rules (§1–§7)."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import random
import zlib
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..suffix import mint_suffix
from .faults import FaultMiddleware, Faults
from .listing import list_dois
from .serialize import index_document, resource, timestamp
from .store import Client, Store
from .writes import WriteError, target_doi, write

MAX_BODY = 10 * 1024 * 1024
TITLES = {
    400: "Bad request",
    401: "Bad credentials.",
    403: "You are not authorized to access this resource.",
    404: "The resource you are looking for doesn't exist.",
    405: "Method not allowed",
    406: "The content type is not recognized.",
    413: "Request entity too large",
}
JSONAPI = "application/vnd.api+json"


def error(status: int, title: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    """DataCite's generic error body: {"errors": [{"status": "404", "title": "…"}]}."""
    body = {"errors": [{"status": str(status), "title": title or TITLES.get(status, "Error")}]}
    return JSONResponse(body, status_code=status, headers=headers)


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
        header = request.headers.get("authorization")
        if not header:
            return False, None
        kind, _, value = header.partition(" ")
        if kind.lower() != "basic":
            return True, None
        try:
            user, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return True, None
        client = self.store.client(user)
        if client is None or client.password != password:
            return True, None
        return True, client

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
        sent, client = self.credentials(request)
        row = self.store.get(doi)
        # A wrong password is no error on GET: the caller simply gets the anonymous view.
        visible = row is not None and (
            row.state == "findable" or (client is not None and row.client == client.id)
        )
        headers = {} if sent else {"X-Anonymous-Consumer": "true"}
        if row is None or not visible:
            return error(404, headers=headers)
        if client is not None:
            headers["X-Credential-Username"] = client.id.lower()
        flags = _flags(request)
        return JSONResponse({"data": resource(row, **flags)}, headers=headers)

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
        body = await _body(request)
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
            {"data": resource(row, **_flags(request))}, status_code=201 if outcome.created else 200
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
        return JSONResponse({"data": resource(outcome.row, **_flags(request))})

    def random_dois(self, request: Request) -> Response:
        prefix = request.query_params.get("prefix")
        if not prefix:
            return JSONResponse(
                {"errors": [{"status": "422", "title": "Parameter prefix is required"}]}, status_code=422
            )
        number = min(max(int(request.query_params.get("number", "1") or 1), 1), 1000)
        base, _, shoulder = prefix.partition("/")
        return JSONResponse({"dois": [f"{base}/{mint_suffix(self.rng, shoulder)}" for _ in range(number)]})

    def index(self, request: Request) -> Response:
        sent, client = self.credentials(request)
        params = {
            k.replace("-", "_"): v for k, v in parse_qsl(str(request.url.query), keep_blank_values=True)
        }
        status, body = list_dois(self.store, params, client, str(request.url), _flags(request))
        headers = {} if sent else {"X-Anonymous-Consumer": "true"}
        if isinstance(body, str):
            return Response(body, status_code=status, headers=headers, media_type="application/json")
        return JSONResponse(body, status_code=status, headers=headers)

    # -- admin ---------------------------------------------------------------------------------

    async def admin(self, request: Request) -> Response:
        action = request.path_params["action"]
        if action == "stats" and request.method == "GET":
            return JSONResponse({"requests": dict(self.counters), "total": sum(self.counters.values())})
        if action == "config":
            if request.method == "POST":
                changes = await request.json()
                self.faults.update(changes)
                if "index_lag" in changes:
                    self.store.index_lag = float(changes["index_lag"])
            return JSONResponse({**self.faults.describe(), "index_lag": self.store.index_lag})
        if action == "reset" and request.method == "POST":
            self.store.reset()
            self.counters.clear()
            return JSONResponse({"reset": True})
        if action == "repositories" and request.method == "POST":
            spec = await request.json()
            self.store.put_client(Client(spec["id"].upper(), spec["password"], tuple(spec["prefixes"]),
                                         tuple(spec.get("domains") or ("*",))))  # fmt: skip
            return JSONResponse({"id": spec["id"].upper()}, status_code=201)
        if action == "seed" and request.method == "POST":
            return JSONResponse({"seeded": self.seed(await request.json())})
        return error(404)

    def seed(self, records: list[dict[str, Any]]) -> int:
        """Load records as if their repositories had written them (no auth, normal validation).

        Records run DataCite's whole write path (rewrites, validation), then land in one bulk
        transaction, straight into the list index.
        """
        rows = []
        for record in records:
            client = self.store.client(record["client"])
            if client is None:
                raise HTTPException(422, f"unknown repository {record['client']}")
            attributes = {**record.get("attributes", {}), "url": record.get("url")}
            state = record.get("state", "draft")
            event = {"draft": None, "registered": "register", "findable": "publish"}[state]
            if event:
                attributes["event"] = event
            outcome = write(client, self.store.get(record["doi"]), record["doi"], attributes, method="PUT")
            rows.append((outcome.row, index_document(outcome.row)))
        self.store.save_many(rows, who="sandbox")
        return len(records)


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


async def _body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return error(413)
    encoding = request.headers.get("content-encoding", "").lower()
    try:
        if encoding == "gzip":
            raw = gzip.decompress(raw)
        elif encoding == "deflate":
            raw = zlib.decompress(raw)
        return json.loads(raw or b"{}")
    except (OSError, zlib.error, ValueError) as exc:
        return error(400, f"The request body is not valid JSON: {exc.__class__.__name__}")


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    return error(status, None if status in TITLES else str(getattr(exc, "detail", "")))


async def _server_error(request: Request, exc: Exception) -> Response:
    return error(500, "Internal server error")


def create_app(store: Store, faults: Faults | None = None, *, seed: int = 0) -> Starlette:
    """The sandbox as an ASGI app over `store`."""
    faults = faults or Faults()
    sandbox = Sandbox(store, faults, seed)

    async def heartbeat(request: Request) -> Response:
        return PlainTextResponse("OK")

    routes = [
        Route("/heartbeat", heartbeat),
        Route("/dois", sandbox.index, methods=["GET"]),
        Route("/dois", sandbox.create, methods=["POST"]),
        Route("/dois/random", sandbox.random_dois, methods=["GET"]),
        Route("/dois/validate", sandbox.validate, methods=["POST"]),
        Route("/dois/{doi:path}", sandbox.one, methods=["GET", "PUT", "PATCH", "DELETE"]),
        Route("/_sandbox/{action}", sandbox.admin, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _not_found, Exception: _server_error})
    app.add_middleware(FaultMiddleware, faults=faults, counters=sandbox.counters)
    app.state.sandbox = sandbox
    return app
