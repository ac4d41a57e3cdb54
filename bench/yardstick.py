"""The yardstick validate is held against: PyYAML's C loader and jsonschema-rs in a plain loop.

`python -m bench.yardstick DIR` reads every DOI file under DIR/dois with `yaml.CSafeLoader` (no
positions, YAML 1.1 typing), merges the config's defaults under it and asks the compiled schema
validator doiac itself uses (jsonschema-rs, the `doi` schema) for a yes or no, on one core. It
gives no located message, runs no rule beyond the schema, and checks nothing across files: what
the fastest loop a user could write does, to time `doiac validate` against side by side:

    cd DIR && farm-bench --vs 'python -m bench.yardstick .' -- doiac validate
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from reconciler.schemas import schema_set


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else ".")
    config = yaml.load((root / "doiac.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    defaults = config.get("defaults") or {}
    validator = schema_set().fast_validator("doi")
    valid = invalid = 0
    for path in sorted((root / "dois").rglob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        if validator.is_valid({**defaults, **data}):
            valid += 1
        else:
            invalid += 1
    print(f"{valid:,} valid, {invalid:,} invalid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
