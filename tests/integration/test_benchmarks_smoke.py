"""The benchmark runner still runs (its quick smoke mode, one workload)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(tmp_path, module: str, *args: str) -> tuple[str, dict]:
    """Run ``python -m module *args --out FILE``; its stdout and its JSON."""
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", module, *args, "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout, json.loads(out.read_text())


def test_quick_pima_run_writes_every_variant(tmp_path):
    stdout, result = _run(tmp_path, "benchmarks", "--quick", "--only", "pima")
    assert "| skdl |" in stdout
    rows = {r["variant"]: r for r in result["workloads"]["pima"]["rows"]}
    assert set(rows) == {
        "skdl",
        "skdl-first-fit",
        "skdl-keras-fit",
        "keras",
        "scikeras",
        "sklearn",
    }
    for row in rows.values():
        assert row["median"] > 0 and 0 <= row["accuracy"] <= 1
    # Same seed, same batches: both skdl engines reach the same accuracy.
    assert rows["skdl"]["accuracy"] == rows["skdl-keras-fit"]["accuracy"]
    assert result["machine"]["cpu_count"] >= 1


def test_quick_epoch_search_benchmark_finds_equal_scores(tmp_path):
    _, result = _run(tmp_path, "benchmarks.epoch_search", "--quick", "--repeats", "1")
    assert result["max_abs_score_difference"] <= 1e-6
    assert result["same_best_params"] and result["speedup"] > 0


def test_quick_lbfgs_run_compares_loss_with_sklearn(tmp_path):
    _, result = _run(tmp_path, "benchmarks", "--quick", "--only", "lbfgs")
    for name in ("lbfgs_breast_cancer", "lbfgs_digits"):
        rows = {r["variant"]: r for r in result["workloads"][name]["rows"]}
        assert set(rows) == {"skdl", "skdl-first-fit", "sklearn"}
        for row in rows.values():
            assert row["median"] > 0 and row["loss"] > 0


def test_quick_fresh_process_run_times_imports_apart(tmp_path):
    stdout, result = _run(tmp_path, "benchmarks", "--quick", "--only", "fresh")
    assert "| import (s) | fit (s) |" in stdout
    rows = result["workloads"]["fresh"]["rows"]
    assert {r["variant"] for r in rows} == {
        "skdl",
        "skdl-jax",
        "skdl-jax (no cache)",
        "keras",
        "sklearn",
    }
    for row in rows:
        # The whole process includes its imports and its fit.
        assert row["import_s"] > 0 and row["fit_s"] > 0
        assert row["median"] > row["import_s"] + row["fit_s"]
        assert 0 <= row["accuracy"] <= 1
