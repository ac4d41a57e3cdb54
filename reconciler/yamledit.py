"""Writing DOI files: a new file in canonical layout, or an edit that keeps what people wrote.

ruamel.yaml's round-trip mode keeps comments, blank lines and quoting through a load and dump;
`files` reads with positions for messages, this module writes. Every text it produces is read
back with `files.parse_source` and must give exactly the data it was asked to write: a value
that YAML would type differently (`"0725097"`, `"yes"`, `"2024-01-01"`) is never written bare.
"""

from __future__ import annotations

import copy
import io
import os
import re
from collections.abc import Callable, Mapping, MutableMapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from .core.adopt import KEY_ORDER, ordered
from .errors import SourceError
from .files import parse_source

SCHEMA_COMMENT = "# yaml-language-server: $schema="
EDITOR_SCHEMA = "schemas/doi-file.schema.json"
"""Where a DOI repository keeps the editor schema, relative to its doiac.yaml (doiac init puts it there)."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long title or description into several lines
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    return yaml


def schema_reference(file: Path, root: Path) -> str:
    """The `$schema` path from `file`'s folder to the repository's editor schema."""
    target = Path(os.path.abspath(root)) / EDITOR_SCHEMA
    return Path(os.path.relpath(target, Path(os.path.abspath(file)).parent)).as_posix()


def new_text(data: Mapping[str, Any], schema: str | None, header: str = "") -> str:
    """A new DOI file for `data`: the editor schema line, an optional comment, keys in canonical order."""
    lines = [f"{SCHEMA_COMMENT}{schema}\n"] if schema else []
    lines.extend(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return _checked("".join(lines) + _dump(commented(ordered(data))), data)


def edited_text(text: str, name: str, edit: Callable[[CommentedMap], None]) -> str:
    """`text` with `edit` applied to its top-level mapping, every comment and blank line kept.

    The result must read back (as doiac reads DOI files) as the file did, except for the
    top-level keys the edit changed, which must read back as the edit set them.
    """
    original = _read(text, name)
    document = load(text, name)
    before = {str(k): _unwrap(v) for k, v in document.items()}
    edit(document)
    after = {str(k): _unwrap(v) for k, v in document.items()}
    expected = {k: original[k] if k in original and before.get(k) == v else v for k, v in after.items()}
    return _checked(_dump(document), expected, name)


def formatted_text(text: str, name: str) -> str:
    """`text` in canonical layout: top-level keys in canonical order, two-space indents, comments kept."""
    original = _read(text, name)
    document = load(text, name)
    keys = list(document)
    wanted = list(ordered(dict.fromkeys(keys)))
    if keys != wanted:
        _reorder(document, wanted)
    return _checked(_dump(document), original, name)


def replaced_text(text: str, name: str, data: Mapping[str, Any]) -> str:
    """`text` made to hold exactly `data`: equal values keep their nodes and comments, others are replaced."""

    def edit(document: CommentedMap) -> None:
        for key in [k for k in document if k not in data]:
            del document[key]
        for key, value in data.items():
            if key not in document or _unwrap(document[key]) != value:
                document[key] = commented(value)
        _reorder(document, list(ordered(dict.fromkeys(document))))

    return edited_text(text, name, edit)


def _read(text: str, name: str) -> dict[str, Any]:
    """The file's data as doiac reads it (YAML 1.2 core types, limits on depth and aliases)."""
    return parse_source(text.encode("utf-8"), name).data


def load(text: str, name: str) -> CommentedMap:
    """The round-trip document of a DOI file; SourceError when it is not a YAML mapping."""
    try:
        document = _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise SourceError(
            name, line, column, f"YAML syntax: {getattr(exc, 'problem', None) or exc}"
        ) from None
    if not isinstance(document, CommentedMap):
        raise SourceError(
            name, 1, 1, "the document is not a mapping; a DOI file must be a mapping of keys to values"
        )
    return document


def _reorder(document: CommentedMap, keys: list[str]) -> None:
    """Put `document`'s keys in `keys` order, each key's comments with it.

    Comment lines between two keys head the key below them, and travel with it; comment lines
    after the last entry stay at the end of the file.
    """
    old = list(document)
    headings = {after: take_trailing(document, before) for before, after in pairwise(old)}
    tail = take_trailing(document, old[-1])
    items = [(key, document[key], document.ca.items.get(key)) for key in keys]
    for key in keys:
        document.ca.items.pop(key, None)
        del document[key]
    for position, (key, value, comment) in enumerate(items):
        document.insert(position, key, value)
        if comment is not None:
            document.ca.items[key] = comment
    if keys[0] in headings and len(keys) > 1:  # no key above it now: its heading goes with the next
        text, token = headings.pop(keys[0])
        below, below_token = headings.get(keys[1], ("", None))
        headings[keys[1]] = (text + below, token or below_token)
    for before, after in pairwise(keys):
        put_trailing(document, before, *headings.get(after, ("", None)))
    put_trailing(document, keys[-1], *tail)


