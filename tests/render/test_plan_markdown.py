"""The pull request comment: golden output, the hard length cap, escaping and citations."""

from __future__ import annotations

import re
from typing import Any

import pytest

from reconciler.model import MISSING, Action, Change, FieldDiff, Plan, PlanProblem, Severity, Unmanaged
from reconciler.render.plan_markdown import DIFF_LIMIT, MARKER, citation, render_plan_markdown

from .test_plan_text import REPO, assert_golden, big_plan, golden_context, golden_plan, update

POINTER = (
    "A comment has a size limit; every change is in the JSON plan (`doiac plan --out plan.json`; the plan"
    " workflow keeps it as an artifact)."
)
CONTEXT = golden_context(repositories=(REPO,), anonymous=(), commit=None, created=None)
FOOTER = (
    "---\nMade by `doiac plan` · EXAMPLE.REPO on sandbox (http://127.0.0.1:49811) · 8 files"
    " · live read in 1 request\n"
)


def _balanced(text: str) -> bool:
    return text.count("<details>") == text.count("</details>") and text.count("```") % 2 == 0


def test_golden() -> None:
    assert_golden("plan.md", render_plan_markdown(golden_plan(), golden_context()))


def test_no_changes() -> None:
    assert render_plan_markdown(Plan((), 9_994), CONTEXT) == (
        f"{MARKER}\n**doiac plan** · EXAMPLE.REPO on sandbox (`http://127.0.0.1:49811`): No changes. DataCite matches the files"
        f" (9,994 unchanged).\n\n{FOOTER}"
    )


def test_five_thousand_changes_fit_the_limit() -> None:
    text = render_plan_markdown(big_plan(5_000), golden_context())
    shown = text.count("<details>")
    assert len(text) <= 60_000
    assert 100 < shown < 5_000
    assert _balanced(text)
    assert f"\n\n… {5_000 - shown:,} more changes not shown. {POINTER}\n\n---\n" in text
    assert text.endswith("· commit `3f2a9c1d8e7b` · 2025-03-14T09:26:53Z\n")


@pytest.mark.parametrize("limit", [1_500, 2_000, 3_333, 10_000, 25_000], ids=str)
def test_the_cap_holds_for_any_limit_and_never_cuts_a_block(limit: int) -> None:
    plan = big_plan(300)
    plan = Plan(
        plan.changes,
        0,
        tuple(PlanProblem(Severity.ERROR, f"10.80000/e{i}", "wrong " * 20) for i in range(30)),
        tuple(Unmanaged(f"10.80000/u{i}", "findable", REPO) for i in range(30)),
    )
    text = render_plan_markdown(plan, golden_context(), limit=limit)
    assert len(text) <= limit
    assert _balanced(text)
    assert POINTER in text


@pytest.mark.parametrize(
    ("problems", "unmanaged", "expected"),
    [
        (5, 0, "… 1 more change and 5 more problems not shown."),
        (1, 2, "… 1 more change, 1 more problem and 2 more unmanaged DOIs not shown."),
    ],
    ids=["two-kinds", "three-kinds"],
)
def test_omitted_counts_name_each_kind(problems: int, unmanaged: int, expected: str) -> None:
    plan = Plan(
        (update("10.80000/a", FieldDiff("/x", 1, 2)),),
        0,
        tuple(PlanProblem(Severity.WARNING, f"10.80000/p{i}", "m" * 400) for i in range(problems)),
        tuple(Unmanaged(f"10.80000/u{i}", "findable", REPO) for i in range(unmanaged)),
    )
    text = render_plan_markdown(plan, CONTEXT, limit=900)
    assert f"\n\n{expected} {POINTER}\n\n" in text
    assert len(text) <= 900


def test_a_limit_below_the_verdict_still_caps() -> None:
    text = render_plan_markdown(golden_plan(), golden_context(), limit=120)
    assert len(text) == 120
    assert text.endswith("…")
    assert "<details>" not in text


def test_unsafe_values_are_escaped() -> None:
    change = Change(
        "10.80000/a<b>(c)", Action.UPDATE, REPO, "dois/`odd` name.yaml", "findable", "findable",
        (FieldDiff("/titles/0/title\n```", "a | b", "</details> `x`"),),
        notes=("@team see #12 and <b>*this*</b>",),
    )  # fmt: skip
    text = render_plan_markdown(Plan((change,), 0), CONTEXT)
    body = text.split("### Changes\n\n")[1].split("---\n")[0]
    assert body == (
        '<details><summary><code>~ update</code> · <a href="https://doi.org/10.80000/a%3Cb%3E%28c%29">'
        "10.80000/a&lt;b&gt;(c)</a></summary>\n\n"
        "File ``dois/`odd` name.yaml``\n\n"
        "```diff\n@@ /titles/0/title\\n``` @@\n"
        '- "a | b"\n+ "</details> `x`"\n```\n\n'
        "- note: \\@team see \\#12 and \\<b\\>\\*this\\*\\</b\\>\n\n"
        "</details>\n\n"
    )


def test_many_fields_are_counted_not_listed() -> None:
    diffs = tuple(FieldDiff(f"/subjects/{i}", MISSING, {"subject": f"s{i}"}) for i in range(DIFF_LIMIT + 3))
    text = render_plan_markdown(Plan((update("10.80000/a", *diffs),), 0), CONTEXT)
    assert text.count("@@ /subjects/") == DIFF_LIMIT
    assert "```\n\n… 3 more fields, in the JSON plan.\n\n</details>" in text


