"""The use case behind `doiac fmt`: DOI files in canonical layout, every comment kept.

With one layout, a review diff shows changed values, never moved keys or re-indented lists.
`yamledit.formatted_text` decides the layout; this module picks the files and writes only those
whose text changes. A file that cannot be formatted is reported and the others are still done:
one broken file must not hide the state of the rest.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import open_config, repository_for, shown_path
from ..errors import FileError, SourceError
from ..files import find_yaml_files, parse_source, read_text, write_text
from ..model import Config
from ..yamledit import formatted_text


@dataclass(frozen=True)
class Formatted:
    """One file `doiac fmt` looked at: whether its text changes, or why it could not be formatted."""

    path: str
    """As shown to the user: relative to the config's root when inside it."""
    changed: bool
    """The file is rewritten (with `check`, would be)."""
    error: str = ""
    """Why the file could not be formatted; empty when it could."""


def run(
    config_path: Path | None, paths: Sequence[Path] = (), *, check: bool = False
) -> tuple[Formatted, ...]:
    """`doiac fmt`: format the DOI files under `paths` (default: every repository's folder).

    With `check`, nothing is written: the result says which files would change. YAML files outside
    every repository's folder (doiac.yaml, CI workflows) are no DOI files and are left out, so a
    pre-commit hook may pass every staged YAML file.
    """
    config = open_config(config_path)
    root = Path(config.root)
    starts = list(paths) or [root / repo.path for repo in config.repositories]
    found, skipped = find_yaml_files(starts, root)
    results = [Formatted(skip.path, False, skip.reason) for skip in skipped]
    for path in found:
        shown = shown_path(config, path)
        if _is_doi_file(config, path, shown):
            results.append(_format(path, shown, check=check))
    return tuple(sorted(results, key=lambda result: result.path))


def _format(path: Path, shown: str, *, check: bool) -> Formatted:
    try:
        text = read_text(path)
        # validate's limits (nesting depth, anchors, tags) first: ruamel has none and recurses.
        parse_source(text.encode("utf-8"), shown)
        new = formatted_text(text, shown)
        if new != text and not check:
            write_text(Path(os.path.realpath(path)), new)  # through a link: the link stays a link
    except SourceError as exc:
        return Formatted(shown, False, f"line {exc.line}, column {exc.column}: {exc.message}")
    except FileError as exc:
        return Formatted(shown, False, str(exc))
    return Formatted(shown, new != text)


def _is_doi_file(config: Config, path: Path, shown: str) -> bool:
    """Whether `path` sits in a repository's folder inside the root, and is not doiac.yaml itself."""
    inside = not Path(shown).is_absolute() and repository_for(config, shown) is not None
    return inside and os.path.abspath(path) != os.path.abspath(config.path)
