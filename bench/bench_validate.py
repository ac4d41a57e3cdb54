"""Validation of 10,000 generated DOI files: total time, and what dominates.

Also measures, side by side on the same 1,000 files, the parsing choices we could have made:
our event composer on ruamel's C parser, the same on the pure-Python parser, ruamel's C safe
loader (no positions) and ruamel's round-trip loader (positions, slow).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bench.corpus import write_corpus
from reconciler import files as files_module
from reconciler.commands.validate import read_desired
from reconciler.config import load_config
from reconciler.core.rules import RuleContext, run_record_rules
from reconciler.files import find_yaml_files, read_source
from reconciler.model import Repository
from reconciler.schemas import _fast_validator, _validator, check_schema

COUNT = int(os.environ.get("BENCH_VALIDATE_FILES", "10000"))
SAMPLE = 1000


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config_path = write_corpus(root, COUNT)
        old = os.getcwd()
        os.chdir(root)
        try:
            config = load_config(config_path)
            paths, _ = find_yaml_files([root / "dois"], root)
            texts = [p.read_bytes() for p in paths[:SAMPLE]]

            t_read, sources = _timed(lambda: [read_source(p) for p in paths])
            records = [{**config.defaults, **s.data} for s in sources]
            t_schema, _ = _timed(lambda: [check_schema("doi", r) for r in records])
            repo: Repository = config.repositories[0]
            t_rules, _ = _timed(
                lambda: [
                    run_record_rules(r, RuleContext(s.path, repo))
                    for r, s in zip(records, sources, strict=True)
                ]
            )
            t_total, desired = _timed(lambda: read_desired(config))
            assert desired.errors == 0, desired.diagnostics[:3]

            parsers = {}
            parsers["ours (events, C parser)"], _ = _timed(
                lambda: [files_module.parse_source(t, "f.yaml") for t in texts]
            )
            saved = files_module._PARSER
            files_module._PARSER = YAML(typ="safe", pure=True)
            try:
                parsers["ours (events, pure parser)"], _ = _timed(
                    lambda: [files_module.parse_source(t, "f.yaml") for t in texts]
                )
            finally:
                files_module._PARSER = saved
            safe = YAML(typ="safe", pure=False)
            parsers["ruamel C safe load (no positions)"], _ = _timed(
                lambda: [safe.load(io.BytesIO(t)) for t in texts]
            )
            roundtrip = YAML()
            parsers["ruamel round-trip load"], _ = _timed(
                lambda: [roundtrip.load(io.BytesIO(t)) for t in texts]
            )

            sample = records[:SAMPLE]
            slow, fast = _validator("doi"), _fast_validator("doi")
            schemas = {}
            schemas["jsonschema (pure Python)"], _ = _timed(
                lambda: [list(slow.iter_errors(r)) for r in sample]
            )
            schemas["jsonschema-rs gate (what doiac runs)"], _ = _timed(
                lambda: [fast.is_valid(r) for r in sample]
            )

            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "reconciler", "validate"],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
            )
            t_cli = time.perf_counter() - start
            assert proc.returncode == 0, proc.stdout[-500:] + proc.stderr[-500:]
        finally:
            os.chdir(old)
    base = parsers["ours (events, C parser)"]
    return {
        "files": COUNT,
        "bytes_per_file": sum(map(len, texts)) // len(texts),
        "cli_seconds": round(t_cli, 2),
        "in_process_seconds": round(t_total, 2),
        "files_per_second": round(COUNT / t_cli),
        "phases_seconds": {
            "read+parse": round(t_read, 2),
            "schema": round(t_schema, 2),
            "rules": round(t_rules, 2),
        },
        "parsers_ratio_to_ours_on_1000_files": {k: round(v / base, 2) for k, v in parsers.items()},
        "schema_ms_per_file": {k: round(v * 1000 / SAMPLE, 3) for k, v in schemas.items()},
    }


def markdown(result: dict[str, Any]) -> str:
    phases = result["phases_seconds"]
    lines = [
        f"- {result['files']:,} files of ~{result['bytes_per_file']:,} bytes: `doiac validate` {result['cli_seconds']} s "
        f"({result['files_per_second']:,} files/s); in-process {result['in_process_seconds']} s",
        f"- phases: read+parse {phases['read+parse']} s, JSON Schema {phases['schema']} s, rules {phases['rules']} s",
        "- parsing 1,000 files, time relative to ours: "
        + ", ".join(f"{k} ×{v}" for k, v in result["parsers_ratio_to_ours_on_1000_files"].items()),
    ]
    return "\n".join(lines)
