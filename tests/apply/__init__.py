"""apply under hostile conditions (injected faults, SIGKILL): a generated DOI repository and its sandbox.

The sandbox runs in the test process on a loopback port; the repository's config points at it
with `environment: http://127.0.0.1:PORT`, as it would at any DataCite-compatible API.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from reconciler.core.suffix import MAX_NUMBER, encode_suffix
from reconciler.sandbox import Client, SandboxServer

from ..conftest import CONFIG, Repo

PASSWORD = "apply-tests-password"
ACCOUNT = Client("EXAMPLE.REPO", PASSWORD, ("10.80000",), ("data.example.org", "*.example.org"))
STATES = ("findable", "registered", "draft")
_TYPES = ("Dataset", "Software", "Text", "Image", "Collection", "Model")
_FAMILY = ("Doe", "Müller", "O'Brien", "García Márquez", "Nguyễn", "Østergård")
_GIVEN = ("Jane", "José", "Zoë", "Łukasz", "Mei", "Ngozi")
_WORDS = ("sensor", "readings", "glacier", "Niederschlag", "océan", "coral reef", "time series", "model run")


def point_at(repo: Repo, url: str, *, max_one_way: int = 100) -> None:
    """Make `repo`'s config talk to the API at `url`, with the password in DATACITE_PASSWORD."""
    config = CONFIG.replace("environment: sandbox", f"environment: {url}")
    repo.write("doiac.yaml", f"{config}limits:\n  max_one_way: {max_one_way}\n")


def write_dois(repo: Repo, count: int, *, seed: int) -> dict[str, str]:
    """`count` valid DOI files with opaque suffixes, states taken in turn; returns DOI → state.

    Findable and registered records carry the required metadata and a URL on an allowed domain;
    drafts are sometimes bare, sometimes complete. The rest varies with the record's number.
    """
    rng = random.Random(seed)
    states: dict[str, str] = {}
    for index, number in enumerate(rng.sample(range(MAX_NUMBER), count)):
        doi = f"10.80000/{encode_suffix(number)}"
        state = STATES[index % len(STATES)]
        states[doi] = state
        repo.write(f"dois/{doi}.yaml", _record(doi, state, index, rng))
    return states


def _record(doi: str, state: str, index: int, rng: random.Random) -> str:
    lines = [f"doi: {doi}", f"state: {state}"]
    if state == "draft" and index % 2 == 0:
        return "\n".join([*lines, f"titles:\n  - title: Draft {index}", ""])
    family, given = rng.choice(_FAMILY), rng.choice(_GIVEN)
    host = "data.example.org" if index % 4 else "archive.example.org"
    lines += [
        f"url: https://{host}/records/{index}",
        "creators:",
        f'  - name: "{family}, {given}"',
        "    nameType: Personal",
        f'    givenName: "{given}"',
        f'    familyName: "{family}"',
        "titles:",
        f'  - title: "{rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)}, record {index}"',
        "publisher: Example Repository",
        f"publicationYear: {2000 + index % 25}",
        "types:",
        f"  resourceTypeGeneral: {_TYPES[index % len(_TYPES)]}",
    ]
    if index % 3 == 1:
        lines += ["subjects:", *(f"  - subject: {w}" for w in rng.sample(_WORDS, 2))]
    if index % 5 == 2:
        lines += ["descriptions:", f"  - description: About record {index}.", "    descriptionType: Abstract"]
    if index % 7 == 3:
        lines += [f"version: '{index % 4 + 1}.0'", "language: en"]
    return "\n".join([*lines, ""])


def held_dois(server: SandboxServer) -> dict[str, str]:
    """Every DOI the sandbox holds, of any account: lower-case DOI → account."""
    documents, total = server.store.search(
        clients=None, prefixes=None, states=None, after=None, offset=0, limit=100_000, order="cursor"
    )
    assert total == len(documents)
    return {d["doi"].lower(): d["client"] for d in documents}


def creates(server: SandboxServer, doi: str) -> int:
    """How many times the sandbox created `doi` (its audit trail)."""
    return sum(a["action"] == "create" for a in server.store.activities(doi))


def report_lines(path: Path) -> list[dict[str, Any]]:
    """The report's lines, each of which must be a JSON object."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
