"""No DOI file, --target or saved plan may make a request land on another DOI (security issue, 1).

Before the fix, `doi: 10.80000/q/../vict-im01` passed validate with a warning and apply wrote
to `10.80000/vict-im01`, a live DOI with no file, because the HTTP client resolves dot segments.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from reconciler.applier import apply_plan
from reconciler.config import load_config
from reconciler.core.crossfile import duplicate_dois
from reconciler.core.doi import doi_key, path_problem
from reconciler.datacite import DataCiteClient
from reconciler.environment import SANDBOX_PASSWORD, open_endpoint
from reconciler.errors import UnsafeDoiError
from reconciler.model import Action, Change, Plan

from ..conftest import FINDABLE, Repo
from ..helpers.cli import run

VICTIM = "10.80000/vict-im01"

# (id, DOI, what the error says): every form a request path could normalise to another DOI, and
# characters DataCite refuses that read as ASCII.
UNSAFE = [
    ("dot-dot", "10.80000/q/../vict-im01", "'..' segment"),
    ("dot-dot-opaque", "10.80000/7k3m/../9fpd-5b03", "'..' segment"),
    ("dot", "10.80000/./vict-im01", "'.' or '..' segment"),
    ("dot-inside", "10.80000/a/./b", "'.' or '..' segment"),
    ("dot-dot-last", "10.80000/vict-im01/..", "'.' or '..' segment"),
    ("percent-dot", "10.80000/q/%2e%2e/vict-im01", "percent-encoded sequence %2e"),
    ("percent-dot-upper", "10.80000/%2E/vict-im01", "percent-encoded sequence %2E"),
    ("percent-slash", "10.80000/q%2fvict-im01", "percent-encoded sequence %2f"),
    ("backslash", "10.80000/q\\..\\vict-im01", "backslash"),
    ("empty-segment", "10.80000/q//vict-im01", "empty segment"),
    ("leading-slash", "10.80000//vict-im01", "empty segment"),
    ("trailing-slash", "10.80000/vict-im01/", "empty segment"),
    ("cyrillic-i", "10.80000/v\u0456ct-im01", "U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"),
    ("fullwidth-digit", "10.80000/vict-im\uff101", "U+FF10 FULLWIDTH DIGIT ZERO"),
    ("zero-width-space", "10.80000/vict\u200b-im01", "invisible or control character U+200B"),
    ("rtl-override", "10.80000/vict\u202e-im01", "invisible or control character U+202E"),
    ("arabic-digits-prefix", "10.\u0668\u0660\u0660\u0660\u0660/vict-im01", "non-ASCII character"),
]
SAFE = [
    "10.80000/vict-im01",
    "10.80000/a/b",
    "10.80000/a.b",
    "10.80000/..a",
    "10.80000/a..",
    "10.80000/(x);y",
]


@pytest.mark.parametrize(("doi", "message"), [c[1:] for c in UNSAFE], ids=[c[0] for c in UNSAFE])
def test_unsafe_dois_are_named(doi: str, message: str) -> None:
    problem = path_problem(doi)
    assert problem is not None
    assert message in problem


@pytest.mark.parametrize("doi", SAFE)
def test_safe_dois_pass(doi: str) -> None:
    assert path_problem(doi) is None


def _live(repo: Repo, doi: str) -> dict[str, Any] | None:
    with (
        open_endpoint(load_config(repo.config), env={}) as endpoint,
        DataCiteClient(endpoint.url, "EXAMPLE.REPO", SANDBOX_PASSWORD) as client,
    ):
        item = client.get(doi)
    return None if item is None else item["attributes"]


@pytest.fixture
def victim(repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A live findable DOI that no file manages any more: what an attacker would aim at."""
    monkeypatch.delenv("DATACITE_PASSWORD", raising=False)
    path = repo.write(f"dois/{VICTIM}.yaml", FINDABLE.replace("3mfp-6m52", "vict-im01"))
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    path.unlink()
    return repo


def _attack(doi: str) -> str:
    return (
        FINDABLE.replace("10.80000/3mfp-6m52", json.dumps(doi))
        .replace("state: findable", "state: registered")
        .replace("Sensor readings 2024", "Written through another DOI's file")
    )


def _untouched(repo: Repo) -> None:
    live = _live(repo, VICTIM)
    assert live is not None
    assert (live["state"], live["titles"]) == ("findable", [{"title": "Sensor readings 2024"}])


