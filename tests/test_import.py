"""`doiac import` and `doiac show` against a loopback sandbox that another DataCite client fills.

The DOIs are created and changed with plain httpx requests, as a repository's other software
would, never through doiac's DataCiteClient; doiac reaches the sandbox through a doiac.yaml whose
`environment` is the sandbox's loopback URL. Covered here: `--force` keeps comments, `--dry-run`,
`--state`, `--query`, DOIs no repository of the config owns, typed-looking strings, the requests
an import costs, `show`, and the editor schema line. Real records: test_import_roundtrip.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from ruamel.yaml import YAML

from reconciler.cli import main
from reconciler.commands import adopt, show
from reconciler.commands import plan as plan_command
from reconciler.commands.adopt import ImportReport, Outcome
from reconciler.files import read_source
from reconciler.model import Plan
from reconciler.sandbox import Client, SandboxOptions, SandboxServer

from .conftest import Repo
from .helpers.sandbox_admin import admin

ACCOUNT = "IMPORT.REPO"
PASSWORD = "s3cret-import"
PASSWORD_ENV = "DOIAC_IMPORT_TEST_PASSWORD"
PREFIX = "10.80000"
JSONAPI = "application/vnd.api+json"
EVENTS = {"draft": None, "registered": "register", "findable": "publish"}
SCHEMA_LINE = "# yaml-language-server: $schema="


@dataclass
class Site:
    """A DOI repository whose doiac.yaml points at a loopback sandbox, and another client of it."""

    repo: Repo
    server: SandboxServer
    http: httpx.Client

    @property
    def root(self) -> Path:
        return self.repo.root

    @property
    def config(self) -> Path:
        return self.repo.config

    def configure(
        self, prefixes: Sequence[str], *, defaults: Mapping[str, Any] | None = None, path: str = "dois/"
    ) -> None:
        lines = [
            f"environment: {self.server.url}",
            "repositories:",
            f"  - id: {ACCOUNT}",
            f"    prefixes: {json.dumps(list(prefixes))}",
            f"    path: {path}",
            f"    password_env: {PASSWORD_ENV}",
        ]
        if defaults:
            lines.append(f"defaults: {json.dumps(defaults, ensure_ascii=False)}")
        self.repo.write("doiac.yaml", "\n".join(lines) + "\n")

    def doiac(self, *args: str) -> int:
        return main([*args, "-c", str(self.config)])

    def create(self, record: Mapping[str, Any]) -> None:
        """POST a DOI file's data as another client would: metadata, doi, url and the state's event."""
        attributes = {k: v for k, v in record.items() if k != "state"}
        if event := EVENTS[record["state"]]:
            attributes["event"] = event
        response = self.http.post("/dois", json={"data": {"type": "dois", "attributes": attributes}})
        assert response.status_code == 201, (record["doi"], response.text)

    def update(self, doi: str, attributes: Mapping[str, Any]) -> None:
        """PUT a change behind doiac's back."""
        body = {"data": {"type": "dois", "attributes": dict(attributes)}}
        response = self.http.put(f"/dois/{doi}", json=body)
        assert response.status_code == 200, (doi, response.text)

    def listed_updated(self) -> dict[str, str]:
        """Each DOI's `updated` as the list shows it (seconds), read as another client would."""
        response = self.http.get("/dois", params={"client-id": ACCOUNT.lower(), "page[size]": 1000})
        assert response.status_code == 200, response.text
        return {d["attributes"]["doi"].lower(): d["attributes"]["updated"] for d in response.json()["data"]}

    def set_index_lag(self, seconds: float) -> None:
        response = self.http.post("/_sandbox/config", json={"index_lag": seconds}, headers=admin(self.server))
        assert response.status_code == 200, response.text

    def file(self, doi: str, folder: str = "dois") -> Path:
        prefix, suffix = doi.lower().split("/", 1)
        return self.root / folder / prefix / f"{suffix.replace('/', '__')}.yaml"

    def data(self, doi: str) -> dict[str, Any]:
        return read_source(self.file(doi)).data

    def import_(self, *dois: str, **options: Any) -> ImportReport:
        return adopt.run(self.config, dois, **options)

    def plan(self) -> Plan:
        return plan_command.run(self.config).plan

    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*.yaml") if p != self.config
        )


