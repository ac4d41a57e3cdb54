from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.files import (
    MAX_FILE_BYTES,
    SourceError,
    find_yaml_files,
    parse_source,
    read_source,
)
from reconciler.model import escape_pointer_token

OK_CASES = [
    ("plain", b"a: 1\nb: x\n", {"a": 1, "b": "x"}),
    ("yaml-1.2-booleans", b"a: yes\nb: true\nc: False\n", {"a": "yes", "b": True, "c": False}),
    (
        "dates-stay-strings",
        b"d: 2024-01-01\nt: 2024-01-01T10:00:00Z\n",
        {"d": "2024-01-01", "t": "2024-01-01T10:00:00Z"},
    ),
    ("null-forms", b"a: ~\nb:\nc: null\n", {"a": None, "b": None, "c": None}),
    (
        "numbers",
        b"i: -12\nf: 1.10\no: 0o17\nh: 0x1f\ne: 1e3\n",
        {"i": -12, "f": 1.1, "o": 15, "h": 31, "e": 1000.0},
    ),
    ("quoted-stays-string", b"v: '1.10'\ny: \"2024\"\n", {"v": "1.10", "y": "2024"}),
    ("explicit-str-tag", b"v: !!str 12\n", {"v": "12"}),
    ("block-literal", b"d: |\n  line one\n  line two\n", {"d": "line one\nline two\n"}),
    ("utf8-bom", b"\xef\xbb\xbfa: \xc3\xa9\n", {"a": "é"}),
    ("flow-collections", b"a: [1, {b: 2}]\n", {"a": [1, {"b": 2}]}),
    ("quoted-nan-is-text", b"a: '.nan'\nb: \".inf\"\n", {"a": ".nan", "b": ".inf"}),
    (
        "int64-edges",
        b"a: 9223372036854775807\nb: -9223372036854775807\nc: 0x7fffffffffffffff\n",
        {"a": 2**63 - 1, "b": -(2**63 - 1), "c": 2**63 - 1},
    ),
    (
        "leading-zeros",
        b"a: 000000000000000000000000000000000000000000000000000000000000000000000042\n",
        {"a": 42},
    ),
    ("explicit-document", b"---\na: 1\n...\n", {"a": 1}),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in OK_CASES], ids=[c[0] for c in OK_CASES])
def test_parse_values(raw: bytes, expected: dict[str, object]) -> None:
    assert parse_source(raw, "f.yaml").data == expected


NUMBER_CASES = [
    ("nan", b"a: .nan\n", 1, 4, ".nan is not a finite number"),
    ("infinity", b"a: 1\nb: .inf\n", 2, 4, ".inf is not a finite number"),
    ("minus-infinity", b"a: -.Inf\n", 1, 4, "-.Inf is not a finite number"),
    ("float-overflow", b"a: 1e400\n", 1, 4, "the number 1e400 is too large"),
    (
        "int-over-64-bits",
        b"a: 9223372036854775808\n",
        1,
        4,
        "the integer 9223372036854775808 is out of range",
    ),
    ("int-5000-digits", b"a: " + b"9" * 5000 + b"\n", 1, 4, "(5,000 characters) is out of range"),
    ("hex-5000-digits", b"a: 0x" + b"f" * 5000 + b"\n", 1, 4, "(5,002 characters) is out of range"),
]


@pytest.mark.parametrize(("raw", "line", "column", "message"), [c[1:] for c in NUMBER_CASES],
                         ids=[c[0] for c in NUMBER_CASES])  # fmt: skip
def test_numbers_json_cannot_hold_are_located_errors(
    raw: bytes, line: int, column: int, message: str
) -> None:
    with pytest.raises(SourceError) as caught:
        parse_source(raw, "f.yaml")
    assert (caught.value.line, caught.value.column) == (line, column)
    assert message in caught.value.message


BAD_CASES = [
    ("syntax", b"a: [1, 2\nb: 3\n", 2, 2, "YAML syntax: did not find expected ',' or ']'"),
    ("tab-indent", b"a:\n\tb: 1\n", 2, 1, "YAML syntax: found character that cannot start any token"),
    ("unterminated-quote", b"a: 'x\n", 2, 1, "YAML syntax: found unexpected end of stream"),
    ("anchor", b"a: &x 1\nb: 2\n", 1, 4, "anchor &x: anchors and aliases are not allowed in DOI files"),
    ("anchor-on-key", b"&k a: 1\n", 1, 1, "anchor &k: anchors and aliases are not allowed in DOI files"),
    ("alias", b"a: 1\nb: *x\n", 2, 4, "alias *x: anchors and aliases are not allowed in DOI files"),
    ("duplicate-key", b"a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first at line 1)"),
    (
        "list-document",
        b"- a\n- b\n",
        1,
        1,
        "the document is a list; a DOI file must be a mapping of keys to values",
    ),
    (
        "scalar-document",
        b"just text\n",
        1,
        1,
        "the document is a single value; a DOI file must be a mapping of keys to values",
    ),
    ("empty", b"", 1, 1, "empty file: a DOI file is a mapping with at least `doi` and `state`"),
    (
        "only-comments",
        b"# nothing\n\n",
        1,
        1,
        "empty file: a DOI file is a mapping with at least `doi` and `state`",
    ),
    (
        "not-utf8",
        b"a: ok\nb: caf\xe9\n",
        2,
        7,
        "not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8",
    ),
    (
        "python-tag",
        b"a: !!python/object:os.system x\n",
        1,
        4,
        "tag !!python/object:os.system is not allowed in DOI files",
    ),
    ("custom-tag-on-map", b"a: !thing {b: 1}\n", 1, 4, "tag !thing is not allowed in DOI files"),
    ("timestamp-tag", b"a: !!timestamp 2024-01-01\n", 1, 4, "tag !!timestamp is not allowed in DOI files"),
    (
        "two-documents",
        b"a: 1\n---\nb: 2\n",
        2,
        1,
        "several YAML documents in one file; a DOI file holds exactly one",
    ),
    ("complex-key", b"? [a]\n: 1\n", 1, 3, "a mapping key must be a plain word, not a list or mapping"),
    ("too-deep", b"a: " + b"[" * 40 + b"]" * 40 + b"\n", 1, 36, "nested deeper than 32 levels"),
]


