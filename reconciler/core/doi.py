"""What makes a DOI safe to name in a request path, and when two spellings are one DOI.

A DOI becomes the path of every request about it (`/dois/{doi}`). HTTP clients, proxies and web
servers resolve `.` and `..` segments, collapse empty ones, decode `%2e` and may read `\\` as `/`,
so a suffix such as `q/../victim` would send the write for one DOI to another. Such a DOI is never
one DataCite mints, so it is refused everywhere a DOI enters: DOI files, `--target`, saved plans,
and the API client itself. Characters outside ASCII are refused too: DataCite accepts none of them
for a new DOI, and a Cyrillic `а` or a fullwidth `１` reads as the DOI it imitates.
"""

from __future__ import annotations

import re
import unicodedata

_SHAPE = re.compile(r"^10\.[0-9]{4,9}/", re.ASCII)
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def doi_key(doi: str) -> str:
    """The form in which two spellings of one DOI are equal: Unicode NFC, then case folded."""
    return unicodedata.normalize("NFC", doi).casefold()


def _character_problem(doi: str) -> str | None:
    for char in doi:
        if char.isascii() and char.isprintable() and not char.isspace():
            continue
        name = unicodedata.name(char, "a control character")
        if char.isascii() or unicodedata.category(char)[0] in "CZ":
            return f"has the invisible or control character U+{ord(char):04X} ({name})"
        return (
            f"has the non-ASCII character {char!r} (U+{ord(char):04X} {name}), which DataCite refuses;"
            " it may be a look-alike of an ASCII character"
        )
    return None


def path_problem(doi: str) -> str | None:
    """Why `doi` cannot safely name a request path, or None when it can."""
    if problem := _character_problem(doi):
        return problem
    if not _SHAPE.match(doi):
        return "is not a DOI: expected 10.<prefix>/<suffix> with a prefix of 4 to 9 digits"
    suffix = doi.split("/", 1)[1]
    if "\\" in suffix:
        return "has a backslash in its suffix, which a server may read as a path separator"
    if encoded := _PERCENT.search(suffix):
        return (
            f"has the percent-encoded sequence {encoded.group()} in its suffix, which a server would decode"
        )
    segments = suffix.split("/")
    if any(segment in (".", "..") for segment in segments):
        return "has a '.' or '..' segment in its suffix, which a request path resolves to another DOI"
    if "" in segments:
        return "has an empty segment in its suffix (a leading, trailing or doubled '/')"
    return None