def _dump(document: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


# Strings a YAML 1.1 reader (PyYAML, many CI tools) would read as a boolean, null or a
# base-60 number; doiac reads YAML 1.2, where they are strings, but other tools read the files too.
_YAML11_TYPED = re.compile(
    r"(?i:y|n|yes|no|on|off|true|false|null|~)|[-+]?\d[\d_]*(:[0-5]?\d)+(\.[\d_]*)?|\.(?i:nan|inf)",
)


def commented(value: Any) -> Any:
    """Plain dicts and lists as ruamel's commented types, so they dump in block style; strings
    that a YAML 1.1 reader would type differently are quoted."""
    if isinstance(value, str) and _YAML11_TYPED.fullmatch(value):
        return SingleQuotedScalarString(value)
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = commented(item)
        return mapping
    if isinstance(value, list | tuple):
        return CommentedSeq(commented(item) for item in value)
    return value


def _unwrap(value: Any) -> Any:
    """ruamel's node types as plain dicts, lists and scalars, for comparing with data."""
    if isinstance(value, Mapping):
        return {str(k): _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _checked(text: str, data: Mapping[str, Any], name: str = "the new file") -> str:
    """`text`, after reading it back as doiac reads DOI files gives exactly `data`."""
    read = parse_source(text.encode("utf-8"), name).data
    if read != _unwrap(dict(data)):
        raise SourceError(
            name, 1, 1, "writing this file would change its values when read back; nothing written"
        )
    return text


# Edits that keep comment lines where people put them. ruamel keeps the comment lines that
# follow an entry on the deepest last value of that entry: appending after it, replacing it or
# moving it would carry them along or lose them, so they are detached and put back explicitly.


def set_list(document: MutableMapping[str, Any], key: str, items: list[Any]) -> None:
    """`document[key]` made a block list of `items`: replaced in place, or inserted in canonical order."""
    if key in document:
        document[key] = commented(items)
    else:
        insert_key(document, key, commented(items))


def insert_key(document: MutableMapping[str, Any], key: str, value: Any) -> None:
    """Insert a new top-level `key` where the canonical order puts it among the keys present.

    Comment lines after the entry before it (usually a heading of the next key) move below it.
    """
    rank = {k: i for i, k in enumerate(KEY_ORDER)}
    mine = rank.get(key, len(rank))
    keys = list(document)
    position = next((i for i, k in enumerate(keys) if rank.get(k, len(rank)) > mine), len(keys))
    text, token = take_trailing(document, keys[position - 1]) if position else ("", None)
    document.insert(position, key, commented(value))  # type: ignore[attr-defined]
    put_trailing(document, key, text, token)


def append_item(items: list[Any], item: Any) -> None:
    """Append `item` to a round-trip list; comment lines after the old last item stay after the list."""
    if not items:
        items.append(commented(item))
        return
    last = len(items) - 1
    text, token = take_trailing(items, last)
    items.append(commented(item))
    put_trailing(items, last + 1, text, token)


def remove_item(items: list[Any], index: int) -> None:
    """Delete an item of a round-trip list; comment lines after it stay where they were."""
    text, token = take_trailing(items, index)
    del items[index]
    if index > 0:
        put_trailing(items, index - 1, text, token)


def _commented(node: Any) -> bool:
    return isinstance(node, Mapping | list) and hasattr(node, "ca") and len(node) > 0


def _last(node: Any) -> Any:
    return next(reversed(node)) if isinstance(node, Mapping) else len(node) - 1


def take_trailing(container: Any, key: Any) -> tuple[str, Any]:
    """Detach the comment lines that follow the entry `key` of `container` (its end-of-line comment stays).

    ruamel keeps them on the deepest last value of the entry, or at the end of a nested list:
    appending after that entry would put them above the new one, and replacing it would lose them.
    Returns the lines and a comment token to clone when they are put back.
    """
    text, token = "", None
    value = container[key]
    if _commented(value):
        text, token = take_trailing(value, _last(value))
        end = getattr(value.ca, "end", None) or []
        if end:
            text += "".join(t.value for t in end)
            token = token or end[0]
            value.ca.end = []
    slot = container.ca.items.get(key) if hasattr(container, "ca") else None
    index = 2 if isinstance(container, Mapping) else 0
    found = slot[index] if slot and len(slot) > index else None
    if slot is not None and found is not None:
        line, _, rest = found.value.partition("\n")
        if rest:
            token = token or found
            text = rest + text
            if line.strip():
                found.value = line + "\n"
            else:
                slot[index] = None
    return text, token


def put_trailing(container: Any, key: Any, text: str, token: Any) -> None:
    """Attach comment lines taken by `take_trailing` after the entry `key` of `container`."""
    if not text:
        return
    value = container[key]
    if _commented(value):
        put_trailing(value, _last(value), text, token)
        return
    slot = container.ca.items.setdefault(key, [None] * (4 if isinstance(container, Mapping) else 2))
    index = 2 if isinstance(container, Mapping) else 0
    if slot[index] is not None:
        slot[index].value = slot[index].value.rstrip("\n") + "\n" + text
    else:
        clone = copy.copy(token)
        clone.value = "\n" + text
        slot[index] = clone