@contextmanager
def open_site(
    repo: Repo,
    monkeypatch: pytest.MonkeyPatch,
    prefixes: Sequence[str] = (PREFIX,),
    *,
    configured: Sequence[str] | None = None,
    defaults: Mapping[str, Any] | None = None,
    path: str = "dois/",
) -> Iterator[Site]:
    """A sandbox whose account holds `prefixes`, and a config that names `configured` of them."""
    account = Client(ACCOUNT, PASSWORD, tuple(prefixes), ("*",))
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    db = repo.root.parent / f"{repo.root.name}-sandbox.sqlite"
    with (
        SandboxServer(db, SandboxOptions(repositories=[account])) as server,
        httpx.Client(
            base_url=server.url, auth=(ACCOUNT, PASSWORD), headers={"Content-Type": JSONAPI}, timeout=30
        ) as http,
    ):
        site = Site(repo, server, http)
        site.configure(configured or prefixes, defaults=defaults, path=path)
        yield site


@pytest.fixture
def site(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    with open_site(repo, monkeypatch) as opened:
        yield opened


def record(suffix: str, state: str = "findable", **metadata: Any) -> dict[str, Any]:
    """A small valid DOI file's data."""
    data: dict[str, Any] = {
        "doi": f"{PREFIX}/{suffix}",
        "state": state,
        "url": f"https://data.example.org/records/{suffix}",
        "creators": [{"name": "Doe, Jane", "nameType": "Personal"}],
        "titles": [{"title": f"Dataset {suffix}"}],
        "publisher": "Example Repository",
        "publicationYear": 2024,
        "types": {"resourceTypeGeneral": "Dataset"},
    }
    return {**data, **metadata}


def outcomes(report: ImportReport) -> dict[str, tuple[Outcome, str]]:
    return {item.doi: (item.outcome, item.reason) for item in report.items}


# -- --force keeps comments; without it a file is left alone ---------------------------------------

COMMENTED = """\
# Our flagship dataset: keep this note.
doi: 10.80000/flag-0001
state: findable
url: https://data.example.org/records/flag-0001   # moved in 2024
creators:
  # the principal investigator first
  - name: Doe, Jane
    nameType: Personal
  # then the student
  - name: Roe, Richard
titles:
  - title: Old title
publisher:
  name: Example Repository
publicationYear: 2024
types:
  resourceTypeGeneral: Dataset
fundingReferences:
  - funderName: National Science Foundation
    awardNumber: "0725097"   # the grant, with its leading zero
"""
COMMENTS = (
    "# Our flagship dataset: keep this note.",
    "# moved in 2024",
    "# the principal investigator first",
    "# then the student",
    "# the grant, with its leading zero",
)


def test_force_reimports_over_a_file_keeping_its_comments(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    doi = "10.80000/flag-0001"
    path = site.repo.write("dois/10.80000/flag-0001.yaml", COMMENTED)
    site.create(read_source(path).data)
    assert site.plan().changes == ()
    site.update(doi, {"titles": [{"title": "New title"}], "publicationYear": 2025})
    capsys.readouterr()

    assert site.doiac("import", doi) == 0
    assert "1 already have a file" in capsys.readouterr().out
    assert path.read_text("utf-8") == COMMENTED
    assert outcomes(site.import_(doi)) == {doi: (Outcome.HAS_FILE, "")}
    assert outcomes(site.import_()) == {doi: (Outcome.HAS_FILE, "")}
    assert path.read_text("utf-8") == COMMENTED

    assert site.doiac("import", "--force", doi) == 0
    assert f"replaced     {doi}" in capsys.readouterr().out
    text = path.read_text("utf-8")
    assert [c for c in COMMENTS if c not in text] == [], text
    assert text.startswith(COMMENTS[0] + "\n")
    data = read_source(path).data
    assert data["titles"] == [{"title": "New title"}]
    assert data["publicationYear"] == 2025
    assert data["fundingReferences"][0]["awardNumber"] == "0725097"
    assert site.plan().changes == ()


def test_force_keeps_a_file_that_already_matches_byte_for_byte(site: Site) -> None:
    """Nothing changed at DataCite: re-importing over the file must not churn it."""
    doi = "10.80000/flag-0001"
    path = site.repo.write("dois/10.80000/flag-0001.yaml", COMMENTED)
    site.create(read_source(path).data)
    assert outcomes(site.import_(doi, force=True)) == {
        doi: (Outcome.HAS_FILE, "it already matches DataCite; left as it is")
    }
    assert path.read_text("utf-8") == COMMENTED


def test_a_file_is_found_by_its_doi_wherever_it_lives(site: Site) -> None:
    """A DOI's file off the canonical path is its file; the canonical path of another DOI's file is not."""
    site.create(record("moved"))
    site.create(record("squatted"))
    elsewhere = site.repo.write("dois/old-layout/moved.yaml", "doi: 10.80000/MOVED\nstate: draft\n")
    other = site.repo.write("dois/10.80000/squatted.yaml", "doi: 10.80000/someone-else\nstate: draft\n")
    report = site.import_()
    assert outcomes(report) == {
        "10.80000/moved": (Outcome.HAS_FILE, ""),
        "10.80000/squatted": (
            Outcome.REFUSED,
            "that path holds the file of another DOI (10.80000/someone-else)",
        ),
    }
    assert site.doiac("import") == 1
    assert outcomes(site.import_("10.80000/moved", force=True)) == {"10.80000/moved": (Outcome.REPLACED, "")}
    assert site.files() == ["dois/10.80000/squatted.yaml", "dois/old-layout/moved.yaml"]
    assert read_source(elsewhere).data["state"] == "findable"
    assert other.read_text("utf-8") == "doi: 10.80000/someone-else\nstate: draft\n"


# -- --dry-run, --state, --query, DOIs of no repository -------------------------------------------


def test_dry_run_writes_nothing(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        site.create(record(f"dry-{n}"))
    assert site.doiac("import", "--dry-run") == 0
    out = capsys.readouterr().out
    assert site.files() == []
    assert "Import: 3 would write" in out
    assert out.count("would write  10.80000/dry-") == 3
    report = site.import_(dry_run=True)
    assert {i.outcome for i in report.items} == {Outcome.WOULD_WRITE}
    assert sorted(i.path for i in report.items) == [f"dois/10.80000/dry-{n}.yaml" for n in range(3)]
    assert site.files() == []


def test_state_and_query_filter_what_is_imported(site: Site) -> None:
    states = {"10.80000/st-draft": "draft", "10.80000/st-reg": "registered", "10.80000/st-find": "findable"}
    for doi, state in states.items():
        site.create(record(doi.split("/")[1], state))
    site.create(record("st-find2"))

    assert site.doiac("import", "--state", "registered") == 0
    assert site.files() == ["dois/10.80000/st-reg.yaml"]
    assert site.doiac("import", "--query", "doi:10.80000/st-find2") == 0
    assert site.files() == ["dois/10.80000/st-find2.yaml", "dois/10.80000/st-reg.yaml"]
    report = site.import_(state="findable", dry_run=True)
    assert outcomes(report) == {
        "10.80000/st-find": (Outcome.WOULD_WRITE, ""),
        "10.80000/st-find2": (Outcome.HAS_FILE, ""),
    }
    assert site.doiac("import", "--state", "draft") == 0
    assert site.data("10.80000/st-draft")["state"] == "draft"
    assert site.doiac("import", "--state", "gone") == 2


def test_a_named_doi_of_no_repository_is_not_imported(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.create(record("named-1"))
    assert site.doiac("import", "10.99999/abc", "10.80000/named-1") == 1
    out = capsys.readouterr().out
    assert "not imported 10.99999/abc" in out
    assert "prefix 10.99999 belongs to no repository" in out
    assert site.files() == ["dois/10.80000/named-1.yaml"]
    report = site.import_("https://doi.org/10.80000/NAMED-1", "10.80000/never-made")
    assert outcomes(report) == {
        "10.80000/named-1": (Outcome.HAS_FILE, ""),
        "10.80000/never-made": (Outcome.REFUSED, "DataCite has no such DOI visible to this account"),
    }


def test_a_listed_doi_of_no_repository_is_not_imported(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The account holds a prefix the config does not name: its DOIs are reported, not written."""
    with open_site(repo, monkeypatch, (PREFIX, "10.80001"), configured=(PREFIX,)) as site:
        site.create(record("mine"))
        site.create({**record("theirs"), "doi": "10.80001/theirs"})
        assert site.doiac("import") == 1
        report = site.import_()
    assert site.files() == ["dois/10.80000/mine.yaml"]
    outcome, reason = outcomes(report)["10.80001/theirs"]
    assert outcome is Outcome.REFUSED
    assert "10.80001" in reason
    assert "no repository" in reason


TYPED_LOOKING = ("0725097", "1.0", "2024-01-01", "null", "~", "0x1F", "1e3", "true", "010")


def test_strings_that_look_typed_stay_strings(site: Site) -> None:
    doi = "10.80000/typed-1"
    site.create(
        record(
            "typed-1",
            titles=[{"title": t} for t in TYPED_LOOKING],
            version="1.0",
            fundingReferences=[{"funderName": "NSF", "awardNumber": "0725097"}],
        )
    )
    assert site.doiac("import") == 0
    path = site.file(doi)
    for data in (read_source(path).data, YAML(typ="safe", pure=True).load(path.read_text("utf-8"))):
        assert [t["title"] for t in data["titles"]] == list(TYPED_LOOKING)
        assert data["version"] == "1.0"
        assert data["fundingReferences"][0]["awardNumber"] == "0725097"
    assert site.plan().changes == ()


def test_strings_that_yaml_1_1_reads_as_booleans_are_quoted(site: Site) -> None:
    """yamledit promises `"yes"` is never written bare; PyYAML and other YAML 1.1 readers agree."""
    pyyaml = pytest.importorskip("yaml")  # PyYAML: a YAML 1.1 reader, as many tools are
    words = ["yes", "no", "on", "off", "Yes"]
    site.create(record("bool-1", titles=[{"title": w} for w in words]))
    assert site.doiac("import") == 0
    data = pyyaml.safe_load(site.file("10.80000/bool-1").read_text("utf-8"))
    assert [t["title"] for t in data["titles"]] == words


# -- requests: list pages, plus single reads only of what the list may show stale ------------------


def test_an_import_costs_list_pages_plus_recently_changed_dois(site: Site) -> None:
    n = 5
    for k in range(n):
        site.create(record(f"req-{k}"))
    later = datetime.now(UTC) + timedelta(days=2)

    # Every DOI changed within the last day: each is re-read singly.
    report = site.import_(dry_run=True)
    assert (report.count(Outcome.WOULD_WRITE), report.requests) == (n, 1 + n)
    # One DOI changed a second after the others, the clock a day after the others: only it is re-read.
    time.sleep(1.1)
    site.update("10.80000/req-0", {"titles": [{"title": "Changed"}]})
    updated = datetime.fromisoformat(site.listed_updated()["10.80000/req-0"].replace("Z", "+00:00"))
    between = updated + timedelta(days=1) - timedelta(seconds=0.5)
    report = site.import_(dry_run=True, now=lambda: between)
    assert (report.count(Outcome.WOULD_WRITE), report.requests) == (n, 1 + 1)
    # Nothing changed in the last day: the list pages alone.
    report = site.import_(now=lambda: later)
    assert (report.count(Outcome.WRITTEN), report.requests) == (n, 1)
    assert site.data("10.80000/req-0")["titles"] == [{"title": "Changed"}]
    assert site.plan().changes == ()
    # DOIs that have a file need no single read, however recent.
    report = site.import_()
    assert (report.count(Outcome.HAS_FILE), report.requests) == (n, 1)


def test_a_doi_the_list_shows_stale_is_written_from_its_single_read(site: Site) -> None:
    site.create(record("stale-1"))
    site.create(record("stale-2"))
    site.set_index_lag(600)
    site.update("10.80000/stale-1", {"titles": [{"title": "Fresh title"}]})
    response = site.http.get("/dois", params={"client-id": ACCOUNT.lower()})
    listed = {d["id"].lower(): d["attributes"]["titles"] for d in response.json()["data"]}
    assert listed["10.80000/stale-1"] == [{"title": "Dataset stale-1"}]  # the list lags behind

    report = site.import_()
    assert report.count(Outcome.WRITTEN) == 2
    assert site.data("10.80000/stale-1")["titles"] == [{"title": "Fresh title"}]
    assert site.plan().changes == ()


# -- show ------------------------------------------------------------------------------------------


def test_show_a_doi_without_a_file_prints_its_file_form_and_the_import_hint(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    doi = "10.80000/show-1"
    site.create(record("show-1", fundingReferences=[{"funderName": "NSF", "awardNumber": "0725097"}]))
    assert site.doiac("show", doi.upper()) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# {doi} at DataCite: findable, repository {ACCOUNT}\n")
    assert f"No file: `doiac import {doi}` writes the above." in out
    shown = show.run(site.config, doi)
    assert (shown.path, shown.change, shown.problem) == (None, None, None)
    assert shown.text in out
    assert site.files() == []

    # The file form is what import writes, less its two comment lines.
    assert site.doiac("import", doi) == 0
    written = site.file(doi).read_text("utf-8").splitlines(keepends=True)
    assert written[0].startswith(SCHEMA_LINE)
    assert written[1].startswith("# Imported from DataCite")
    assert "".join(written[2:]) == shown.text
    assert "awardNumber: '0725097'" in shown.text or 'awardNumber: "0725097"' in shown.text


def test_show_a_doi_whose_file_matches(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    doi = "10.80000/show-2"
    site.create(record("show-2"))
    assert site.doiac("import") == 0
    capsys.readouterr()
    assert site.doiac("show", doi) == 0
    out = capsys.readouterr().out
    assert "dois/10.80000/show-2.yaml matches DataCite: the next plan changes nothing for this DOI." in out
    assert "differs" not in out
    assert "No file" not in out


def test_show_a_doi_whose_file_differs_prints_the_diff(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    doi = "10.80000/show-3"
    site.create(record("show-3"))
    assert site.doiac("import") == 0
    site.update(doi, {"titles": [{"title": "Renamed at DataCite"}]})
    capsys.readouterr()
    assert site.doiac("show", doi) == 0
    out = capsys.readouterr().out
    assert "dois/10.80000/show-3.yaml differs from DataCite; the next plan would update:" in out
    diff_lines = [line for line in out.splitlines() if line.startswith("  /")]
    assert len(diff_lines) == 1, out
    assert diff_lines[0].startswith("  /titles/0/title")
    assert "Renamed at DataCite" in diff_lines[0]
    assert "Dataset show-3" in diff_lines[0]
    assert diff_lines[0].index("Renamed at DataCite") < diff_lines[0].index("Dataset show-3")
    # The printed file form is DataCite's side: the new title.
    assert "title: Renamed at DataCite" in out
    shown = show.run(site.config, doi)
    assert shown.change is not None
    assert [(d.pointer, d.before, d.after) for d in shown.change.diffs] == [
        ("/titles/0/title", "Renamed at DataCite", "Dataset show-3")
    ]


def test_show_refuses_a_doi_of_no_repository_and_one_datacite_lacks(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    assert site.doiac("show", "10.99999/abc") == 2
    assert "prefix 10.99999 belongs to no repository" in capsys.readouterr().err
    assert site.doiac("show", "10.80000/never-made") == 1
    assert "DataCite has no DOI 10.80000/never-made" in capsys.readouterr().err


# -- the editor schema line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "suffix", "expected"),
    [
        ("dois/", "schema-1", "../../schemas/doi-file.schema.json"),
        ("dois/", "Deep/Er/Schema-2", "../../schemas/doi-file.schema.json"),
        ("records/team-a/", "schema-3", "../../../schemas/doi-file.schema.json"),
    ],
    ids=["dois", "slashes-in-suffix", "nested-folder"],
)
def test_written_files_point_at_the_editor_schema(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, folder: str, suffix: str, expected: str
) -> None:
    with open_site(repo, monkeypatch, path=folder) as site:
        site.create(record(suffix))
        assert site.doiac("import") == 0
        path = site.file(f"{PREFIX}/{suffix}", folder.rstrip("/"))
        first = path.read_text("utf-8").splitlines()[0]
        assert first == f"{SCHEMA_LINE}{expected}"
        target = (path.parent / first.removeprefix(SCHEMA_LINE)).resolve()
        assert target == (site.root / "schemas" / "doi-file.schema.json").resolve()
        assert site.plan().changes == ()
