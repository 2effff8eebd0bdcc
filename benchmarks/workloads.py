"""The measured workloads: each is a list of variants timed round-robin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import data as datasets
from .tools import FIT_TOOLS, NetSpec, RawKeras, quiet, skdl_estimator

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Variant:
    """One timed thing: ``run()`` returns at least ``{"value": ...}``."""

    name: str
    run: Callable[[], dict]
    max_repeats: int | None = None
    warmup: bool = False


@dataclass
class Workload:
    name: str
    title: str
    variants: list[Variant]
    reference: str = "keras"
    unit: str = "s"
    notes: str = ""


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


# -- fits ---------------------------------------------------------------------
def _fit_variant(name, spec, d, max_repeats=None) -> Variant:
    def run() -> dict:
        est = FIT_TOOLS[name](spec)
        with quiet():
            seconds, _ = _timed(lambda: est.fit(d["X"], d["y"]))
            acc = float(est.score(d["X_test"], d["y_test"]))
        return {"value": seconds, "accuracy": acc}

    return Variant(name, run, max_repeats, warmup=name == "skdl")


SLOW = {"keras", "scikeras", "skdl-keras-fit"}


def fit_workload(name, title, spec, d, slow_repeats, notes="") -> Workload:
    variants = [
        _fit_variant(tool, spec, d, slow_repeats if tool in SLOW else None)
        for tool in FIT_TOOLS
    ]
    return Workload(name, title, variants, notes=notes)


# -- 10-fold cross-validation ----------------------------------------------------
def _cv_variant(name, spec, d, folds, max_repeats=None) -> Variant:
    from sklearn.model_selection import StratifiedKFold

    cv = StratifiedKFold(folds, shuffle=True, random_state=0)

    def run() -> dict:
        X, y = d["X"], d["y"]
        with quiet():
            if name == "keras":
                scores = []
                seconds, _ = _timed(
                    lambda: scores.extend(
                        RawKeras(spec).fit(X[tr], y[tr]).score(X[te], y[te])
                        for tr, te in cv.split(X, y)
                    )
                )
            else:
                seconds, scores = _timed(lambda: _cv(name, spec, X, y, cv))
        return {"value": seconds, "accuracy": float(np.mean(scores))}

    return Variant(name, run, max_repeats, warmup=name == "skdl")


def _cv(name, spec, X, y, cv):
    from sklearn.model_selection import cross_val_score

    from skdl._training.loop import forced_engine
    from skdl._training.twins import clear_trainers

    if name in ("skdl-keras-fit", "skdl-first-fit"):
        engine = "keras" if name == "skdl-keras-fit" else "auto"
        clear_trainers()
        with forced_engine(engine):
            return cross_val_score(skdl_estimator(spec), X, y, cv=cv)
    return cross_val_score(FIT_TOOLS[name](spec), X, y, cv=cv)


def cv_workload(spec, folds, slow_repeats) -> Workload:
    d = datasets.breast_cancer()
    # The Keras-fit variants cost ten fits each; one repeat of raw Keras and
    # scikeras, and skdl with the fast path off is shown by the fit rows.
    variants = [
        _cv_variant(tool, spec, d, folds, slow_repeats if tool in SLOW else None)
        for tool in FIT_TOOLS
        if tool != "skdl-keras-fit"
    ]
    title = (
        f"{folds}-fold cross_val_score, breast cancer ({d['X'].shape[0]} rows), "
        f"{_net(spec)}"
    )
    return Workload("cv10", title, variants, notes="accuracy: mean CV score")


def _net(spec: NetSpec) -> str:
    sizes = "-".join(str(h) for h in spec.hidden)
    return f"{sizes}-1, batch {spec.batch_size}, {spec.epochs} epochs"


# -- full-batch L-BFGS ---------------------------------------------------------------
def _lbfgs_estimator(tool: str, max_iter: int):
    if tool == "sklearn":
        from sklearn.neural_network import MLPClassifier
    else:
        from skdl import MLPClassifier
    return MLPClassifier(solver="lbfgs", max_iter=max_iter, random_state=0)


def _lbfgs_variant(tool: str, d: dict, max_iter: int) -> Variant:
    def run() -> dict:
        from skdl._training.twins import clear_trainers

        est = _lbfgs_estimator("sklearn" if tool == "sklearn" else "skdl", max_iter)
        if tool == "skdl-first-fit":
            clear_trainers()  # traces its loss-and-gradient function again
        with quiet():
            seconds, _ = _timed(lambda: est.fit(d["X"], d["y"]))
        return {
            "value": seconds,
            "accuracy": float(est.score(d["X_test"], d["y_test"])),
            "loss": float(est.loss_),
        }

    return Variant(tool, run, warmup=tool == "skdl")


def lbfgs_workloads(quick: bool) -> list[Workload]:
    """skdl's and sklearn's L-BFGS on the same float64 data, default network."""
    max_iter = 5 if quick else 200
    out = []
    for name in ("breast_cancer", "digits"):
        d = datasets.lbfgs_table(name)
        title = (
            f"solver='lbfgs' fit, {d['source']}, 100 hidden units, "
            f"max_iter={max_iter}, float64"
        )
        variants = [
            _lbfgs_variant(tool, d, max_iter)
            for tool in ("skdl", "skdl-first-fit", "sklearn")
        ]
        notes = (
            "loss: final training loss (loss_, L2 penalty included); accuracy: "
            "25% held out. skdl: a later fit of the same architecture (its "
            "compiled function kept); skdl-first-fit: with the tracing."
        )
        out.append(Workload(f"lbfgs_{name}", title, variants, "sklearn", notes=notes))
    return out


# -- prediction -------------------------------------------------------------------
def _median_call(fn, calls: int) -> float:
    fn()  # warm: traces and caches
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def predict_workloads(d, quick: bool) -> list[Workload]:
    spec = NetSpec((6, 6), 256, 2)
    tools = {}
    with quiet():
        for name in ("skdl", "scikeras", "sklearn"):
            tools[name] = FIT_TOOLS[name](spec).fit(d["X"], d["y"])
    model = tools["skdl"].model_
    out = []
    for rows, calls in ((1, 20 if quick else 200), (10_000, 3 if quick else 20)):
        X = np.resize(d["X"], (rows, d["X"].shape[1])).astype(np.float32)
        few = max(3, calls // 10)
        fns = {
            "skdl": (lambda X=X: tools["skdl"].predict_proba(X), calls),
            "keras-predict_on_batch": (lambda X=X: model.predict_on_batch(X), calls),
            "keras-predict": (lambda X=X: model.predict(X, verbose=0), few),
            "scikeras": (lambda X=X: tools["scikeras"].predict_proba(X), few),
            "sklearn": (lambda X=X: tools["sklearn"].predict_proba(X), calls),
        }
        variants = [
            Variant(name, lambda f=f, c=c: {"value": 1000 * _median_call(f, c)})
            for name, (f, c) in fns.items()
        ]
        out.append(
            Workload(
                f"predict_{rows}",
                f"predict_proba on {rows} row(s), median per call",
                variants,
                reference="keras-predict_on_batch",
                unit="ms",
            )
        )
    return out


# -- grid search ------------------------------------------------------------------
def grid_workload(d, spec: NetSpec, quick: bool) -> Workload:
    from sklearn.model_selection import GridSearchCV

    from .tools import sklearn_estimator

    grid = {"hidden_layer_sizes": [(12, 8), (8,)], "learning_rate_init": [1e-3, 1e-2]}
    if quick:
        grid = {"hidden_layer_sizes": [(4,)], "learning_rate_init": [1e-3, 1e-2]}
    results = {}

    def variant(name, make, n_jobs) -> Variant:
        def run() -> dict:
            search = GridSearchCV(make(spec), grid, cv=3, n_jobs=n_jobs)
            with quiet():
                seconds, _ = _timed(lambda: search.fit(d["X"], d["y"]))
            results[name] = (search.best_params_, search.best_score_)
            return {"value": seconds, "accuracy": float(search.best_score_)}

        return Variant(name, run)

    variants = [
        variant("skdl n_jobs=1", skdl_estimator, 1),
        variant("skdl n_jobs=2", skdl_estimator, 2),
        variant("sklearn n_jobs=1", sklearn_estimator, 1),
        variant("sklearn n_jobs=2", sklearn_estimator, 2),
    ]
    n_fits = 3 * len(grid["hidden_layer_sizes"]) * len(grid["learning_rate_init"])
    return Workload(
        "grid",
        f"GridSearchCV, {n_fits} fits + refit, Pima, {_net(spec)}",
        variants,
        reference="skdl n_jobs=1",
        notes="accuracy: best_score_ (identical for n_jobs=1 and 2)",
    )


# -- import time and memory (fresh processes) -----------------------------------
def _python(code: str, env: dict | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def fresh_workload(epochs: int) -> Workload:
    """The Pima-style fit as a whole ``python -c`` run per tool."""
    cache = tempfile.mkdtemp(prefix="skdl-jax-cache-")
    tools = {
        "skdl": {},
        "skdl-jax": {"KERAS_BACKEND": "jax", "SKDL_JAX_CACHE_DIR": cache},
        "skdl-jax (no cache)": {"KERAS_BACKEND": "jax", "SKDL_JAX_CACHE": "0"},
        "keras": {},
        "sklearn": {},
    }

    def variant(name: str, env: dict) -> Variant:
        tool = name.split(" ")[0].split("-")[0]
        code = f"from benchmarks.fresh import main; main({tool!r}, epochs={epochs})"

        def run() -> dict:
            seconds, out = _timed(lambda: _python(code, {**os.environ, **env}))
            return {"value": seconds, **json.loads(out)}

        return Variant(name, run)

    notes = (
        "value: the whole process (interpreter, imports, data, one fit); "
        "import_s: the tool's imports (skdl: with Keras and its backend); "
        "fit_s: the fit. skdl-jax keeps JAX's compilation cache in a folder "
        "new to this run: its first repeat compiles, later ones load."
    )
    return Workload(
        "fresh",
        f"Pima-style fit in a fresh process, 12-8-1, batch 10, {epochs} epochs",
        [variant(n, e) for n, e in tools.items()],
        notes=notes,
    )


def import_workload() -> Workload:
    def variant(module: str) -> Variant:
        code = (
            "import time; t = time.perf_counter(); "
            f"import {module}; print(time.perf_counter() - t)"
        )
        return Variant(f"import {module}", lambda: {"value": float(_python(code))})

    names = ("skdl", "keras", "tensorflow", "sklearn.neural_network")
    return Workload(
        "import",
        "import time in a fresh process",
        [variant(m) for m in names],
        reference="import keras",
    )


def memory_workload(fits: int, epochs: int) -> Workload:
    runs: dict[str, dict] = {}

    def probe(tool: str) -> dict:
        if tool not in runs:
            code = (
                "from benchmarks.memory import main; "
                f"main({tool!r}, fits={fits}, epochs={epochs})"
            )
            runs[tool] = json.loads(_python(code))
        return runs[tool]

    tools = ("skdl", "skdl-keras-fit", "keras", "scikeras")
    variants = [
        Variant(f"{t}: peak RSS", lambda t=t: probe(t), max_repeats=1) for t in tools
    ]
    variants += [
        Variant(
            f"{t}: RSS now",
            lambda t=t: {"value": probe(t)["rss_growth_mb"]},
            max_repeats=1,
        )
        for t in tools
    ]
    return Workload(
        "memory",
        f"memory growth over {fits} further fits (Pima net, {epochs} epochs each)",
        variants,
        reference="keras: peak RSS",
        unit="MB",
        notes="value: growth after 3 warm-up fits, in a fresh process per tool",
    )
