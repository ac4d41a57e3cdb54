"""Shared fixtures: a throwaway DOI repository and the reference data in ../shared."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
REFERENCE = SHARED / "reference"

CONFIG = """\
environment: sandbox
repositories:
  - id: EXAMPLE.REPO
    prefixes: ["10.80000"]
    path: dois/
    password_env: DATACITE_PASSWORD
    domains: ["data.example.org", "*.example.org"]
"""

FINDABLE = """\
doi: 10.80000/3mfp-6m52
state: findable
url: https://data.example.org/records/1
creators:
  - name: Doe, Jane
    nameType: Personal
titles:
  - title: Sensor readings 2024
publisher: Example Repository
publicationYear: 2024
types:
  resourceTypeGeneral: Dataset
"""


METADATA = {
    "creators": [{"name": "Doe, Jane"}],
    "titles": [{"title": "T"}],
    "publisher": "P",
    "publicationYear": 2024,
    "types": {"resourceTypeGeneral": "Dataset"},
}
"""The least metadata a findable DOI needs, as DataCite attributes."""


def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (../shared is absent in a user's own clone)")
    return REFERENCE


class Repo:
    """A DOI repository in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.write("doiac.yaml", CONFIG)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, relative: str, data: bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    @property
    def config(self) -> Path:
        return self.root / "doiac.yaml"


@pytest.fixture(autouse=True)
def _outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests behave the same on a laptop and in CI; tests/test_ci.py sets CI=true where it matters."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture(autouse=True)
def _lock_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Apply locks of the tests live in one folder of the test run, never in the user's cache."""
    monkeypatch.setenv("DOIAC_LOCK_DIR", str(tmp_path_factory.getbasetemp() / "locks"))


@pytest.fixture(autouse=True)
def _cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check cache's key (and anything else of the user's cache) lives in the test run's folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.chdir(tmp_path)
    return Repo(tmp_path)


@pytest.fixture
def reference() -> Path:
    return reference_dir()


WriteFile = Callable[[str, str], Path]
