"""The only filesystem code: find DOI files and read YAML with the position of every value.

Reading composes values straight from the parser's event stream (ruamel's C parser when present)
rather than through a YAML loader, for three reasons: it is several times faster than round-trip
loading, it records line and column for every JSON pointer, and it lets us refuse what a DOI file
never needs and a hostile file could abuse: anchors and aliases (expansion bombs), custom tags,
duplicate keys, several documents, deep nesting.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from .errors import FileError, SourceError
from .model import Position, SourceFile, escape_pointer_token

MAX_FILE_BYTES = 8 * 1024 * 1024
"""A DOI file with DataCite's maximum of 10,000 creators stays well below this."""

MAX_DEPTH = 32
YAML_SUFFIXES = (".yaml", ".yml")

try:  # ruamel's C parser, used directly: YAML.parse() builds a loader class on every call.
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - the pure-Python parser yields the same events, slower
    _CParser = None

_PARSER = YAML(typ="safe", pure=False)


def _events(text: str) -> Callable[[], Event]:
    """The parser's next-event function: called directly, without a generator around each event
    (a Python frame per event was a fifth of a parse worker's time)."""
    if _CParser is None or _PARSER.Parser is not _CParser:  # pragma: no cover - benchmarks swap _PARSER
        pure: Callable[[], Event] = iter(_PARSER.parse(text)).__next__
        return pure
    get_event: Callable[[], Event] = _CParser(text).get_event
    return get_event


