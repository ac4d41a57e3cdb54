"""The baseline plan: what a user without doiac would write, with the PyPI `datacite` client.

`python -m bench.naive_datacite DIR` reads every DOI file under DIR/dois with PyYAML's C loader,
GETs that DOI through `DataCiteRESTClient.get_metadata` (one request per DOI, in turn, no
pagination, no concurrency), and compares naively: state, URL and titles equal. It prints how many
DOIs were the same, different or missing, and exits 0. It checks no schema, follows no rule and
merges no defaults: a lower bound on the work of a plan, not an equivalent of one.

The API URL is the config's `environment:` (a URL, as `bench/scale.py` writes it), given to the
client as `url=`; the account is the config's first repository, its password read from the
environment variable the config names (`password_env`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml
from datacite import DataCiteRESTClient
from datacite.errors import DataCiteNotFoundError


def _same(local: dict[str, Any], remote: dict[str, Any]) -> bool:
    return all(local.get(key) == remote.get(key) for key in ("state", "url", "titles"))


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else ".")
    config = yaml.load((root / "doiac.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    repository = config["repositories"][0]
    client = DataCiteRESTClient(
        username=repository["id"],
        password=os.environ[repository["password_env"]],
        prefix=repository["prefixes"][0],
        url=config["environment"],
        timeout=60,
    )
    same = different = missing = 0
    for path in sorted((root / "dois").rglob("*.yaml")):
        local = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        try:
            remote = client.get_metadata(local["doi"])
        except DataCiteNotFoundError:
            missing += 1
            continue
        if _same(local, remote):
            same += 1
        else:
            different += 1
    print(f"{same:,} same, {different:,} different, {missing:,} missing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
