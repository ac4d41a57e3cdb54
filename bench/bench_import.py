"""`doiac import` of 10,000 live DOIs into an empty folder, side by side with a naive import.

The sandbox runs in a thread of this process, over a real loopback socket, seeded through
`POST /_sandbox/seed` with the records of `bench/corpus.py` (the files, read by `read_desired`).
Each import runs in a fresh child process, so that its wall time, CPU time and peak memory are
its own and it does not share an interpreter lock with the sandbox:

- doiac: `reconciler.commands.adopt.run(config)` against an empty DOI folder, the clock put a
  day ahead (`now=`), so that the seeded DOIs count as old: it lists pages of 1,000 and re-reads
  singly only DOIs the list cannot be trusted for (changed in the last day, or registered without
  a date). Goal: the list pages (+1 empty page after the last full one) and no single read.
- naive: one `GET /dois/{doi}` per DOI through `read_each` with the same 4 threads as doiac's
  single reads, then the same files written the same way (`core.adopt.file_form`,
  `yamledit.new_text`, adopt's path and header), so that only the reading strategy differs. It is
  handed the DOIs to read (a list it could not have without the list pages): that flatters it.

Both run at 0 ms, in turn (doiac, naive, doiac, naive, ...), REPEATS times over every DOI; then
at LATENCY_MS (`POST /_sandbox/config`), LATENT_REPEATS times. At 50 ms a naive pass over
10,000 DOIs needs ≥ 125 s of reading alone, so there it imports an evenly spread sample
(BENCH_IMPORT_BASELINE_SAMPLE) and its figures are EXTRAPOLATED linearly (set the sample to the
DOI count to measure the whole). Times are medians; ratios (naive / doiac) are taken pair by
pair, then their median. Reading is the time up to the first file written (adopt.run's first
"writing files" progress call); writing is the rest. Requests are counted by the client
(`ImportReport.requests`, `DataCiteClient.requests`) and by the sandbox (`GET /_sandbox/stats`,
per route). Peak memory is the child's VmHWM (its peak resident set, interpreter and imports
included), also read just before the import starts.

Checks: the last pair at 0 ms wrote byte-identical files; and once, at the end, a
`reconciler.commands.plan.run` over the folder doiac wrote finds no change.

Run alone: `python -m bench.bench_import` from the repository root (about 10–12 minutes at 10,000
DOIs on 2 cores). Env: BENCH_IMPORT_DOIS (10000), BENCH_IMPORT_REPEATS (3),
BENCH_IMPORT_LATENCY_MS (50; 0 leaves that leg out), BENCH_IMPORT_LATENT_REPEATS (1),
BENCH_IMPORT_BASELINE_SAMPLE (1000), BENCH_IMPORT_REAL_CLOCK (0; 1 adds a doiac import with the
real clock, every DOI then changed less than a day ago). Quick look: BENCH_IMPORT_DOIS=1000.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

COUNT = int(os.environ.get("BENCH_IMPORT_DOIS", "10000"))
REPEATS = int(os.environ.get("BENCH_IMPORT_REPEATS", "3"))
"""Runs of each import at 0 ms."""
LATENCY_MS = int(os.environ.get("BENCH_IMPORT_LATENCY_MS", "50"))
"""The second latency; 0 leaves it out."""
LATENT_REPEATS = int(os.environ.get("BENCH_IMPORT_LATENT_REPEATS", "1"))
"""Runs of each import at LATENCY_MS: each doiac run is a whole import, ~80 s at 10,000 DOIs here."""
SAMPLE = min(COUNT, int(os.environ.get("BENCH_IMPORT_BASELINE_SAMPLE", "1000")))
"""DOIs the naive import reads at LATENCY_MS (every COUNT/SAMPLE-th), its figures scaled to COUNT."""
REAL_CLOCK = os.environ.get("BENCH_IMPORT_REAL_CLOCK", "0") == "1"
"""One more doiac import at 0 ms with the real clock: every seeded DOI then changed < 1 day ago."""
WORKERS = 4
"""read_each's default number of single-read threads, which adopt.run uses; the naive import too."""
PAGE = 1000
"""DataCiteClient.list_dois's page size."""
REPOSITORY = "BENCH.REPO"
PASSWORD = "bench-secret"
PASSWORD_ENV = "BENCH_IMPORT_PASSWORD"
AHEAD = timedelta(days=1)
LIST_ROUTE = "GET /dois"
SINGLE_ROUTE = "GET /dois/{doi}"
SHOWN = 5
ROOT = Path(__file__).resolve().parents[1]


