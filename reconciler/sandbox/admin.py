"""`/_sandbox/{stats,config,reset,repositories,api-key,seed}`: run-time control, for the token holder only.

Any web page can make a browser send a request to 127.0.0.1, and a `text/plain` POST even
without asking first (no CORS preflight). So every admin request must carry the sandbox's
token in the `X-Doiac-Sandbox-Token` header, a header a page can only send after a preflight
the sandbox never grants, and a POST body must be declared `application/json` (else 415). The
token is a header of its own because `Authorization: Bearer` already means a repository's API
key on this server (§4). The admin endpoints see no faults and no DataCite auth.
"""

from __future__ import annotations

import hmac
import secrets
from collections import Counter
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .faults import Faults
from .messages import error, read_json
from .serialize import index_document
from .settings import SettingsError, check_settings
from .store import Client, Store
from .writes import WriteError, write

TOKEN_HEADER = "X-Doiac-Sandbox-Token"
TOKEN_ENV = "DOIAC_SANDBOX_TOKEN"
"""Where `doiac sandbox` takes the token from; unset or empty, it makes one and prints it."""
JSON_ONLY = "/_sandbox/ takes Content-Type: application/json bodies"
_STATES = {"draft": None, "registered": "register", "findable": "publish"}


def new_token() -> str:
    """A fresh admin token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class Admin:
    """The admin endpoints over one sandbox's store, faults and request counters."""

    def __init__(self, store: Store, faults: Faults, counters: Counter[str], token: str) -> None:
        if not token:
            raise ValueError("the sandbox's admin token must not be empty")
        self.store = store
        self.faults = faults
        self.counters = counters
        self._token = token.encode()

    def is_allowed(self, request: Request) -> bool:
        sent = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "replace")
        return hmac.compare_digest(sent, self._token)

    def settings(self) -> dict[str, Any]:
        return {**self.faults.describe(), "index_lag": self.store.index_lag}

    async def handle(self, request: Request) -> Response:
        action, method = request.path_params["action"], request.method
        if not self.is_allowed(request):
            return error(401)
        if (action, method) == ("stats", "GET"):
            total = sum(self.counters.values())
            return JSONResponse({"requests": dict(self.counters), "total": total, "lost": self.faults.lost})
        if (action, method) == ("config", "GET"):
            return JSONResponse(self.settings())
        if (action, method) == ("reset", "POST"):
            self.store.reset()
            self.counters.clear()
            self.faults.lost = 0
            return JSONResponse({"reset": True})
        if method != "POST" or action not in ("config", "repositories", "api-key", "seed"):
            return error(404)
        if request.headers.get("content-type", "").partition(";")[0].strip().lower() != "application/json":
            return error(415, JSON_ONLY)
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        if action == "config":
            return self.configure(body)
        try:
            if action == "repositories":
                return self.add_repository(body)
            if action == "api-key":
                return self.issue_api_key(body)
            return self.seed(body if isinstance(body, list) else [body])
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            return error(422, f"/_sandbox/{action}: unusable request body ({type(exc).__name__}: {exc})")

    def configure(self, body: Any) -> Response:
        """Check every setting, then apply them all; one bad value and none is applied."""
        if not isinstance(body, dict):
            return error(422, "/_sandbox/config: expected a JSON object of settings")
        try:
            checked = check_settings(body)
        except SettingsError as exc:
            problems = [
                {"status": "422", "title": f"{name}: {problem}", "source": name}
                for name, problem in exc.problems.items()
            ]
            return JSONResponse({"errors": problems}, status_code=422)
        self.faults.update(checked)
        if "index_lag" in checked:
            self.store.index_lag = checked["index_lag"]
        return JSONResponse(self.settings())

    def add_repository(self, body: Any) -> Response:
        """`{"id", "password", "prefixes"[, "domains"][, "api_key"]}`: add or replace an account."""
        if not isinstance(body, dict):
            raise TypeError("expected a JSON object")
        prefixes, domains = body["prefixes"], body.get("domains") or ["*"]
        texts = [body["id"], body["password"], *prefixes, *domains] if isinstance(prefixes, list) else []
        if not texts or not isinstance(domains, list) or not all(isinstance(t, str) and t for t in texts):
            raise TypeError("id, password, prefixes and domains must be non-empty strings")
        if body.get("api_key") is not None and not isinstance(body["api_key"], str):
            raise TypeError("api_key must be a string")
        client = Client(
            body["id"].upper(), body["password"], tuple(prefixes), tuple(domains), body.get("api_key")
        )
        self.store.put_client(client)
        return JSONResponse({"id": client.id}, status_code=201)

    def issue_api_key(self, body: Any) -> Response:
        """`{"id"}`: a new API key for the account (`DC.` and 32 letters and digits, as DataCite's),
        replacing its old one; answered once, as Fabrica shows a key once. 404 for no such account."""
        if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
            raise TypeError('expected {"id": "REPOSITORY.ID"}')
        key = self.store.issue_api_key(body["id"])
        if key is None:
            return error(404, f"/_sandbox/api-key: no repository {body['id'].upper()}")
        return JSONResponse({"id": body["id"].upper(), "api_key": key}, status_code=201)

    def seed(self, records: list[Any]) -> Response:
        """Load `{"doi", "state", "client", "attributes"[, "url"]}` records as if their repositories
        had written them: no auth, but DataCite's whole write path (rewrites, validation), then one
        bulk transaction straight into the list index. One refused record refuses the batch."""
        rows = []
        for number, record in enumerate(records):
            if not isinstance(record, dict) or not isinstance(record.get("doi"), str):
                raise TypeError(f"record {number}: expected an object with a string doi")
            name = record.get("client")
            client = (
                self.store.client(name) if name else self.store.client_for_prefix(record["doi"].split("/")[0])
            )
            if client is None:
                title = f"unknown repository {name or record['doi']}"
                return JSONResponse(
                    {"errors": [{"status": "422", "title": title, "record": number}]}, status_code=422
                )
            attributes = dict(record.get("attributes") or {})
            if "url" in record:
                attributes["url"] = record["url"]
            event = _STATES[record.get("state", "draft")]
            if event:
                attributes["event"] = event
            try:
                outcome = write(
                    client, self.store.get(record["doi"]), record["doi"], attributes, method="PUT"
                )
            except WriteError as exc:
                return JSONResponse(
                    {"errors": [{**e, "record": number} for e in exc.errors]}, status_code=exc.status
                )
            rows.append((outcome.row, index_document(outcome.row)))
        self.store.save_many(rows)
        return JSONResponse({"seeded": len(rows)})
