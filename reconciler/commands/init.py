"""The use case behind `doiac init [DIR]`: scaffold a team's DOI repository.

The templates ship in the package (`reconciler/scaffold/`, named without leading dots so that no
tool reads them as this checkout's own `.gitignore` or workflows); the editor schemas are the
package's own. What is written pins the running doiac: the workflows install `doiac==<version>`
from PyPI and the pre-commit hooks use the tag `v<version>`. A file that already exists is kept
unless `force`; DOI files are never touched: the example draft is written only into an empty
prefix folder. The result passes `doiac validate` at once.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ..__about__ import __version__
from ..core.suffix import mint_suffix
from ..errors import FileError, UsageError
from ..files import read_text, write_text
from ..schemas import load_schema, schema_dir

SCHEMA_FILES = ("doi-file.schema.json", "datacite-4.7.schema.json", "config.schema.json")
"""The schemas the scaffold's files point editors at; doi-file's `$ref` needs datacite-4.7 beside it."""

_PLACEHOLDER = re.compile(r"@[A-Z][A-Z_]*@")


@dataclass(frozen=True)
class Scaffolded:
    """What `doiac init` did in `root`: the files it wrote and the ones it found and left alone."""

    root: str
    written: tuple[str, ...]
    """Relative paths (POSIX), in the order written."""
    kept: tuple[str, ...]
    """Relative paths that already existed and were left alone (a prefix folder that already holds
    DOI files appears as `dois/<prefix>/`: no example draft is added to it)."""


def run(
    directory: Path,
    *,
    repository: str = "EXAMPLE.REPO",
    prefix: str = "10.80000",
    force: bool = False,
) -> Scaffolded:
    """Write the scaffold into `directory` (created if missing); existing files are kept unless `force`."""
    _check_value("id", repository, "repository")
    _check_value("prefixes", prefix, "prefix")
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a folder")
    values = {"@REPOSITORY@": repository, "@PREFIX@": prefix, "@VERSION@": __version__}
    # Everything is read before anything is written: a broken install leaves no half scaffold.
    planned: list[tuple[str, str]] = [("doiac.yaml", _fill("doiac.yaml", values))]
    kept: list[str] = []
    if _yaml_files(root / "dois" / prefix):
        kept.append(f"dois/{prefix}/")
    else:
        suffix = mint_suffix(random.SystemRandom())
        example = _fill("example-draft.yaml", {**values, "@DOI@": f"{prefix}/{suffix}"})
        planned.append((f"dois/{prefix}/{suffix}.yaml", example))
    planned += [(f"schemas/{name}", read_text(schema_dir() / name)) for name in SCHEMA_FILES]
    planned += [
        (f".github/workflows/{name}", _fill(f"workflows/{name}", values))
        for name in ("doiac-plan.yml", "doiac-plan-comment.yml", "doiac-apply.yml", "doiac-drift.yml")
    ]
    planned += [
        (".pre-commit-config.yaml", _fill("pre-commit-config.yaml", values)),
        (".gitignore", _fill("gitignore", values)),
        ("README.md", _fill("README.md", values)),
    ]
    for relative, _ in planned:
        if (root / relative).is_dir():
            raise UsageError(f"{root / relative} is a folder; doiac init writes a file there")
    written: list[str] = []
    for relative, text in planned:
        target = root / relative
        if target.exists() and not force:
            kept.append(relative)
            continue
        _mkdir(target.parent)
        write_text(target, text)
        written.append(relative)
    return Scaffolded(str(root), tuple(written), tuple(kept))


def _check_value(field: str, value: str, option: str) -> None:
    """Refuse a repository ID or prefix that doiac.yaml's schema would refuse, before writing anything."""
    spec = load_schema("config")["$defs"]["repository"]["properties"][field]
    spec = spec.get("items", spec)
    if not re.fullmatch(spec["pattern"], value):
        raise UsageError(f"{option} {value!r}: {spec['x-doiac-messages']['pattern']}")


def _fill(template: str, values: dict[str, str]) -> str:
    """A template of the package's scaffold folder with its `@NAME@` placeholders replaced."""
    text = files("reconciler").joinpath("scaffold", *template.split("/")).read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    left = _PLACEHOLDER.search(text)
    if left:
        raise ValueError(f"scaffold template {template} has an unknown placeholder {left.group()}")
    return text


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file()]


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f"cannot create {folder}: {exc.strerror or exc}") from None
