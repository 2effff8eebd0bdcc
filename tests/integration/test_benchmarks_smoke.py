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


def test_quick_pima_run_writes_every_variant(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "benchmarks", "--quick", "--only", "pima"]
    done = subprocess.run(
        [*command, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| skdl |" in done.stdout
    result = json.loads(out.read_text())
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
    out = tmp_path / "epoch_search.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "benchmarks.epoch_search", "--quick"]
    done = subprocess.run(
        [*command, "--repeats", "1", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["max_abs_score_difference"] <= 1e-6
    assert result["same_best_params"] and result["speedup"] > 0


def test_quick_lbfgs_run_compares_loss_with_sklearn(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "benchmarks", "--quick", "--only", "lbfgs"]
    done = subprocess.run(
        [*command, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    for name in ("lbfgs_breast_cancer", "lbfgs_digits"):
        rows = {r["variant"]: r for r in result["workloads"][name]["rows"]}
        assert set(rows) == {"skdl", "skdl-first-fit", "sklearn"}
        for row in rows.values():
            assert row["median"] > 0 and row["loss"] > 0


def test_quick_fresh_process_run_times_imports_apart(tmp_path):
    out = tmp_path / "fresh.json"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "benchmarks", "--quick", "--only", "fresh"]
    done = subprocess.run(
        [*command, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| import (s) | fit (s) |" in done.stdout
    rows = json.loads(out.read_text())["workloads"]["fresh"]["rows"]
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
