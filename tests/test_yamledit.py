"""yamledit: new files in canonical layout, edits that keep comments, and the read-back guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import SourceError
from reconciler.files import parse_source
from reconciler.yamledit import (
    edited_text,
    formatted_text,
    new_text,
    replaced_text,
    schema_reference,
)

COMMENTED = """\
# yaml-language-server: $schema=../../schemas/doi.schema.json
# Head comment.
titles:
  # inside the list
  - title: Lake data  # end of line
doi: 10.80000/abcd-ef12
state: findable
url: https://data.example.org/1
"""


def _read(text: str) -> dict[str, object]:
    return parse_source(text.encode(), "t.yaml").data


def test_new_text_orders_keys_and_keeps_typed_strings() -> None:
    data = {
        "titles": [{"title": "A: b"}],
        "state": "findable",
        "doi": "10.80000/x",
        "fundingReferences": [{"funderName": "F", "awardNumber": "0725097"}],
        "dates": [{"date": "2024-01-01", "dateType": "Issued"}],
        "version": "1.0",
        "publicationYear": 2024,
        "url": "https://data.example.org/x",
    }
    text = new_text(data, "../../schemas/doi.schema.json", "Imported.")
    assert text.splitlines()[:5] == [
        "# yaml-language-server: $schema=../../schemas/doi.schema.json",
        "# Imported.",
        "doi: 10.80000/x",
        "state: findable",
        "url: https://data.example.org/x",
    ]
    assert "awardNumber: '0725097'" in text
    assert _read(text) == data


def test_a_long_value_stays_on_one_line() -> None:
    text = new_text({"doi": "10.80000/x", "state": "draft", "titles": [{"title": "word " * 60}]}, None)
    assert len(text.splitlines()) == 4


def test_formatted_text_reorders_and_keeps_comments() -> None:
    text = formatted_text(COMMENTED, "t.yaml")
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == ["doi", "state", "url", "titles"]
    for comment in ("# Head comment.", "# inside the list", "# end of line", "$schema="):
        assert comment in text
    assert _read(text) == _read(COMMENTED)
    assert formatted_text(text, "t.yaml") == text


def test_edited_text_keeps_comments() -> None:
    def edit(document: dict[str, object]) -> None:
        document["state"] = "registered"

    text = edited_text(COMMENTED, "t.yaml", edit)  # type: ignore[arg-type]
    for kept in ("state: registered", "# inside the list", "# end of line"):
        assert kept in text


def test_replaced_text_keeps_equal_values_and_their_comments() -> None:
    data = {**_read(COMMENTED), "state": "registered", "version": "2"}
    text = replaced_text(COMMENTED, "t.yaml", data)
    assert _read(text) == data
    assert "# end of line" in text
    assert "# Head comment." in text
    assert text.index("version:") > text.index("titles:")


def test_replaced_text_drops_keys_not_wanted() -> None:
    data = {k: v for k, v in _read(COMMENTED).items() if k != "url"}
    assert "url:" not in replaced_text(COMMENTED, "t.yaml", data)


@pytest.mark.parametrize("text", ["doi: [unclosed\n", "- a list\n"])
def test_bad_yaml_is_a_located_error(text: str) -> None:
    with pytest.raises(SourceError):
        formatted_text(text, "t.yaml")


def test_schema_reference_is_relative_to_the_file(tmp_path: Path) -> None:
    assert (
        schema_reference(tmp_path / "dois/10.80000/a.yaml", tmp_path) == "../../schemas/doi-file.schema.json"
    )
    assert schema_reference(tmp_path / "a.yaml", tmp_path) == "schemas/doi-file.schema.json"


def test_comment_lines_between_keys_travel_with_the_key_below() -> None:
    text = (
        "# head\ntitles:\n  - title: T\n\n# heads state\nstate: draft\ndoi: 10.80000/x  # eol\n"
        "# heads creators\ncreators:\n  - name: A\n# end of file\n"
    )
    lines = formatted_text(text, "t.yaml").splitlines()
    assert lines[:2] == ["# head", "doi: 10.80000/x  # eol"]
    assert lines[lines.index("state: draft") - 1] == "# heads state"
    assert lines[lines.index("creators:") - 1] == "# heads creators"
    assert lines[-1] == "# end of file"
