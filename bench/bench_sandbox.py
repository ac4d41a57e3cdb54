"""The sandbox over a real loopback socket: single GETs per second, and a cursor walk of 100,000 DOIs."""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from reconciler.sandbox import TOKEN_HEADER, Client, SandboxOptions, SandboxServer

COUNT = int(os.environ.get("BENCH_SANDBOX_DOIS", "100000"))
GETS = 3000
AUTH = ("bench.repo", "secret")
RECORD = {
    "creators": [{"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe",
                  "affiliation": [{"name": "Example University", "affiliationIdentifier": "https://ror.org/04wxnsj81",
                                   "affiliationIdentifierScheme": "ROR"}]}] * 3,
    "titles": [{"title": "Sensor readings from twelve stations, 2024 campaign", "lang": "en"}],
    "publisher": "Example University Research Data Repository",
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Measurements"},
    "subjects": [{"subject": s} for s in ("ocean", "sensor", "climate", "survey")],
    "rightsList": [{"rightsIdentifier": "CC-BY-4.0"}],
    "descriptions": [{"description": "Measurements every ten minutes over one season. " * 4, "descriptionType": "Abstract"}],
}  # fmt: skip


def _seed(url: str, token: str, count: int) -> float:
    start = time.perf_counter()
    with httpx.Client(base_url=url, headers={TOKEN_HEADER: token}, timeout=300) as client:
        for offset in range(0, count, 5000):
            batch = [
                {"doi": f"10.80000/b{n:07d}", "client": "BENCH.REPO", "state": "findable",
                 "url": f"https://data.example.org/r/{n}", "attributes": RECORD}
                for n in range(offset, min(offset + 5000, count))
            ]  # fmt: skip
            client.post("/_sandbox/seed", json=batch).raise_for_status()
    return time.perf_counter() - start


def _gets(url: str, threads: int) -> float:
    def run(worker: int) -> None:
        with httpx.Client(base_url=url, auth=AUTH, timeout=30) as client:
            for n in range(worker, GETS, threads):
                client.get(f"/dois/10.80000/b{n % 1000:07d}").raise_for_status()

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, range(threads)))
    return GETS / (time.perf_counter() - start)


def _walk(url: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    seen = pages = 0
    with httpx.Client(base_url=url, auth=AUTH, timeout=60) as client:
        next_url: str | None = "/dois?client-id=bench.repo&page[cursor]=1&page[size]=1000&disable-facets=true"
        while next_url:
            page = client.get(next_url).json()
            seen += len(page["data"])
            pages += 1
            next_url = page["links"].get("next")
    return time.perf_counter() - start, seen, pages


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        account = Client("BENCH.REPO", "secret", ("10.80000",), ("data.example.org",))
        with SandboxServer(Path(tmp) / "bench.sqlite", SandboxOptions(repositories=[account])) as server:
            seed_seconds = _seed(server.url, server.admin_token, COUNT)
            one, four = _gets(server.url, 1), _gets(server.url, 4)
            walk_seconds, seen, pages = _walk(server.url)
            assert seen == COUNT, (seen, COUNT)
    return {
        "dois": COUNT,
        "seed_seconds": round(seed_seconds, 1),
        "single_get_per_second_1_client": round(one),
        "single_get_per_second_4_clients": round(four),
        "cursor_walk_seconds": round(walk_seconds, 1),
        "cursor_pages": pages,
    }


def markdown(result: dict[str, Any]) -> str:
    return "\n".join([
        f"- single GETs: {result['single_get_per_second_1_client']}/s with one client, "
        f"{result['single_get_per_second_4_clients']}/s with four",
        f"- cursor walk of {result['dois']:,} DOIs in pages of 1,000: {result['cursor_walk_seconds']} s "
        f"({result['cursor_pages']} requests); seeding them took {result['seed_seconds']} s",
    ])  # fmt: skip