def test_summary_table_counts_one_way_per_action() -> None:
    changes = (
        Change("10.80000/a", Action.CREATE, REPO, "a.yaml", None, "draft"),
        Change("10.80000/b", Action.CREATE, REPO, "b.yaml", None, "findable"),
        Change("10.80000/c", Action.PUBLISH, REPO, "c.yaml", "registered", "findable", event="publish"),
    )
    text = render_plan_markdown(Plan(changes, 2), CONTEXT)
    table = re.findall(r"^\|.*\|$", text, flags=re.MULTILINE)
    assert table == [
        "| action | count | one-way |",
        "|:--|--:|--:|",
        "| `+` create | 2 | 1 |",
        "| `↑` publish | 1 | 0 |",
    ]


def test_citations_before_and_after_from_whole_record_diffs() -> None:
    before = {
        "creators": [{"name": "Doe, Jane"}],
        "titles": [{"title": "Readings"}],
        "publisher": "Example Repository",
        "publicationYear": 2024,
    }
    after = {**before, "titles": [{"title": "Readings, corrected"}], "publicationYear": "2025"}
    text = render_plan_markdown(Plan((update("10.80000/a", FieldDiff("", before, after)),), 0), CONTEXT)
    assert (
        "- citation before: Doe, J. (2024). Readings. Example Repository. <https://doi.org/10.80000/a>\n"
        "- citation after: Doe, J. (2025). Readings, corrected. Example Repository. <https://doi.org/10.80000/a>\n"
    ) in text


def test_citations_of_an_update_from_the_planners_cited_fields() -> None:
    before = {"creators": [{"name": "Doe, Jane"}], "titles": [{"title": "Readings"}],
              "publisher": {"name": "Example Repository"}, "publicationYear": 2024}  # fmt: skip
    after = {**before, "publicationYear": 2025}
    change = update("10.80000/a", FieldDiff("/publicationYear", 2024, 2025), cited=(before, after))
    text = render_plan_markdown(Plan((change,), 0), CONTEXT)
    assert "- citation before: Doe, J. (2024). Readings. Example Repository." in text
    assert "- citation after: Doe, J. (2025). Readings. Example Repository." in text


def test_no_citation_from_a_partial_diff() -> None:
    change = update("10.80000/a", FieldDiff("/titles/0/title", "a", "b"), FieldDiff("/creators", MISSING, []))
    assert "citation" not in render_plan_markdown(Plan((change,), 0), CONTEXT)


RECORD: dict[str, Any] = {
    "creators": [{"name": "Doe, Jane", "nameType": "Personal"}],
    "titles": [{"title": "Sub", "titleType": "Subtitle"}, {"title": "Sensor readings 2024"}],
    "publisher": {"name": "Example Repository"},
    "publicationYear": 2024,
}
ANN = {"givenName": "Ann Marie", "familyName": "Roe"}
ORG = {"name": "Met Office, Exeter", "nameType": "Organizational"}


TAIL = " (2024). Sensor readings 2024. Example Repository."


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "Doe, J." + TAIL),
        ({"creators": [RECORD["creators"][0], ANN]}, "Doe, J., & Roe, A. M." + TAIL),
        ({"creators": [ANN, ORG, {"familyName": "Poe"}]}, "Roe, A. M., Met Office, Exeter, & Poe" + TAIL),
        ({"creators": [ANN] * 4}, "Roe, A. M. et al." + TAIL),
        ({"creators": [{"name": "Plato"}], "publisher": "P"}, "Plato (2024). Sensor readings 2024. P."),
        ({"creators": [{"name": "Doe,"}]}, "Doe" + TAIL),
        ({"creators": []}, None),
        ({"creators": ["Doe"]}, None),
        ({"creators": [{"name": ""}]}, None),
        ({"titles": [{"title": "x", "titleType": "Other"}]}, None),
        ({"titles": None}, None),
        ({"publisher": {"lang": "en"}}, None),
        ({"publicationYear": None}, None),
        ({"titles": [{"title": "long " * 80}]}, "Doe, J. (2024). " + ("long " * 80)[:283] + "…"),
    ],
    ids=[
        "one-person", "two-people", "three-mixed", "et-al", "single-name", "empty-given", "no-creators",
        "creator-not-object", "creator-without-name", "no-plain-title", "titles-null", "publisher-without-name",
        "no-year", "truncated",
    ],
)  # fmt: skip
def test_citation(changes: dict[str, Any], expected: str | None) -> None:
    assert citation({**RECORD, **changes}) == expected


def test_files_link_to_the_commit_planned() -> None:
    url = "https://github.com/org/dois/blob/" + "a" * 40
    text = render_plan_markdown(golden_plan(), golden_context(), files_url=url)
    link = f"{url}/dois/10.80000/3mfp-6m52.yaml"
    assert f"File [`dois/10.80000/3mfp-6m52.yaml`]({link})" in text
    assert f"[`dois/10.80000/zz9x-1r40.yaml`]({url}/dois/10.80000/zz9x-1r40.yaml)" in text  # problems too
    # A path is data from the files: it cannot end the link early.
    odd = Change(
        "10.80000/x", Action.UPDATE, REPO, "dois/a (b).yaml", "findable", "findable", (FieldDiff("/v", 1, 2),)
    )
    plan = Plan((odd,), 0)
    assert f"[`dois/a (b).yaml`]({url}/dois/a%20%28b%29.yaml)" in render_plan_markdown(
        plan, CONTEXT, files_url=url
    )


def test_a_new_doi_shows_its_metadata() -> None:
    text = render_plan_markdown(golden_plan(), golden_context())
    create = text[text.index("<code>+ create</code>") :].split("</details>")[0]
    assert "New DOI with 7 attributes:" in create
    assert '@@ /titles @@\n+ [{title: "Sensor readings 2024"}]' in create
