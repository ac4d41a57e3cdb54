"""Whole commands at scale: a DOI repository of N files and a sandbox in its own process, seeded.

`python -m bench.scale prepare DIR N` writes the N files of `bench/corpus.py` under DIR, a
config whose environment is a sandbox served at a loopback URL, and the sandbox's SQLite file,
seeded with the same records (so a plan of DIR has nothing to change). `python -m bench.scale
serve DIR` serves that sandbox (`doiac sandbox`, in the foreground) until interrupted. Between
the two, a whole `doiac plan` or `doiac validate` can be timed from outside, its peak memory
being the command's alone, for instance:

    python -m bench.scale prepare /tmp/s10k 10000
    python -m bench.scale serve /tmp/s10k &
    cd /tmp/s10k && BENCH_PASSWORD=bench-secret farm-bench -n 3 -- doiac plan

The port is fixed per directory in DIR/port, so the config and the server agree.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.corpus import write_corpus
from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.sandbox import TOKEN_HEADER

REPOSITORY = "BENCH.REPO"
PASSWORD = "bench-secret"
TOKEN = "bench-admin-token"
DOIAC = Path(sys.executable).with_name("doiac")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(root: Path) -> subprocess.Popen[bytes]:
    port = (root / "port").read_text().strip()
    env = {**os.environ, "DOIAC_SANDBOX_TOKEN": TOKEN, "DOIAC_SANDBOX_PASSWORD_BENCH_REPO": PASSWORD}
    command = [str(DOIAC), "sandbox", "-r", f"{REPOSITORY}::10.80000:data.example.org", "--port", port,
               "--db", str(root / "sandbox.sqlite")]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=root)


def _wait(url: str) -> None:
    for _ in range(300):
        try:
            httpx.get(f"{url}/heartbeat", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"the sandbox at {url} did not start")


def prepare(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    config_path = write_corpus(root, count)
    port = _free_port()
    (root / "port").write_text(f"{port}\n")
    url = f"http://127.0.0.1:{port}"
    text = config_path.read_text().replace("environment: sandbox", f"environment: {url}")
    config_path.write_text(text.replace("    domains:", "    password_env: BENCH_PASSWORD\n    domains:"))
    desired = sorted(read_desired(load_config(config_path)).records, key=lambda r: r.doi)
    server = _serve(root)
    try:
        _wait(url)
        with httpx.Client(base_url=url, headers={TOKEN_HEADER: TOKEN}, timeout=600) as admin:
            for offset in range(0, len(desired), 1000):
                batch = [
                    {"doi": r.doi, "state": r.state, "client": REPOSITORY, "attributes": r.attributes,
                     "url": r.url}
                    for r in desired[offset : offset + 1000]
                ]  # fmt: skip
                response = admin.post("/_sandbox/seed", json=batch)
                response.raise_for_status()
    finally:
        server.terminate()
        server.wait(30)
    print(
        f"{count:,} files and a seeded sandbox in {root}; serve it with: python -m bench.scale serve {root}"
    )


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "prepare":
        prepare(Path(argv[1]).resolve(), int(argv[2]))
        return 0
    if len(argv) == 2 and argv[0] == "serve":
        return _serve(Path(argv[1]).resolve()).wait()
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
