"""JAX's persistent compilation cache: on by default, in the user's cache
folder, opt-out, and never over a cache the user configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from skdl.backend import jax_cache_dir

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("jax")

# A small fit on JAX; prints the cache folder JAX uses and how many of the
# fit's compilations the cache answered (hits) or not (misses).
_CHILD = textwrap.dedent(
    """
    import json, warnings
    warnings.simplefilter("ignore")
    import jax
    events = []
    jax.monitoring.register_event_listener(lambda name, **kw: events.append(name))
    import numpy as np
    from skdl import MLPClassifier
    X = np.random.RandomState(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    print(json.dumps({
        "dir": jax.config.jax_compilation_cache_dir,
        "hits": events.count("/jax/compilation_cache/cache_hits"),
        "misses": events.count("/jax/compilation_cache/cache_misses"),
    }))
    """
)


def _child(**env) -> dict:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("SKDL_JAX_CACHE", "SKDL_JAX_CACHE_DIR", "JAX_COMPILATION_CACHE_DIR")
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        cwd=ROOT,
        env={**base, "KERAS_BACKEND": "jax", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_cache_folder_default_and_settings(monkeypatch, tmp_path):
    for name in ("SKDL_JAX_CACHE", "SKDL_JAX_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert jax_cache_dir() == str(tmp_path / "skdl" / "jax")
    monkeypatch.setenv("SKDL_JAX_CACHE_DIR", "/somewhere/else")
    assert jax_cache_dir() == "/somewhere/else"
    monkeypatch.setenv("SKDL_JAX_CACHE", "0")
    assert jax_cache_dir() is None


def test_a_second_process_loads_what_the_first_compiled(tmp_path):
    cache = tmp_path / "cache"
    first = _child(SKDL_JAX_CACHE_DIR=str(cache))
    assert first["dir"] == str(cache) and first["misses"] > 0
    assert any(p.name.startswith("jit_epoch") for p in cache.iterdir())
    second = _child(SKDL_JAX_CACHE_DIR=str(cache))
    assert second["misses"] == 0 and second["hits"] >= first["misses"]


def test_opt_out_and_the_users_own_cache(tmp_path):
    off = _child(SKDL_JAX_CACHE="0", XDG_CACHE_HOME=str(tmp_path))
    assert off["dir"] is None and off["hits"] == off["misses"] == 0
    assert not (tmp_path / "skdl").exists()
    own = tmp_path / "own"
    mine = _child(JAX_COMPILATION_CACHE_DIR=str(own))
    # The user's folder, with JAX's own settings: skdl changes nothing.
    assert mine["dir"] == str(own)
    assert not (tmp_path / "skdl").exists()
