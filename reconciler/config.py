"""doiac.yaml → Config, validated by schemas/config.schema.json; every problem reported at once."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .core.levels import unknown_rules
from .errors import ConfigError, ConfigErrors, SourceError, UsageError
from .files import read_source
from .model import Config, Diagnostic, Limits, Repository, Severity, SourceFile
from .schemas import check_schema

CONFIG_NAME = "doiac.yaml"
ENVIRONMENTS = ("sandbox", "test", "production")
# A host name as URL parsers and resolvers agree on it: letters, digits, dots and hyphens, or an
# IP literal. Whitespace and backslashes are where two URL parsers (ours, httpx's) may disagree.
_HOSTNAME = re.compile(r"[a-z0-9.-]+\Z")
_ODD = re.compile(r"[\s\\]")


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


def open_config(path: Path | None) -> Config:
    """The config at `path` (--config or DOIAC_CONFIG), or else the nearest doiac.yaml from the working folder up."""
    if path is None:
        return load_config(find_config(Path.cwd()))
    if not os.path.lexists(path):
        raise ConfigError(f"{path}: no such file; --config (or the DOIAC_CONFIG variable) names it")
    return load_config(path)


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
    problems = [*check_schema("config", data), *_semantic_problems(data)]
    if problems:
        raise ConfigErrors(sorted(source.place(problem) for problem in problems))
    repositories = tuple(
        Repository(
            id=repo["id"],
            prefixes=tuple(repo["prefixes"]),
            path=_folder(repo["path"]),
            password_env=repo.get("password_env", "DATACITE_PASSWORD"),
            domains=tuple(repo.get("domains", ())),
            defaults=dict(repo.get("defaults", {})),
            credential=repo.get("credential", "password"),
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
        sandbox_in_ci=data.get("sandbox_in_ci", False),
        limits=Limits(
            max_one_way=limits.get("max_one_way", 100),
            rate=None if rate == "auto" else rate,
            bulk_threshold=limits.get("bulk_threshold", 1000),
            bulk_rate=limits.get("bulk_rate", 400),
        ),
        mailto=data.get("mailto"),
        select=tuple(data.get("rules", {}).get("select", ())),
        ignore=tuple(data.get("rules", {}).get("ignore", ())),
        source=source,
    )


def is_loopback(host: str) -> bool:
    """`localhost` exactly, or a loopback IP literal (`127.0.0.1`, `127.0.0.2`, `::1`)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """What makes `url` unfit as an environment URL, or None.

    The password travels to the URL's host, so the host is the parsed one (never a prefix of the
    text), a user or password in the URL is refused, and plain http is for loopback only.
    """
    not_a_url = f"{url!r} is not sandbox, test, production or an http(s) URL"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        return not_a_url
    if parts.scheme not in {"http", "https"} or not _is_host(host):
        return not_a_url
    if "@" in parts.netloc:
        return "a user or password in the URL is refused: the password comes from the variable password_env names"
    if "?" in url or "#" in url:
        return "a query or fragment in the URL is refused"
    if not url.isprintable() or _ODD.search(url):
        return not_a_url
    if parts.scheme == "http" and not is_loopback(host):
        return "plain http is allowed only on loopback (passwords travel in it)"
    return None


def _is_host(host: str) -> bool:
    if _HOSTNAME.match(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _folder(path: str) -> str:
    cleaned = Path(path).as_posix().strip("/")
    return "" if cleaned in {"", "."} else f"{cleaned}/"


def _semantic_problems(data: dict[str, Any]) -> list[Diagnostic]:
    """What the schema cannot say: environment URLs, and who owns which prefix and folder."""
    problems: list[Diagnostic] = []
    env = data.get("environment")
    if isinstance(env, str) and env not in ENVIRONMENTS and (problem := url_problem(env)):
        problems.append(Diagnostic(pointer="/environment", message=problem))
    rules = data.get("rules")
    for key in ("select", "ignore"):
        listed = rules.get(key) if isinstance(rules, dict) else None
        for index, rule in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(rule, str) and unknown_rules([rule]):
                message = f"no such rule {rule!r} (`doiac validate --rules` lists them)"
                problems.append(Diagnostic(pointer=f"/rules/{key}/{index}", message=message))
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
                message = (
                    f"prefix {prefix} is already listed under repository #{owners[prefix] + 1}; "
                    "a prefix belongs to one repository account"
                )
                problems.append(
                    Diagnostic(pointer=f"/repositories/{index}/prefixes/{p_index}", message=message)
                )
        folder = repo.get("path")
        if isinstance(folder, str):
            if folders.setdefault(_folder(folder), index) != index:
                message = (
                    f"path {folder} is already the folder of repository #{folders[_folder(folder)] + 1}; "
                    "give each repository account its own folder"
                )
                problems.append(Diagnostic(pointer=f"/repositories/{index}/path", message=message))
            if Path(folder).is_absolute() or ".." in Path(folder).parts:
                message = "path must be a folder inside the repository"
                problems.append(Diagnostic(pointer=f"/repositories/{index}/path", message=message))
    return problems


def shown_path(config: Config, path: Path) -> str:
    """`path` as messages show it: relative to the config's folder when inside it (links not followed)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(config.root)).as_posix()
    except ValueError:
        return absolute.as_posix()


def restricted(config: Config, ids: Sequence[str]) -> Config:
    """`config` with only the repository accounts `ids` (all when empty): one shard of the work."""
    if not ids:
        return config
    known = {repo.id.upper(): repo for repo in config.repositories}
    unknown = [repo_id for repo_id in ids if repo_id.upper() not in known]
    if unknown:
        raise UsageError(
            f"--repository {', '.join(unknown)}: no such repository account in {os.path.basename(config.path)}"
            f" (it has {', '.join(known) or 'none'})"
        )
    wanted = {repo_id.upper() for repo_id in ids}
    return replace(config, repositories=tuple(r for r in config.repositories if r.id.upper() in wanted))


def repository_for(config: Config, path: str) -> tuple[int, Repository] | None:
    """The repository whose folder holds `path` (relative to the config folder); the deepest wins."""
    best: tuple[int, Repository] | None = None
    for index, repo in enumerate(config.repositories):
        if path.startswith(repo.path) and (best is None or len(repo.path) > len(best[1].path)):
            best = (index, repo)
    return best