# -- the child: one import, timed, in its own process ------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM, Linux), the interpreter and its imports included.

    Not `ru_maxrss`: Linux carries it over an exec, so a child would report at least the RSS
    of the parent it was forked from (here the sandbox's process, with every seeded record).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)  # kB
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # not Linux: a bound


def _child_doiac(config_path: Path, ahead: bool) -> dict[str, Any]:
    from reconciler.commands import adopt  # imported here: not in the timed figure

    def now() -> datetime:
        return datetime.now(UTC) + (AHEAD if ahead else timedelta())

    first_write: list[float] = []

    def progress(what: str, done: int, total: int | None) -> None:
        # adopt.run reports "writing files" after each file: the first call ends its reading.
        if what == "writing files" and not first_write:
            first_write.append(time.perf_counter())

    rss_before = _peak_rss_mb()
    cpu, start = time.process_time(), time.perf_counter()
    report = adopt.run(config_path, now=now, progress=progress)
    end, cpu = time.perf_counter(), time.process_time() - cpu
    reading = (first_write[0] if first_write else end) - start
    outcomes = Counter(item.outcome.value for item in report.items)
    refused = [f"{i.doi}: {i.reason}" for i in report.items if i.outcome is adopt.Outcome.REFUSED]
    return {
        "seconds": end - start,
        "read_seconds": reading,
        "write_seconds": end - start - reading,
        "cpu_seconds": cpu,
        "requests_client": report.requests,
        "outcomes": dict(outcomes),
        "refused_shown": refused[:SHOWN],
        "rss_before_mb": rss_before,
        "rss_peak_mb": _peak_rss_mb(),
    }


def _child_naive(config_path: Path, dois_path: Path) -> dict[str, Any]:
    """One GET per DOI (WORKERS threads), then each file written as adopt._adopt writes a new one."""
    from reconciler.commands.adopt import HEADER, canonical_path
    from reconciler.commands.plan import connect
    from reconciler.config import open_config
    from reconciler.core.adopt import file_form
    from reconciler.datacite import read_each
    from reconciler.files import write_text
    from reconciler.yamledit import new_text, schema_reference

    dois = dois_path.read_text(encoding="utf-8").split()
    rss_before = _peak_rss_mb()
    cpu, start = time.process_time(), time.perf_counter()
    config = open_config(config_path)
    repo = config.repositories[0]
    root = Path(config.root)
    with connect(config) as (_, clients):
        fresh = read_each(clients, [(repo.id, doi) for doi in dois], workers=WORKERS)
        requests = sum(c.requests for c in clients.values())
    reading = time.perf_counter() - start
    outcomes: Counter[str] = Counter()
    refused = []
    for doi, live in fresh.items():
        if live is None:
            outcomes["missing"] += 1
            continue
        path = canonical_path(config, repo, doi)
        shown = path.relative_to(root).as_posix()
        adopted = file_form(live, {**config.defaults, **repo.defaults}, shown, repo.id)
        if adopted.problem is not None:
            outcomes["not imported"] += 1
            refused.append(f"{doi}: {adopted.problem}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, new_text(adopted.data, schema_reference(path, root), HEADER))
        outcomes["written"] += 1
    end, cpu = time.perf_counter(), time.process_time() - cpu
    return {
        "seconds": end - start,
        "read_seconds": reading,
        "write_seconds": end - start - reading,
        "cpu_seconds": cpu,
        "requests_client": requests,
        "outcomes": dict(outcomes),
        "refused_shown": refused[:SHOWN],
        "rss_before_mb": rss_before,
        "rss_peak_mb": _peak_rss_mb(),
    }


def _child(argv: Sequence[str]) -> int:
    kind, config_path = argv[0], Path(argv[1])
    if kind == "doiac":
        result = _child_doiac(config_path, ahead=True)
    elif kind == "doiac-real-clock":
        result = _child_doiac(config_path, ahead=False)
    else:
        result = _child_naive(config_path, Path(argv[2]))
    print(json.dumps(result))
    return 0


# -- the parent: the sandbox, the folders, the runs ---------------------------------------------


class _Bench:
    def __init__(self, root: Path, url: str, admin: httpx.Client) -> None:
        self.root, self.url, self.admin = root, url, admin
        self.runs = 0

    def stats(self) -> Counter[str]:
        response = self.admin.get("/_sandbox/stats")
        response.raise_for_status()
        return Counter(response.json()["requests"])

    def latency(self, ms: float) -> None:
        response = self.admin.post("/_sandbox/config", json={"latency_ms": ms})
        response.raise_for_status()
        assert response.json()["latency_ms"] == ms, response.json()

    def seed(self, records: Sequence[Any]) -> None:
        for offset in range(0, len(records), 1000):
            batch = [
                {
                    "doi": r.doi,
                    "state": r.state,
                    "client": REPOSITORY,
                    "attributes": r.attributes,
                    "url": r.url,
                }
                for r in records[offset : offset + 1000]
            ]
            response = self.admin.post("/_sandbox/seed", json=batch)
            assert response.status_code == 200, response.text[:500]

    def folder(self, name: str) -> Path:
        """An empty DOI repository whose config talks to this sandbox: what import starts from."""
        from bench.corpus import CONFIG

        folder = self.root / name
        folder.mkdir()
        text = CONFIG.replace("environment: sandbox", f"environment: {self.url}").replace(
            '    domains: ["data.example.org"]\n',
            f'    domains: ["data.example.org"]\n    password_env: {PASSWORD_ENV}\n',
        )
        assert PASSWORD_ENV in text, text
        assert self.url in text, text
        (folder / "doiac.yaml").write_text(text, encoding="utf-8")
        return folder

    def run(self, kind: str, latency: int, dois: Path | None = None) -> dict[str, Any]:
        self.runs += 1
        folder = self.folder(f"{kind}-{latency}ms-{self.runs}")
        argv = [sys.executable, "-m", "bench.bench_import", "--child", kind, str(folder / "doiac.yaml")]
        if dois is not None:
            argv.append(str(dois))
        before = self.stats()
        start = time.perf_counter()
        proc = subprocess.run(
            argv,
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, PASSWORD_ENV: PASSWORD},
        )
        process_seconds = time.perf_counter() - start
        routes = self.stats() - before
        assert proc.returncode == 0, proc.stderr[-3000:]
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        files = sorted((folder / "dois").rglob("*.yaml")) if (folder / "dois").exists() else []
        return {
            **result,
            "kind": kind,
            "latency_ms": latency,
            "folder": folder,
            "files": len(files),
            "process_seconds": process_seconds,
            "requests_sandbox": sum(routes.values()),
            "list_pages": routes.get(LIST_ROUTE, 0),
            "single_reads": routes.get(SINGLE_ROUTE, 0),
            "routes": dict(sorted(routes.items())),
        }


def _same_files(a: Path, b: Path) -> list[str]:
    """Relative paths whose bytes differ, or that only one of the two folders holds."""
    files_a = {p.relative_to(a): p for p in (a / "dois").rglob("*.yaml")}
    files_b = {p.relative_to(b): p for p in (b / "dois").rglob("*.yaml")}
    differ = [str(k) for k in sorted(files_a.keys() ^ files_b.keys())]
    differ += [
        str(k)
        for k in sorted(files_a.keys() & files_b.keys())
        if files_a[k].read_bytes() != files_b[k].read_bytes()
    ]
    return differ


def _plan_check(folder: Path) -> dict[str, Any]:
    from reconciler.commands import plan

    os.environ[PASSWORD_ENV] = PASSWORD
    start = time.perf_counter()
    planned = plan.run(folder / "doiac.yaml")
    seconds = time.perf_counter() - start
    changes = [f"{c.doi} {c.action.value} {[d.pointer for d in c.diffs][:3]}" for c in planned.plan.changes]
    return {
        "files": len(planned.desired.records),
        "diagnostics": len(planned.desired.diagnostics),
        "unchanged": planned.plan.unchanged,
        "unmanaged": len(planned.plan.unmanaged),
        "changes": len(changes),
        "changes_shown": changes[:SHOWN],
        "problems": [str(p) for p in planned.plan.problems][:SHOWN],
        "requests": planned.context.requests,
        "seconds": round(seconds, 1),
    }


def _median(runs: Sequence[dict[str, Any]], key: str, scale: float = 1.0, digits: int = 2) -> float:
    return round(float(statistics.median(r[key] for r in runs)) * scale, digits)


def _summary(runs: Sequence[dict[str, Any]], scale: float = 1.0) -> dict[str, Any]:
    """Medians of the runs' times (× scale for a sample), the worst run's requests."""
    return {
        "runs": len(runs),
        "seconds": _median(runs, "seconds", scale),
        "seconds_each": [round(r["seconds"] * scale, 2) for r in runs],
        "read_seconds": _median(runs, "read_seconds", scale),
        "write_seconds": _median(runs, "write_seconds", scale),
        "cpu_seconds": _median(runs, "cpu_seconds", scale),
        "process_seconds": _median(runs, "process_seconds", scale),
        "requests_client": round(max(r["requests_client"] for r in runs) * scale),
        "requests_sandbox": round(max(r["requests_sandbox"] for r in runs) * scale),
        "list_pages": max(r["list_pages"] for r in runs),
        "single_reads": round(max(r["single_reads"] for r in runs) * scale),
        "routes": runs[0]["routes"],
        "files": min(r["files"] for r in runs),
        "outcomes": runs[0]["outcomes"],
        "refused_shown": runs[0]["refused_shown"],
        "rss_before_mb": _median(runs, "rss_before_mb", digits=1),
        "rss_peak_mb": _median(runs, "rss_peak_mb", digits=1),
        "extrapolated": scale != 1.0,
    }


def _ratios(
    doiac: Sequence[dict[str, Any]], naive: Sequence[dict[str, Any]], key: str, scale: float
) -> list[float]:
    """naive / doiac, pair by pair (the runs of a pair ran one after the other)."""
    return [round(n[key] * scale / d[key], 2) for d, n in zip(doiac, naive, strict=True)]


def run() -> dict[str, Any]:
    from bench.corpus import write_corpus
    from reconciler.commands.validate import read_desired
    from reconciler.config import load_config
    from reconciler.sandbox import TOKEN_HEADER, Client, SandboxOptions, SandboxServer

    assert COUNT >= 1, COUNT
    assert REPEATS >= 1, REPEATS
    pages_goal = -(-COUNT // PAGE) + 1  # the page after the last full one comes back empty
    legs = [(0, REPEATS)] + ([(LATENCY_MS, LATENT_REPEATS)] if LATENCY_MS and LATENT_REPEATS else [])
    setup: dict[str, float] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        old = os.getcwd()
        start = time.perf_counter()
        config_path = write_corpus(root / "source", COUNT)
        setup["write files"] = round(time.perf_counter() - start, 1)
        os.chdir(root / "source")
        try:
            start = time.perf_counter()
            read = read_desired(load_config(config_path))
            setup["read_desired"] = round(time.perf_counter() - start, 1)
        finally:
            os.chdir(old)
        assert read.errors == 0, read.diagnostics[:3]
        desired = sorted(read.records, key=lambda r: r.doi)
        assert len(desired) == COUNT, len(desired)
        shutil.rmtree(root / "source")
        all_dois = root / "dois-all.txt"
        all_dois.write_text("\n".join(r.doi for r in desired) + "\n", encoding="utf-8")
        sample_dois = root / "dois-sample.txt"
        sample_dois.write_text(
            "\n".join(r.doi for r in desired[:: max(1, COUNT // SAMPLE)][:SAMPLE]) + "\n", encoding="utf-8"
        )

        account = Client(REPOSITORY, PASSWORD, ("10.80000",), ("data.example.org",))
        with (
            SandboxServer(root / "sandbox.sqlite", SandboxOptions(repositories=[account])) as server,
            httpx.Client(
                base_url=server.url, headers={TOKEN_HEADER: server.admin_token}, timeout=600
            ) as admin,
        ):
            bench = _Bench(root, server.url, admin)
            start = time.perf_counter()
            bench.seed(desired)
            setup["seed"] = round(time.perf_counter() - start, 1)
            runs: dict[int, dict[str, list[dict[str, Any]]]] = {}
            for latency, repeats in legs:
                bench.latency(latency)
                runs[latency] = {"doiac": [], "naive": []}
                for _ in range(repeats):
                    # In turn, so that a drift of the machine's speed moves both alike.
                    runs[latency]["doiac"].append(bench.run("doiac", latency))
                    dois = all_dois if latency == 0 else sample_dois
                    runs[latency]["naive"].append(bench.run("naive", latency, dois))
            bench.latency(0)
            real_clock = bench.run("doiac-real-clock", 0) if REAL_CLOCK else None
            # The last pair at 0 ms: both imported every DOI into a folder of their own.
            by_doiac, by_naive = runs[0]["doiac"][-1]["folder"], runs[0]["naive"][-1]["folder"]
            differ = _same_files(by_doiac, by_naive)
            plan_check = _plan_check(by_doiac)

    by_latency: dict[str, Any] = {}
    for latency, pair in runs.items():
        sampled = latency != 0 and SAMPLE < COUNT
        scale = COUNT / SAMPLE if sampled else 1.0
        doiac, naive = _summary(pair["doiac"]), _summary(pair["naive"], scale)
        ratios = {
            key: _ratios(pair["doiac"], pair["naive"], key, scale)
            for key in ("seconds", "read_seconds", "cpu_seconds")
        }
        by_latency[f"{latency}ms"] = {
            "doiac": doiac,
            "naive": {**naive, "sample": SAMPLE if sampled else COUNT},
            "ratio_seconds": statistics.median(ratios["seconds"]),
            "ratio_seconds_each": ratios["seconds"],
            "ratio_read_seconds": statistics.median(ratios["read_seconds"]),
            "ratio_cpu_seconds": statistics.median(ratios["cpu_seconds"]),
            "ratio_requests": round(naive["requests_sandbox"] / doiac["requests_sandbox"], 1),
            "ratio_rss_peak": None if sampled else round(naive["rss_peak_mb"] / doiac["rss_peak_mb"], 2),
        }
    all_doiac = [r for pair in runs.values() for r in pair["doiac"]]
    return {
        "dois": COUNT,
        "repeats": {f"{latency}ms": repeats for latency, repeats in legs},
        "workers": WORKERS,
        "baseline_sample": SAMPLE,
        "nproc": os.cpu_count(),
        "setup_seconds": setup,
        "total_seconds": round(time.perf_counter() - started),
        "goal": {
            "requests": pages_goal,
            "list_pages": max(r["list_pages"] for r in all_doiac),
            "single_reads": max(r["single_reads"] for r in all_doiac),
            "met": all(r["requests_sandbox"] <= pages_goal and r["single_reads"] == 0 for r in all_doiac),
        },
        "by_latency": by_latency,
        "real_clock_0ms": None if real_clock is None else _summary([real_clock]),
        "same_files": {"differ": len(differ), "shown": differ[:SHOWN]},
        "plan_after_import": plan_check,
    }


def markdown(result: dict[str, Any]) -> str:
    goal = result["goal"]
    lines = [
        f"- {result['dois']:,} DOIs, {result['workers']} single-read threads; runs {result['repeats']} "
        f"(medians), doiac and naive in turn; nproc {result['nproc']}; setup {result['setup_seconds']}; "
        f"whole bench {result['total_seconds']} s",
        f"- doiac requests: at most {goal['list_pages']} list pages and {goal['single_reads']} single reads "
        f"(goal ≤ {goal['requests']} requests, 0 single reads: {'met' if goal['met'] else 'FAIL'})",
    ]
    for latency, row in result["by_latency"].items():
        d, n = row["doiac"], row["naive"]
        how = (
            f"EXTRAPOLATED ×{result['dois'] / n['sample']:g} from {n['sample']:,} DOIs"
            if n["extrapolated"]
            else "all DOIs"
        )
        lines += [
            f"- {latency}, doiac: {d['seconds']} s {d['seconds_each']} = reading {d['read_seconds']} s + "
            f"writing {d['write_seconds']} s; CPU {d['cpu_seconds']} s; {d['requests_sandbox']} requests "
            f"({d['list_pages']} pages + {d['single_reads']} single); {d['files']:,} files {d['outcomes']}; "
            f"peak RSS {d['rss_peak_mb']} MB ({d['rss_before_mb']} MB before the import)",
            f"- {latency}, naive ({how}): {n['seconds']} s {n['seconds_each']} = reading {n['read_seconds']} s + "
            f"writing {n['write_seconds']} s; CPU {n['cpu_seconds']} s; {n['requests_sandbox']:,} requests; "
            f"peak RSS {n['rss_peak_mb']} MB ({n['rss_before_mb']} MB before)",
            f"- {latency}, naive / doiac: time ×{row['ratio_seconds']} {row['ratio_seconds_each']}, reading "
            f"×{row['ratio_read_seconds']}, CPU ×{row['ratio_cpu_seconds']}, requests ×{row['ratio_requests']}, "
            f"peak RSS ×{row['ratio_rss_peak']}",
        ]
    if (real := result["real_clock_0ms"]) is not None:
        lines.append(
            f"- doiac with the real clock (every DOI changed < 1 day ago), 0 ms, one run: {real['seconds']} s "
            f"(reading {real['read_seconds']} s), {real['requests_sandbox']:,} requests ({real['list_pages']} "
            f"pages + {real['single_reads']:,} single), peak RSS {real['rss_peak_mb']} MB"
        )
    same = result["same_files"]
    verdict = "byte-identical" if not same["differ"] else f"DIFFER: {same['differ']} {same['shown']}"
    lines.append(f"- doiac's and the naive import's files (last pair at 0 ms): {verdict}")
    check = result["plan_after_import"]
    lines.append(
        f"- plan over the folder doiac imported: {check['files']:,} files ({check['diagnostics']} diagnostics), "
        f"{check['changes']} changes {check['changes_shown']}, {check['unchanged']:,} unchanged, "
        f"{check['unmanaged']} unmanaged, problems {check['problems']}, {check['requests']} requests, "
        f"{check['seconds']} s"
    )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["--child"]:
        return _child(argv[1:])
    result = run()
    print(markdown(result), flush=True)
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