@pytest.mark.parametrize(
    ("raw", "line", "column", "message"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES]
)
def test_parse_refuses(raw: bytes, line: int, column: int, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_source(raw, "f.yaml")
    assert (caught.value.line, caught.value.column, caught.value.message) == (line, column, message)
    assert str(caught.value) == f"f.yaml:{line}:{column}: {message}"


def test_alias_bomb_is_refused_without_expanding() -> None:
    # The classic "billion laughs": nine levels of nine aliases each.
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        refs = ", ".join(f"*a{i - 1}" for _ in range(9))
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(SourceError, match="anchors and aliases are not allowed"):
        parse_source(("\n".join(lines) + "\n").encode(), "bomb.yaml")


def test_positions_of_keys_and_values() -> None:
    source = parse_source(b"doi: x\ntitles:\n  - title: A\n    lang: en\n", "f.yaml")
    assert source.locate("/doi") == (1, 6)
    assert source.locate("/doi", key=True) == (1, 1)
    assert source.locate("/titles/0/title") == (3, 12)
    assert source.locate("/titles/0/lang", key=True) == (4, 5)
    # Missing pointers fall back to the nearest ancestor's key.
    assert source.locate("/titles/0/titleType") == (3, 5)
    assert source.locate("/nothing/here") == (1, 1)


def test_keys_with_slash_and_tilde_are_escaped() -> None:
    source = parse_source(b"a/b: 1\nc~d: 2\n", "f.yaml")
    assert set(source.positions) == {"", "/a~1b", "/c~0d"}
    assert escape_pointer_token("x/~y") == "x~1~0y"


def test_read_source_refuses_huge_file(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(50 * 1000 * 1000)
    with pytest.raises(SourceError) as caught:
        read_source(big, "dois/big.yaml")
    assert caught.value.message == f"file is 50.0 MB; a DOI file may be at most {MAX_FILE_BYTES // 2**20} MiB"


def test_read_source_reports_unreadable(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        read_source(tmp_path / "missing.yaml")


def test_find_yaml_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "dois" / "10.80000" / "sub").mkdir(parents=True)
    for name in ["a.yaml", "b.yml", "sub/c.YAML", "notes.txt", ".hidden.yaml"]:
        (root / "dois" / "10.80000" / name).write_text("a: 1\n")
    (tmp_path / "secret.yaml").write_text("a: 1\n")
    os.symlink(tmp_path / "secret.yaml", root / "dois" / "leak.yaml")
    os.symlink(root / "dois" / "10.80000" / "a.yaml", root / "dois" / "inside.yaml")
    os.symlink(root / "dois" / "10.80000", root / "dois" / "dirlink")
    os.symlink(tmp_path, root / "dois" / "outlink")
    (root / "dois" / ".git").mkdir()
    (root / "dois" / ".git" / "x.yaml").write_text("a: 1\n")
    found, skipped = find_yaml_files([root / "dois", root / "missing"], root)
    assert [p.relative_to(root).as_posix() for p in found] == [
        "dois/10.80000/a.yaml",
        "dois/10.80000/b.yml",
        "dois/10.80000/sub/c.YAML",
        "dois/inside.yaml",
    ]
    assert sorted((s.path.replace(str(root) + "/", ""), s.reason, s.is_error) for s in skipped) == [
        ("dois/10.80000/notes.txt", "not a DOI file (expected .yaml or .yml); ignored", False),
        ("dois/dirlink", "symbolic link to a directory; not followed", False),
        ("dois/leak.yaml", "symbolic link leads outside the repository; not read", True),
        ("dois/outlink", "symbolic link leads outside the repository; not read", True),
        ("missing", "no such file or directory", True),
    ]


def test_find_yaml_files_single_file_and_fifo(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    found, skipped = find_yaml_files([tmp_path / "a.yaml", tmp_path / "pipe.yaml"], tmp_path)
    assert found == [tmp_path / "a.yaml"]
    assert [(s.path, s.reason) for s in skipped] == [("pipe.yaml", "not a regular file; not read")]


def test_paths_outside_root_are_shown_as_given(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("")
    _, skipped = find_yaml_files([tmp_path / "x.txt"], tmp_path / "elsewhere")
    assert skipped[0].path == str(tmp_path / "x.txt")


def test_locate_without_any_position() -> None:
    from reconciler.model import SourceFile

    assert SourceFile("f.yaml", {}, {}).locate("/a") == (1, 1)


def test_repeated_words_and_keys_are_held_once_across_files() -> None:
    """Thousands of DOI files repeat the same keys and controlled words: one object each."""
    first = parse_source(b"creators:\n  - nameType: Personal\n    name: Doe, Jane\n", "a.yaml").data
    second = parse_source(b'creators:\n  - nameType: "Personal"\n    name: Roe, Ann\n', "b.yaml").data
    (a,), (b,) = first["creators"], second["creators"]
    assert a["nameType"] is b["nameType"]
    assert next(iter(a)) is next(iter(b))
    long = "x" * 41
    assert (
        parse_source(f"t: {long}\n".encode(), "c.yaml").data["t"]
        is not parse_source(f"t: {long}\n".encode(), "d.yaml").data["t"]
    )
