"""The words and values every renderer shares: plurals, cut lines, one-line JSON, escapes, colour."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.render.text import GREEN, RED, compact, paint, plural, printable, truncate


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [(0, "file", "0 files"), (1, "file", "1 file"), (2, "error", "2 errors"), (9_994, "file", "9,994 files")],
    ids=["zero", "one", "two", "thousands"],
)
def test_plural(n: int, word: str, expected: str) -> None:
    assert plural(n, word) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sensor readings", "Sensor readings"),
        ("Zoë “quoted”", "Zoë “quoted”"),
        ("two\nlines", "two\\nlines"),
        ("\x1b[2J", "\\u001b[2J"),
        ("\x9b31m", "\\u009b31m"),
        ("a\u202eb", "a\\u202eb"),
        ("a\u2028b", "a\\u2028b"),
        ("a\u200bb", "a\\u200bb"),
        ("\ufeffa", "\\ufeffa"),
    ],
    ids=[
        "plain",
        "unicode",
        "newline",
        "escape",
        "csi",
        "bidi-override",
        "line-separator",
        "zero-width",
        "bom",
    ],
)
def test_printable(text: str, expected: str) -> None:
    assert printable(text) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("abc", 3, "abc"), ("abcd", 3, "ab…"), ("", 1, ""), ("ab", 1, "…")],
    ids=["fits", "cut", "empty", "only-ellipsis"],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("two\nlines\u202e", '"two\\nlines\\u202e"'),
        (2024, "2024"),
        (None, "null"),
        ({"name": "Roe, Ann", "xml:lang": "en", 3: "x"}, '{name: "Roe, Ann", "xml:lang": "en", "3": "x"}'),
        ({"a\nb": 1}, '{"a\\nb": 1}'),
        ([{"name": "A"}, ("b", 1)], '[{name: "A"}, ["b", 1]]'),
        ("x" * 200, '"' + "x" * 200 + '"'),
    ],
    ids=["escaped-string", "int", "null", "keys", "escaped-key", "nested", "never-cut"],
)  # fmt: skip
def test_compact(value: Any, expected: str) -> None:
    assert compact(value) == expected


@pytest.mark.parametrize(
    ("code", "colour", "expected"),
    [
        (GREEN, True, "\x1b[32mok\x1b[0m"),
        (RED, True, "\x1b[31mok\x1b[0m"),
        (GREEN, False, "ok"),
        ("", True, "ok"),
    ],
    ids=["green", "red", "off", "no-code"],
)
def test_paint(code: str, colour: bool, expected: str) -> None:
    assert paint("ok", code, colour=colour) == expected
