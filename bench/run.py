"""`make bench`: run every benchmark, print a summary, keep the raw figures in bench/out/."""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import (
    bench_apply,
    bench_cache,
    bench_import,
    bench_long_lists,
    bench_plan,
    bench_sandbox,
    bench_scale,
    bench_startup,
    bench_validate,
)

BENCHES = {
    "validate": bench_validate,
    "cache": bench_cache,
    "sandbox": bench_sandbox,
    "plan": bench_plan,
    "apply": bench_apply,
    "long-lists": bench_long_lists,
    "import": bench_import,
    "startup": bench_startup,
    "scale": bench_scale,
}


def main(names: list[str]) -> int:
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    results = {}
    for name, module in BENCHES.items():
        if names and name not in names:
            continue
        print(f"== {name}", flush=True)
        result = module.run()
        results[name] = result
        print(module.markdown(result), flush=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    (out / "latest.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