@pytest.mark.parametrize(("doi", "message"), [c[1:] for c in UNSAFE], ids=[c[0] for c in UNSAFE])
def test_a_file_cannot_write_another_doi(
    victim: Repo, capsys: pytest.CaptureFixture[str], doi: str, message: str
) -> None:
    victim.write("dois/10.80000/attack.yaml", _attack(doi))
    code, out, err = run(capsys, "validate")
    assert code == 1
    located = [line for line in out.splitlines() if ": error: /doi: " in line]
    assert len(located) == 1, out
    assert message in located[0]
    assert located[0].startswith("dois/10.80000/attack.yaml:1:6: error: /doi:")
    for command in (("plan",), ("apply", "--auto-approve")):
        code, out, err = run(capsys, *command)
        assert code == 1, out + err
        assert "Traceback" not in out + err
    _untouched(victim)


def test_duplicates_compare_case_folded_and_nfc() -> None:
    records = [
        ("a.yaml", {"doi": "10.80000/ABC-É"}),  # composed É
        ("b.yaml", {"doi": "10.80000/abc-e\u0301"}),  # e + combining acute
        ("c.yaml", {"doi": "10.80000/other"}),
    ]
    assert doi_key("10.80000/ABC-É") == doi_key("10.80000/abc-e\u0301")
    assert sorted(f.path for f in duplicate_dois(records)) == ["a.yaml", "b.yaml"]


def test_two_spellings_of_one_doi_are_a_duplicate_error(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE)
    repo.write("dois/10.80000/upper.yaml", FINDABLE.replace("3mfp-6m52", "3MFP-6M52"))
    code, out, _ = run(capsys, "validate")
    assert code == 1
    assert sum("duplicate" in line or "also declared" in line for line in out.splitlines()) == 2, out


def test_target_refuses_an_unsafe_doi(victim: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "--target", "10.80000/q/../vict-im01")
    assert code == 2
    assert err.strip().splitlines() == [
        "doiac: usage error: --target '10.80000/q/../vict-im01' has a '.' or '..' segment in its suffix,"
        " which a request path resolves to another DOI"
    ]


@pytest.mark.parametrize(
    ("doi", "fragment"),
    [("10.80000/q/../vict-im01", "/changes/0/doi: '10.80000/q/../vict-im01' has a '.' or '..' segment"),
     (VICTIM, "the saved plan changes 10.80000/vict-im01, which no DOI file of EXAMPLE.REPO declares")],
    ids=["unsafe-doi", "doi-without-file"],
)  # fmt: skip
def test_an_edited_saved_plan_cannot_write_another_doi(
    victim: Repo, capsys: pytest.CaptureFixture[str], doi: str, fragment: str
) -> None:
    victim.write("dois/10.80000/3mfp-6m52.yaml", FINDABLE.replace("Sensor readings 2024", "Mine"))
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    plan = json.loads((victim.root / "plan.json").read_text("utf-8"))
    plan["changes"][0]["doi"] = doi
    (victim.root / "plan.json").write_text(json.dumps(plan), "utf-8")
    code, out, err = run(capsys, "apply", "--auto-approve", "plan.json")
    assert code in (1, 2)
    assert err.strip().splitlines() == [err.strip()], err
    assert fragment in err
    assert "Traceback" not in out + err
    _untouched(victim)
    assert _live(victim, "10.80000/3mfp-6m52") is None


class _Recorder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.raw_path.decode()}")
        return httpx.Response(404, json={"errors": [{"status": "404", "title": "not found"}]})


@pytest.mark.parametrize(("doi", "message"), [c[1:] for c in UNSAFE], ids=[c[0] for c in UNSAFE])
def test_the_client_refuses_a_path_that_names_another_doi(doi: str, message: str) -> None:
    """Defence in depth: even a DOI that got past validation never reaches the wire."""
    recorder = _Recorder()
    client = DataCiteClient(
        "https://api.test.datacite.org", "X.Y", "pw", transport=httpx.MockTransport(recorder)
    )
    calls = [
        lambda: client.get(doi),
        lambda: client.update(doi, {"titles": [{"title": "x"}]}),
        lambda: client.delete(doi),
        lambda: client.activities(doi),
    ]
    for call in calls:
        with pytest.raises(UnsafeDoiError) as caught:
            call()
        assert message in str(caught.value)
        assert "pw" not in str(caught.value)
    assert recorder.seen == []


def test_apply_reports_a_refused_path_as_one_failed_doi() -> None:
    recorder = _Recorder()
    client = DataCiteClient(
        "https://api.test.datacite.org", "X.Y", "pw", transport=httpx.MockTransport(recorder)
    )
    doomed = Change("10.80000/q/../vict-im01", Action.DELETE, "X.Y", None, "draft", None)
    report = apply_plan(Plan(changes=(doomed,), unchanged=0), {}, {"X.Y": client})
    assert [(o.doi, o.status) for o in report.outcomes] == [(doomed.doi, "failed")]
    assert "refused before sending" in report.outcomes[0].message
    assert recorder.seen == []
