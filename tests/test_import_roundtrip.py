"""`doiac import` round trips: real DataCite records, the schema's examples, and a generated corpus.

Each is created at a loopback sandbox by another client (plain httpx), imported, validated and
planned: the plan must be empty. A record import cannot reproduce exactly is a bug, so the
tests fail naming it and the reason import gave. See test_import.py for the sandbox helpers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.commands.adopt import Outcome
from reconciler.model import Action
from reconciler.sandbox import Client
from reconciler.sandbox.row import Row
from reconciler.sandbox.serialize import index_document
from reconciler.sandbox.store import now_ms
from reconciler.sandbox.writes import write

from .conftest import REFERENCE, Repo
from .helpers.datacite_xml import xml_to_doi_file
from .helpers.records import corpus
from .test_import import ACCOUNT, PASSWORD, PREFIX, Site, open_site, outcomes, record
from .test_init import FILE_SCHEMA, _run_check_jsonschema
from .test_reference_data import real_record_as_doi_file

REAL = REFERENCE / "real-records"
EXAMPLES = REFERENCE / "datacite-schema" / "kernel-4.7" / "example"
LEGACY = "10.5067/terra+aqua/ceres/cldtyphist_l3.004"
"""A real DOI with a `+`, which DataCite refuses for new DOIs but still holds: seeded into the store."""
EDITED = "10.5438/6423"
"""The real record whose title the round trip edits and applies (25 related identifiers, 10 contributors)."""


def _real_snapshots() -> dict[str, list[dict[str, Any]]]:
    """Each API-shaped real record as DOI-file data, by DOI; two files are one DOI at two dates."""
    if not REAL.is_dir():
        pytest.skip(f"reference data not found at {REAL} (../shared is absent in a user's own clone)")
    by_doi: dict[str, list[dict[str, Any]]] = {}
    for n, path in enumerate(sorted(REAL.glob("*.json"))):
        answer = json.loads(path.read_text("utf-8"))
        if "doi" not in answer:  # CaltechDATA's submission-shaped files are not what DataCite serves
            continue
        data = real_record_as_doi_file(answer, n)
        by_doi.setdefault(data["doi"].lower(), []).append(data)
    return by_doi


def _schema_examples() -> list[dict[str, Any]]:
    """The schema 4.7 XML examples as DOI-file data, moved to the test prefix (two of their DOIs
    are also real records)."""
    examples = []
    for path in sorted(EXAMPLES.glob("*.xml")) if EXAMPLES.is_dir() else []:
        data = xml_to_doi_file(path, url=f"https://data.example.org/examples/{path.stem}")
        examples.append({**data, "doi": f"{PREFIX}/{data['doi'].split('/', 1)[1]}"})
    return examples


def _seed_legacy(site: Site, data: dict[str, Any]) -> None:
    """Store a DOI DataCite holds but would refuse to create today, through the sandbox's write path."""
    client = Client(ACCOUNT, PASSWORD, (data["doi"].split("/")[0],))
    now = now_ms()
    blank = Row(data["doi"].upper(), ACCOUNT, "draft", None, {}, now, now)
    attributes = {**{k: v for k, v in data.items() if k != "state"}, "event": "publish"}
    row = write(client, blank, data["doi"], attributes, method="PUT").row
    site.server.store.save_many([(row, index_document(row))])


def _seed(
    site: Site, snapshots: dict[str, list[dict[str, Any]]], examples: list[dict[str, Any]]
) -> dict[str, Any]:
    """Create every record as another client would; a later snapshot of a DOI is a PUT over it."""
    latest = {}
    for doi, versions in snapshots.items():
        if doi == LEGACY:
            _seed_legacy(site, versions[-1])
        else:
            site.create(versions[0])
            for later in versions[1:]:
                site.update(doi, {k: v for k, v in later.items() if k not in ("doi", "state")})
        latest[doi] = versions[-1]
    for example in examples:
        site.create(example)
        latest[example["doi"]] = example
    return latest


