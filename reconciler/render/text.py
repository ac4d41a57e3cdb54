"""Words and values for people to read: plurals, cut lines, one-line JSON, escapes and colour.

Every renderer says these things through this module, so a count, a long value or a hostile
character looks the same in the plan, the pull request comment and the apply log.
"""

from __future__ import annotations

import json
import re
from typing import Any

GREEN, YELLOW, CYAN, RED, MAGENTA = "32", "33", "36", "31", "35"
"""ANSI colour codes for `paint`."""

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# C0 and C1 controls: a value from a file or from DataCite must not move the cursor or start an
# escape sequence on the terminal (C1 includes CSI, U+009B). Bidirectional overrides, embeddings
# and isolates must not reorder what a reviewer reads (a DOI or URL shown reversed: "Trojan
# Source"); line and paragraph separators must not break a line; zero-width characters must not
# hide a difference between two values that look equal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")


def plural(n: int, word: str) -> str:
    """`1 file`, `9,994 files`."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def printable(text: str) -> str:
    """`text` on one line with control characters shown as escapes (`\\n`, `\\u001b`)."""
    return _CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], text)


def truncate(text: str, limit: int) -> str:
    """`text`, or its first `limit - 1` characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compact(value: Any) -> str:
    """A JSON value on one printable line: strings JSON-quoted, `{name: "Roe, Ann", year: 2024}`."""
    if isinstance(value, dict):
        items = (f"{_key(str(k))}: {compact(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(compact(v) for v in value) + "]"
    # json.dumps escapes C0 controls and printable() the rest, so a value can never break the line
    # it sits on nor reorder it.
    return printable(json.dumps(value, ensure_ascii=False, default=str))


def _key(key: str) -> str:
    return key if _KEY.match(key) else printable(json.dumps(key, ensure_ascii=False))


def paint(text: str, code: str, *, colour: bool) -> str:
    """`text` in the ANSI colour `code` when `colour` is on (the caller knows if it writes to a TTY).

    An empty `code` leaves `text` plain.
    """
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text