# YAML 1.2 core schema resolution of plain scalars. Everything else (dates included) stays a
# string: DataCite dates are strings, and `2024-01-01` must not become a datetime.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_LONG_INT = 2**63
_NO_ANCHORS = "anchors and aliases are not allowed in DOI files"
_NON_STRING_START = frozenset("0123456789+-.~nNtTfF")
_STR_TAGS = {"tag:yaml.org,2002:str", "!!str"}
_COLLECTION_TAGS = {None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!!map", "!!seq"}


def _tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


@dataclass(frozen=True)
class Skipped:
    """A path under a DOI folder that is not read, and why."""

    path: str
    reason: str
    is_error: bool


def read_source(path: Path, display: str | None = None) -> SourceFile:
    """Read one YAML file whose document must be a mapping; raise SourceError on any problem."""
    name = display or str(path)
    return parse_source(read_bytes(path, name), name)


def read_bytes(path: Path, name: str) -> bytes:
    """A file's bytes, if it is a regular file of at most MAX_FILE_BYTES; else a SourceError."""
    try:
        # Non-blocking, then checked: the file may have become a FIFO since the walk saw it, and
        # opening a FIFO for reading waits for a writer for ever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with open(fd, "rb") as file:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                raise SourceError(name, 1, 1, "not a regular file; not read")
            size = status.st_size
            if size <= MAX_FILE_BYTES:
                raw = file.read(MAX_FILE_BYTES + 1)
                size = len(raw)  # it may have grown since
    except OSError as exc:
        raise SourceError(name, 1, 1, f"cannot read: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise SourceError(name, 1, 1, f"file is {size / 1e6:.1f} MB; a DOI file may be at most {limit} MiB")
    return raw


def parse_source(raw: bytes, name: str) -> SourceFile:
    """Parse bytes (UTF-8) as a single YAML mapping with positions."""
    text = _decode(raw, name)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise SourceError(name, 1, 1, "empty file: a DOI file is a mapping with at least `doi` and `state`")
    composer = _Composer(name)
    try:
        value = composer.compose(_events(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(name, line, col, f"YAML syntax: {problem}") from None
    except YAMLError as exc:  # pragma: no cover - the C and pure parsers raise marked errors
        raise SourceError(name, 1, 1, f"YAML syntax: {exc}") from None
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else "a single value"
        raise SourceError(
            name, 1, 1, f"the document is {kind}; a DOI file must be a mapping of keys to values"
        )
    return SourceFile(name, value, composer.positions)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SourceError(
            name,
            line,
            column,
            f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; save the file as UTF-8",
        ) from None


class _Composer:
    """Turn parser events into plain Python values and a pointer → Position table."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.positions: dict[str, Position] = {}

    def _fail(self, event: Event, message: str) -> SourceError:
        mark = event.start_mark
        return SourceError(self.name, mark.line + 1, mark.column + 1, message)

    def compose(self, stream: Callable[[], Event]) -> Any:
        """The document of the event stream that `stream` (the parser's next-event function) gives."""
        documents = 0
        value: Any = None
        while not isinstance(event := stream(), StreamEndEvent):
            if isinstance(event, StreamStartEvent | DocumentEndEvent):
                continue
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self._fail(
                        event, "several YAML documents in one file; a DOI file holds exactly one"
                    )
                continue
            value = self._node(event, stream, "", None, 0)
        return value

    def _node(
        self, event: Event, stream: Callable[[], Event], pointer: str, key: Event | None, depth: int
    ) -> Any:
        mark = event.start_mark
        key_mark = key.start_mark if key is not None else mark
        self.positions[pointer] = Position(
            mark.line + 1, mark.column + 1, key_mark.line + 1, key_mark.column + 1
        )
        if isinstance(event, AliasEvent):
            raise self._fail(event, f"alias *{event.anchor}: {_NO_ANCHORS}")
        anchor = getattr(event, "anchor", None)
        if anchor:
            raise self._fail(event, f"anchor &{anchor}: {_NO_ANCHORS}")
        if isinstance(event, ScalarEvent):
            return self._scalar(event)
        if depth > MAX_DEPTH:
            raise self._fail(event, f"nested deeper than {MAX_DEPTH} levels")
        if event.tag not in _COLLECTION_TAGS:  # type: ignore[attr-defined]
            raise self._fail(event, f"tag {_tag(event.tag)} is not allowed in DOI files")  # type: ignore[attr-defined]
        if isinstance(event, SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(item := stream(), SequenceEndEvent):
                items.append(self._node(item, stream, f"{pointer}/{len(items)}", None, depth + 1))
            return items
        if isinstance(event, MappingStartEvent):
            return self._mapping(stream, pointer, depth)
        raise self._fail(event, "unexpected YAML structure")  # pragma: no cover - parser guarantees balance

    def _mapping(self, stream: Callable[[], Event], pointer: str, depth: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        while not isinstance(item := stream(), MappingEndEvent):
            if not isinstance(item, ScalarEvent):
                raise self._fail(item, "a mapping key must be a plain word, not a list or mapping")
            if item.anchor:
                raise self._fail(item, f"anchor &{item.anchor}: {_NO_ANCHORS}")
            name = intern(item.value)  # the same few key names in every file: held once
            child = f"{pointer}/{escape_pointer_token(name) if '~' in name or '/' in name else name}"
            if name in mapping:
                first = self.positions[child]
                raise self._fail(item, f"duplicate key {name!r} (first at line {first.key_line})")
            mapping[name] = self._node(stream(), stream, child, item, depth + 1)
        return mapping

    def _scalar(self, event: ScalarEvent) -> Any:
        value = event.value
        if event.tag is not None and event.tag not in _STR_TAGS:
            raise self._fail(event, f"tag {_tag(event.tag)} is not allowed in DOI files")
        if event.style or event.tag is not None:  # quoted, literal or folded, or !!str: a string
            return _shared_text(value)
        if value and value[0] not in _NON_STRING_START:  # most scalars: plain words
            return _shared_text(value)
        if _NULL.match(value):
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.match(value):
            return self._integer(event, value, 10)
        if _INT_OCT.match(value):
            return self._integer(event, value, 8)
        if _INT_HEX.match(value):
            return self._integer(event, value, 16)
        if _FLOAT.match(value) and value not in {".", "+.", "-."}:
            number = float(value)
            if not math.isfinite(number):
                raise self._fail(event, f"the number {_short(value)} is too large (out of range of a float)")
            return number
        if _INF.match(value) or _NAN.match(value):
            # Neither JSON nor DataCite has them, and range checks on NaN are always false.
            raise self._fail(
                event, f"{value} is not a finite number: JSON and DataCite have no NaN or Infinity"
                " (quote it to mean the text)",
            )  # fmt: skip
        return value

    def _integer(self, event: ScalarEvent, value: str, base: int) -> int:
        """An integer that JSON tools and DataCite can hold: within 64 bits, or a located error."""
        digits = value.lstrip("+-")[0 if base == 10 else 2 :]
        number = int(digits, base) if len(digits.lstrip("0")) <= 64 else _LONG_INT
        if number > _LONG_INT - 1:
            raise self._fail(event, f"the integer {_short(value)} is out of range (at most 2^63 - 1 in size)")
        return -number if value.startswith("-") else number


_SHARED_LENGTH = 40


def _shared_text(value: str) -> str:
    """A short string value held once however many files repeat it (`Personal`, `ORCID`, `en`):
    thousands of DOI files repeat the same controlled words, and each copy costs ~60 bytes."""
    return intern(value) if len(value) <= _SHARED_LENGTH else value


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def find_yaml_files(paths: Iterable[Path], root: Path) -> tuple[list[Path], list[Skipped]]:
    """Every YAML file at or below `paths`, sorted, plus what was passed over and why.

    Symbolic links are followed only while they stay inside `root` (the repository): a link that
    leads out of it could make a pull request read any file on the CI runner. Whatever else a pull
    request can put under a folder (link loops, broken links, FIFOs, folders named like DOI
    files, names that are not UTF-8, folders that cannot be listed) is passed over with a reason.
    """
    root = root.resolve()
    found: set[Path] = set()
    skipped: list[Skipped] = []
    for start in paths:
        if not os.path.lexists(start):
            skipped.append(Skipped(_printable(str(start)), "no such file or directory", True))
            continue
        for path in _walk(start, root, skipped):
            if path.name.startswith("."):
                continue
            problem = _problem(path, root)
            if problem is None:
                found.add(path)
            else:
                skipped.append(Skipped(_display(path, root), *problem))
    return sorted(found, key=_parts), skipped


def _parts(path: Path) -> tuple[str, ...]:
    """The order of Paths (part by part), without their slow comparison operator."""
    return path.parts


_DOI_KEY = re.compile(rb"^doi:[ \t]*[\"']?10\.", re.MULTILINE)
_NOT_DOI_FILES = {
    "doiac.yaml",
    "doiac.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    "action.yml",
}


def doi_files_outside(root: Path, folders: Iterable[Path]) -> list[Path]:
    """YAML files under `root` but outside every folder of `folders` that look like DOI files
    (a top-level `doi: 10.…` line in their first 64 KiB): doiac would silently never read them.

    Hidden folders (.git, .github) and the managed folders are not entered; links are not followed.
    """
    managed = {Path(os.path.abspath(folder)) for folder in folders}
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(os.path.abspath(dirpath))
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and base / d not in managed and not os.path.islink(base / d)
        )
        for name in sorted(filenames):
            path = base / name
            if (
                Path(name).suffix.lower() not in YAML_SUFFIXES
                or name in _NOT_DOI_FILES
                or os.path.islink(path)
            ):
                continue
            try:
                with open(path, "rb") as handle:
                    head = handle.read(65536)
            except OSError:
                continue
            if _DOI_KEY.search(head):
                found.append(path)
    return found


def _problem(path: Path, root: Path) -> tuple[str, bool] | None:
    """Why `path` is not read as a DOI file (the reason, and whether that is an error), or None."""
    is_link = False
    try:
        mode = os.lstat(path).st_mode
        is_link = stat.S_ISLNK(mode)
        if is_link:
            if not _inside(Path(os.path.realpath(path)), root):
                return "symbolic link leads outside the repository; not read", True
            mode = os.stat(path).st_mode  # one call for a plain file, the usual case; two for a link
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop; not read", True
        if exc.errno == errno.ENOENT and is_link:
            return "broken symbolic link (its target does not exist); not read", True
        return f"cannot read: {exc.strerror or exc}", True
    if stat.S_ISDIR(mode):
        if is_link:
            return "symbolic link to a directory; not followed", False
        return "a directory named like a DOI file; not read", True
    if path.suffix.lower() not in YAML_SUFFIXES:
        return "not a DOI file (expected .yaml or .yml); ignored", False
    if not stat.S_ISREG(mode):  # a FIFO would block the read for ever; a device is no DOI file
        return "not a regular file; not read", True
    relative = _relative(path, root)
    if _printable(relative) != relative:
        return "the file name is not UTF-8; rename the file", True
    return None


def _walk(start: Path, root: Path, skipped: list[Skipped]) -> Iterator[Path]:
    """The files under `start`, and the folders that are not descended into (to be reported)."""
    if os.path.islink(start) or not os.path.isdir(start):
        yield start
        return

    def unlisted(error: OSError) -> None:
        where = Path(error.filename) if error.filename else start
        reason = f"cannot list the folder: {error.strerror or error}"
        skipped.append(Skipped(_display(where, root), reason, True))

    for dirpath, dirnames, filenames in os.walk(start, onerror=unlisted):
        base = Path(dirpath)
        # Links to folders (they may loop) and folders named like DOI files are reported, not entered.
        odd = [d for d in dirnames if os.path.islink(base / d) or Path(d).suffix.lower() in YAML_SUFFIXES]
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in odd)
        for name in sorted([*filenames, *odd]):
            yield base / name


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def relative_text(path: Path | str, root: Path | str) -> str | None:
    """`path` relative to the resolved `root`, in POSIX form, or None when it is not inside it.

    By string, not by Path objects: this runs for every file of every run.
    """
    absolute = os.path.abspath(path)
    base = os.path.join(root, "")
    if not absolute.startswith(base):
        return "." if absolute == os.path.abspath(root) else None
    return absolute[len(base) :].replace(os.sep, "/")


def _relative(path: Path, root: Path) -> str:
    shown = relative_text(path, root)
    return str(path) if shown is None else shown


def _display(path: Path, root: Path) -> str:
    """The path as users should see it: relative to the repository when inside it, printable."""
    return _printable(_relative(path, root))


def _printable(name: str) -> str:
    """A file name that is not UTF-8 (its bytes kept as surrogates) with those bytes as `\\xNN`."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def write_text(path: Path, text: str) -> None:
    """Write a whole file or nothing: a crash leaves the old file, never half of the new one."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise FileError(f"cannot write {path}: {exc.strerror or exc}") from None


def read_text(path: Path) -> str:
    """A text file, or a FileError saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise FileError(f"cannot read {path}: {reason or exc}") from None


class LineWriter:
    """Appends lines to a file, each flushed to disk as it is written: a crash loses none of them."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._file = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise FileError(f"cannot write {path}: {exc.strerror or exc}") from None

    def write(self, line: str) -> None:
        self._file.write(line.rstrip("\n") + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()
