"""doiac.yaml → Config, validated by schemas/config.schema.json; every problem reported at once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .files import SourceError, read_source
from .model import Config, Diagnostic, Limits, Repository, Severity, SourceFile
from .validate import check_schema

CONFIG_NAME = "doiac.yaml"
ENVIRONMENTS = ("sandbox", "test", "production")
_LOOPBACK = ("127.", "localhost", "[::1]", "::1")


class ConfigErrors(ConfigError):
    """Several located problems in doiac.yaml."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(
            "\n".join(f"{d.path}:{d.line}:{d.column}: {d.pointer}: {d.message}" for d in diagnostics)
        )
        self.diagnostics = diagnostics


def find_config(start: Path) -> Path:
    """doiac.yaml in `start` or the nearest folder above it, as git finds .git."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no {CONFIG_NAME} in {start} or any folder above it; run doiac inside a DOI repository "
        "(doiac init creates one) or pass --config"
    )


def load_config(path: Path) -> Config:
    """Read and validate a config file; raise ConfigError naming every problem."""
    display = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    try:
        source = read_source(path, display)
    except SourceError as exc:
        raise ConfigErrors(
            [Diagnostic(exc.path, exc.line, exc.column, Severity.ERROR, "", exc.message)]
        ) from None
    return parse_config(source)


def parse_config(source: SourceFile) -> Config:
    data = source.data
    problems = [(p.pointer, p.message, p.key) for p in check_schema("config", data)]
    problems.extend(_semantic_problems(data))
    if problems:
        diagnostics = []
        for pointer, message, key in problems:
            line, column = source.locate(pointer, key=key)
            diagnostics.append(Diagnostic(source.path, line, column, Severity.ERROR, pointer, message))
        raise ConfigErrors(sorted(diagnostics))
    repositories = tuple(
        Repository(
            id=repo["id"],
            prefixes=tuple(repo["prefixes"]),
            path=_folder(repo["path"]),
            password_env=repo.get("password_env", "DATACITE_PASSWORD"),
            domains=tuple(repo.get("domains", ())),
            defaults=dict(repo.get("defaults", {})),
        )
        for repo in data["repositories"]
    )
    limits = data.get("limits", {})
    rate = limits.get("rate", "auto")
    return Config(
        path=source.path,
        environment=data.get("environment", "sandbox"),
        repositories=repositories,
        defaults=dict(data.get("defaults", {})),
        unmanaged=data.get("unmanaged", "warn"),
        prune_drafts=data.get("prune_drafts", False),
        limits=Limits(max_one_way=limits.get("max_one_way", 100), rate=None if rate == "auto" else rate),
        mailto=data.get("mailto"),
        source=source,
    )


def _folder(path: str) -> str:
    cleaned = Path(path).as_posix().strip("/")
    return "" if cleaned in {"", "."} else f"{cleaned}/"


def _semantic_problems(data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """What the schema cannot say: environment URLs, and who owns which prefix and folder."""
    problems: list[tuple[str, str, bool]] = []
    env = data.get("environment")
    if isinstance(env, str) and env not in ENVIRONMENTS:
        parts = urlsplit(env)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            problems.append(
                ("/environment", f"{env!r} is not sandbox, test, production or an http(s) URL", False)
            )
        elif parts.scheme == "http" and not parts.netloc.startswith(_LOOPBACK):
            problems.append(
                ("/environment", "plain http is allowed only on loopback (passwords travel in it)", False)
            )
    repos = data.get("repositories")
    if not isinstance(repos, list):
        return problems
    owners: dict[str, int] = {}
    folders: dict[str, int] = {}
    for index, repo in enumerate(repos):
        if not isinstance(repo, dict):
            continue
        for p_index, prefix in enumerate(repo.get("prefixes") or []):
            if isinstance(prefix, str) and owners.setdefault(prefix, index) != index:
                problems.append(
                    (f"/repositories/{index}/prefixes/{p_index}", f"prefix {prefix} is already listed under "
                     f"repository #{owners[prefix] + 1}; a prefix belongs to one repository account", False)
                )  # fmt: skip
        folder = repo.get("path")
        if isinstance(folder, str):
            if folders.setdefault(_folder(folder), index) != index:
                problems.append(
                    (f"/repositories/{index}/path", f"path {folder} is already the folder of repository "
                     f"#{folders[_folder(folder)] + 1}; give each repository account its own folder", False)
                )  # fmt: skip
            if Path(folder).is_absolute() or ".." in Path(folder).parts:
                problems.append(
                    (f"/repositories/{index}/path", "path must be a folder inside the repository", False)
                )
    return problems


def repository_for(config: Config, path: str) -> tuple[int, Repository] | None:
    """The repository whose folder holds `path` (relative to the config folder); the deepest wins."""
    best: tuple[int, Repository] | None = None
    for index, repo in enumerate(config.repositories):
        if path.startswith(repo.path) and (best is None or len(repo.path) > len(best[1].path)):
            best = (index, repo)
    return best
