"""Which YAML parser should read DOI files: each candidate over the same files, side by side.

`python -m bench.parsers DIR` reads every file under DIR/dois once into memory, then times, in
one process and in turn (best of 3 rounds, garbage collector frozen as `doiac` runs):

- `doiac`: `files.parse_source`, what doiac uses (ruamel's C parser, events composed with a
  position for every value, YAML 1.2 typing, hostile-input checks);
- `ruamel C events`: only iterating ruamel's C parser events (the floor under doiac's reader);
- `PyYAML C events`: only iterating PyYAML's libyaml events, which carry the same marks (the floor
  of a reader built on it);
- `PyYAML C load`: `yaml.load` with `CSafeLoader`: no positions, YAML 1.1 typing (the yardstick);
- `json`: `json.loads` of the same data written as JSON: the floor of a JSON fast path, which
  would need a position-keeping JSON parser of its own to give located messages.

Figures are seconds for all files and the ratio to `PyYAML C load`.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from _ruamel_yaml import CParser
from ruamel.yaml.events import StreamEndEvent

from reconciler.files import parse_source


def _pyyaml_events(text: str) -> None:
    for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
        pass


def _time(name: str, call: Callable[[object], object], inputs: list[object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for item in inputs:
            call(item)
        best = min(best, time.perf_counter() - start)
    print(f"  {name:18s} {best:7.3f} s", flush=True)
    return best


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else ".")
    raws = [path.read_bytes() for path in sorted((root / "dois").rglob("*.yaml"))]
    texts = [raw.decode("utf-8") for raw in raws]
    jsons = [json.dumps(yaml.load(raw, Loader=yaml.CSafeLoader), default=str) for raw in raws]
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    print(f"{len(raws):,} files, {sum(map(len, raws)) / 1e6:.1f} MB")
    figures = {
        "doiac": _time("doiac", lambda raw: parse_source(raw, "f"), raws),  # type: ignore[arg-type]
        "ruamel C events": _time("ruamel C events", _events_of_ruamel, texts),
        "PyYAML C events": _time("PyYAML C events", _pyyaml_events, texts),  # type: ignore[arg-type]
        "PyYAML C load": _time("PyYAML C load", lambda t: yaml.load(t, Loader=yaml.CSafeLoader), texts),
        "json": _time("json", json.loads, jsons),  # type: ignore[arg-type]
    }
    base = figures["PyYAML C load"]
    print("ratio to PyYAML C load: " + ", ".join(f"{k} {v / base:.2f}x" for k, v in figures.items()))
    return 0


def _events_of_ruamel(text: object) -> None:
    parser = CParser(text)
    while not isinstance(parser.get_event(), StreamEndEvent):
        pass


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