def test_real_records_and_schema_examples_round_trip(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshots = _real_snapshots()
    examples = _schema_examples()
    assert len(snapshots) >= 60
    assert LEGACY in snapshots
    assert EDITED in snapshots
    prefixes = sorted({doi.split("/")[0] for doi in snapshots} | {PREFIX})
    with open_site(repo, monkeypatch, prefixes) as site:
        seeded = _seed(site, snapshots, examples)
        capsys.readouterr()

        code = site.doiac("import")
        out = capsys.readouterr().out
        not_imported = [line.strip() for line in out.splitlines() if "not imported" in line]
        assert (code, not_imported) == (0, []), "records import could not reproduce:\n" + "\n".join(
            not_imported
        )
        assert sorted(seeded) == sorted(read_doi(path) for path in (site.root / "dois").rglob("*.yaml"))
        assert site.doiac("validate") == 0
        assert site.doiac("plan", "--detailed-exitcode") == 0
        capsys.readouterr()
        # What import writes is already in canonical layout: fmt would change none of it.
        assert site.doiac("fmt", "--check") == 0
        # Editors and check-jsonschema see the files as valid too, through the editor schema.
        result = _run_check_jsonschema(FILE_SCHEMA, sorted((site.root / "dois").rglob("*.yaml")))
        assert result.returncode == 0, result.stdout + result.stderr

        # One field of one imported file edited: the plan holds exactly that change, and apply makes it.
        path = site.file(EDITED)
        title = _edit_title(path, 0, " (revised)")
        plan = site.plan()
        assert [
            (c.doi, c.action, [(d.pointer, d.before, d.after) for d in c.diffs]) for c in plan.changes
        ] == [(EDITED, Action.UPDATE, [("/titles/0/title", title, title + " (revised)")])]
        assert plan.unchanged == len(seeded) - 1
        assert site.doiac("apply", "--auto-approve") == 0
        assert site.doiac("plan", "--detailed-exitcode") == 0
        live = site.http.get(f"/dois/{EDITED}").json()["data"]["attributes"]
        assert live["titles"][0]["title"] == title + " (revised)"
        assert outcomes(site.import_(EDITED)) == {EDITED: (Outcome.HAS_FILE, "")}


def read_doi(path: Path) -> str:
    return str(YAML(typ="safe", pure=True).load(path.read_text("utf-8"))["doi"])


def _edit_title(path: Path, index: int, tail: str) -> str:
    """Append `tail` to a file's title `index` with a round-trip edit; the title before it."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    document = yaml.load(path.read_text("utf-8"))
    before = str(document["titles"][index]["title"])
    document["titles"][index]["title"] = before + tail
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(document, stream)
    return before


# -- defaults: a generated corpus --------------------------------------------------------------------

DEFAULTS = {
    "publisher": {
        "name": "Example University Research Data Repository",
        "publisherIdentifier": "https://ror.org/04wxnsj81",
        "publisherIdentifierScheme": "ROR",
        "schemeUri": "https://ror.org/",
    },
    "language": "en",
    "types": {"resourceTypeGeneral": "Dataset"},
}
CORPUS_SIZE = 60
CORPUS_SEED = 20240917
OTHER_LANGUAGES = ("de", "fr", "ja", "zxx")


def _with_defaulted_keys(n: int, data: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The record with each defaulted key set to the default or to something else, and which are equal.

    The bits of `n` choose which keys take the default, so the corpus holds every mix; each key's
    other value is plainly different, so no DataCite rewrite can make it equal to the default.
    """
    equal = {key for bit, key in enumerate(DEFAULTS) if n >> bit & 1}
    data = dict(data)
    for key, default in DEFAULTS.items():
        if key in equal:
            data[key] = default
        elif key == "publisher":
            data[key] = {"name": f"Another Publisher {n}"}
        elif key == "language":
            data[key] = OTHER_LANGUAGES[n % len(OTHER_LANGUAGES)]
        else:
            generated = data.get("types") or {}
            keep = generated.get("resourceTypeGeneral") not in (None, "Dataset")
            data[key] = (
                generated if keep else {"resourceTypeGeneral": "Dataset", "resourceType": "Survey data"}
            )
    return data, equal


def test_import_leaves_out_what_the_defaults_say(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [_with_defaulted_keys(n, data) for n, data in enumerate(corpus(CORPUS_SIZE, CORPUS_SEED))]
    with open_site(repo, monkeypatch, defaults=DEFAULTS) as site:
        for data, _ in records:
            site.create(data)
        report = site.import_()
        assert [(i.doi, i.reason) for i in report.items if i.outcome is not Outcome.WRITTEN] == []
        wrong = []
        for data, equal in records:
            written = site.data(data["doi"])
            present = {key for key in DEFAULTS if key in written}
            if present != set(DEFAULTS) - equal:
                wrong.append((data["doi"], sorted(present), sorted(set(DEFAULTS) - equal)))
            if "language" in written and written["language"] != data["language"]:
                wrong.append((data["doi"], "language", written["language"], data["language"]))
        assert wrong == []
        assert {len(equal) for _, equal in records} == {0, 1, 2, 3}
        assert {d["state"] for d, _ in records} == {"draft", "registered", "findable"}
        assert site.doiac("validate") == 0
        assert site.doiac("plan", "--detailed-exitcode") == 0


def test_a_live_doi_without_a_defaulted_key_is_imported_with_null(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A default the live record lacks is written as `key: null`, which the plan reads as absent."""
    with open_site(repo, monkeypatch, defaults={"language": "en"}) as site:
        site.create(record("no-language"))
        assert site.doiac("import") == 0
        (name,) = site.files()
        text = (site.root / name).read_text("utf-8")
        assert "language: null" in text or "language:\n" in text
        assert site.doiac("validate") == 0
        assert site.plan().changes == ()
