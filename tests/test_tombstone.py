"""`doiac tombstone`: the file says registered, the tombstone url and a Withdrawn date; comments stay."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from reconciler.commands import tombstone
from reconciler.commands.validate import read_desired
from reconciler.config import open_config
from reconciler.core.adopt import as_desired
from reconciler.core.planner import make_change
from reconciler.errors import UsageError
from reconciler.files import read_source
from reconciler.model import Action, LiveRecord, Severity

from .conftest import CONFIG, PROJECT, Repo

EXAMPLES = PROJECT / "dois" / "10.80000"
PUBLISHER = {
    "name": "Example University Research Data Repository",
    "publisherIdentifier": "https://ror.org/04wxnsj81",
    "publisherIdentifierScheme": "ROR",
    "schemeUri": "https://ror.org/",
}
DEFAULTS = """\
defaults:
  publisher:
    name: Example University Research Data Repository
    publisherIdentifier: https://ror.org/04wxnsj81
    publisherIdentifierScheme: ROR
    schemeUri: https://ror.org/
"""
DATASET = "10.80000/9fpd-5b03"
TOMBSTONE = "https://data.example.org/tombstone/9fpd-5b03"
REASON = "Withdrawn at the authors' request: a sensor was mis-calibrated."


HEADING = "# The next section"


def example(repo: Repo, name: str, *edits: tuple[str, str], heading_after: str | None = None) -> Path:
    """Copy an example DOI file into the test repository, each (old, new) replacement made once.

    With `heading_after`, a blank line and HEADING go above the top-level key that follows that key.
    """
    text = (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    if heading_after is not None:
        lines = text.splitlines(keepends=True)
        start = lines.index(f"{heading_after}:\n")
        following = next(i for i in range(start + 1, len(lines)) if lines[i][:1] not in (" ", "#", "\n"))
        lines[following:following] = ["\n", f"{HEADING}\n"]
        text = "".join(lines)
    path = repo.root / "dois" / "10.80000" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# A head comment is in every example; these add an end-of-line comment and a comment inside a list
# (the fixture adds a heading comment after the last item of the list the Withdrawn date joins).
COMMENTED = (
    ("state: findable\n", "state: findable  # published in March 2024\n"),
    ("dates:\n  - date:", "dates:\n  # the collection period first\n  - date:"),
)


@pytest.fixture
def dataset(repo: Repo) -> Path:
    repo.write("doiac.yaml", CONFIG + DEFAULTS)
    return example(repo, "9fpd-5b03", *COMMENTED, heading_after="dates")


def data(path: Path) -> dict[str, Any]:
    return read_source(path).data


def without(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in keys}


def withdrawn(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in record.get("dates", []) if d.get("dateType") == "Withdrawn"]


def assert_heading_below_withdrawn(lines: list[str]) -> None:
    """The heading comment stays right above the key it heads, below the Withdrawn date appended."""
    heading = lines.index(HEADING)
    assert lines[heading - 3 : heading + 1] == ["    dateType: Withdrawn", lines[heading - 2], "", HEADING]
    assert lines[heading - 2].startswith("    dateInformation: ")
    assert lines[heading + 1][:1].isalpha()  # a top-level key


def test_tombstone_edits_the_file_and_keeps_comments(repo: Repo, dataset: Path) -> None:
    before = data(dataset)
    result = tombstone.run(repo.config, DATASET.upper(), url=TOMBSTONE, reason=REASON, date="2026-12-05")

    assert result == tombstone.Tombstoned(
        DATASET,
        "dois/10.80000/9fpd-5b03.yaml",
        (
            "state findable → registered",
            f"url https://data.example.org/records/9fpd-5b03 → {TOMBSTONE}",
            f"dates + Withdrawn 2026-12-05: {REASON}",
        ),
    )
    after = data(dataset)
    assert (after["state"], after["url"]) == ("registered", TOMBSTONE)
    entry = {"date": "2026-12-05", "dateType": "Withdrawn", "dateInformation": REASON}
    assert after["dates"] == [*before["dates"], entry]
    assert without(after, "state", "url", "dates") == without(before, "state", "url", "dates")
    lines = dataset.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schemas/doi-file.schema.json"
    assert lines[1].startswith("# A findable dataset with the recommended metadata")
    # ruamel keeps an end-of-line comment in its column: `registered` is longer than `findable`.
    assert "state: registered # published in March 2024" in lines
    assert lines[lines.index("dates:") + 1] == "  # the collection period first"
    # The heading stays right above the key it heads, below the appended date.
    assert_heading_below_withdrawn(lines)


def test_the_plan_then_hides_the_doi(repo: Repo, dataset: Path) -> None:
    before = data(dataset)
    live = LiveRecord(
        DATASET,
        "findable",
        before["url"],
        {**without(before, "doi", "state", "url"), "publisher": PUBLISHER},
        "EXAMPLE.REPO",
        "2025-01-01T00:00:00.000Z",
    )
    tombstone.run(repo.config, DATASET, url=TOMBSTONE, reason=REASON, date="2026-12-05")

    record = as_desired(
        data(dataset), {"publisher": PUBLISHER}, "dois/10.80000/9fpd-5b03.yaml", "EXAMPLE.REPO"
    )
    change = make_change(record, live)
    assert change is not None
    assert (change.action, change.state_before, change.state_after, change.event) == (
        Action.HIDE,
        "findable",
        "registered",
        "hide",
    )
    assert {d.attribute for d in change.diffs} >= {"url", "dates"}
    desired = read_desired(open_config(repo.config))
    assert [d for d in desired.diagnostics if d.severity is Severity.ERROR] == []


def test_a_second_tombstone_replaces_the_withdrawn_date(repo: Repo, dataset: Path) -> None:
    tombstone.run(repo.config, DATASET, url=TOMBSTONE, reason=REASON, date="2026-12-05")
    second = tombstone.run(repo.config, DATASET, url=TOMBSTONE, reason="Retracted.", date="2026-12-24")

    assert second.changed == (
        f"dates ~ Withdrawn 2026-12-24: Retracted. (was Withdrawn 2026-12-05: {REASON})",
    )
    after = data(dataset)
    assert withdrawn(after) == [
        {"date": "2026-12-24", "dateType": "Withdrawn", "dateInformation": "Retracted."}
    ]
    assert len(after["dates"]) == 3
    text = dataset.read_text(encoding="utf-8")
    assert "  # the collection period first\n" in text
    assert_heading_below_withdrawn(text.splitlines())

    third = tombstone.run(repo.config, DATASET, url=TOMBSTONE, reason="Retracted.", date="2026-12-24")
    assert (third.changed, dataset.read_text(encoding="utf-8")) == ((), text)


def test_an_example_tombstone_keeps_one_withdrawn_date(repo: Repo) -> None:
    path = example(repo, "nvx0-k838")
    before = data(path)
    url = "https://data.example.org/tombstone/nvx0-k838"
    result = tombstone.run(
        repo.config, "doi:10.80000/nvx0-k838", url=url, reason="Consent withdrawn.", date="2025-01-31"
    )

    after = data(path)
    assert result.changed[0].startswith(
        "dates ~ Withdrawn 2025-01-31: Consent withdrawn. (was Withdrawn 2024-02-15:"
    )
    assert len(result.changed) == 1  # already registered, same url
    assert withdrawn(after) == [
        {"date": "2025-01-31", "dateType": "Withdrawn", "dateInformation": "Consent withdrawn."}
    ]
    assert after["dates"][:2] == before["dates"][:2]
    assert without(after, "dates") == without(before, "dates")


def test_a_file_without_dates_or_url_gets_them_in_canonical_order(repo: Repo) -> None:
    path = repo.write(
        "dois/10.80000/3mfp-6m52.yaml",
        """\
        # head
        doi: 10.80000/3mfp-6m52
        state: findable  # eol
        creators:
          - name: Doe, Jane
        publicationYear: 2024
        types:
          resourceTypeGeneral: Dataset

        # Where the data are
        geoLocations:
          - geoLocationPlace: Lake Constance
        """,
    )
    url = "https://data.example.org/gone"
    result = tombstone.run(repo.config, "10.80000/3mfp-6m52", url=url, reason="Gone.", date="2026")

    assert result.changed[1:] == (f"url (none) → {url}", "dates + Withdrawn 2026: Gone.")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        f"# head\ndoi: 10.80000/3mfp-6m52\nstate: registered # eol\nurl: {url}\ncreators:\n"
    )
    assert "  resourceTypeGeneral: Dataset\ndates:\n" in text
    assert "    dateInformation: Gone.\n\n# Where the data are\ngeoLocations:\n" in text
    assert list(data(path)) == [
        "doi",
        "state",
        "url",
        "creators",
        "publicationYear",
        "types",
        "dates",
        "geoLocations",
    ]


def test_the_default_date_is_today(repo: Repo, dataset: Path) -> None:
    first = datetime.date.today().isoformat()
    tombstone.run(repo.config, DATASET, url=TOMBSTONE, reason=REASON)
    last = datetime.date.today().isoformat()
    [entry] = withdrawn(data(dataset))
    assert entry["date"] in {first, last}


def test_a_draft_is_refused(repo: Repo) -> None:
    path = example(repo, "1a10-8374")
    text = path.read_text(encoding="utf-8")
    with pytest.raises(UsageError, match=r"is a draft.*delete its file dois/10.80000/1a10-8374.yaml"):
        tombstone.run(repo.config, "10.80000/1a10-8374", url=TOMBSTONE, reason=REASON)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("doi", "arguments", "message"),
    [
        (DATASET, {"reason": "  "}, "give the reason"),
        (DATASET, {"url": "ftp://data.example.org/x"}, "is not a web address"),
        (DATASET, {"url": "data.example.org/x"}, "is not a web address"),
        (DATASET, {"url": "https://elsewhere.org/x"}, "host elsewhere.org is not allowed"),
        (DATASET, {"date": "05.12.2026"}, "not an ISO 8601 date"),
        (DATASET, {"date": "2026-02-30"}, "not an ISO 8601 date"),
        (DATASET, {"date": "2026-01-01/2026-02-01"}, "not an ISO 8601 date"),
        (
            "10.80000/zzzz-zzzz",
            {},
            r"no DOI file declares 10.80000/zzzz-zzzz.*doiac import 10.80000/zzzz-zzzz",
        ),
        ("not a doi", {}, "not a doi"),
    ],
    ids=[
        "empty-reason",
        "ftp",
        "no-scheme",
        "domain",
        "date-format",
        "no-such-day",
        "range",
        "no-file",
        "bad-doi",
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    repo: Repo, dataset: Path, doi: str, arguments: dict[str, str], message: str
) -> None:
    text = dataset.read_text(encoding="utf-8")
    given = {"url": TOMBSTONE, "reason": REASON, "date": "2026-12-05", **arguments}
    with pytest.raises(UsageError, match=message):
        tombstone.run(repo.config, doi, **given)
    assert dataset.read_text(encoding="utf-8") == text
