"""Which workloads run, at full and at quick (smoke) size."""

from __future__ import annotations

from . import data as datasets
from . import workloads as w
from .tools import NetSpec

WORKLOADS = (
    "pima",
    "cv10",
    "churn",
    "predict",
    "grid",
    "import",
    "fresh",
    "memory",
    "sequence",
    "lbfgs",
)


def build(name: str, *, quick: bool) -> list[w.Workload]:
    """The workloads behind ``name`` (``churn`` and ``predict`` are two each)."""
    epochs = 2 if quick else 150
    slow = 1 if quick else 2
    if name == "pima":
        d = datasets.pima()
        spec = NetSpec((12, 8), 10, epochs)
        rows = d["X"].shape[0]
        title = f"Pima-style fit, {rows} rows ({d['source']}), {w._net(spec)}"
        notes = f"accuracy: on the {d['X_test'].shape[0]} held-out rows"
        return [w.fit_workload("pima", title, spec, d, slow, notes)]
    if name == "cv10":
        return [w.cv_workload(NetSpec((12, 8), 10, epochs), 3 if quick else 10, 1)]
    if name == "churn":
        d = datasets.churn(1000 if quick else 10_000)
        out = []
        for batch in (10, 256):
            spec = NetSpec((6, 6), batch, 1 if quick else 10)
            title = (
                f"churn-scale fit, {d['X'].shape[0]} x {d['X'].shape[1]} "
                f"({d['source']}), {w._net(spec)}"
            )
            out.append(
                w.fit_workload(
                    f"churn_b{batch}", title, spec, d, slow, "accuracy: training rows"
                )
            )
        return out
    if name == "predict":
        return w.predict_workloads(datasets.churn(1000 if quick else 10_000), quick)
    if name == "grid":
        spec = NetSpec((12, 8), 10, 2 if quick else 60)
        return [w.grid_workload(datasets.pima(), spec, quick)]
    if name == "lbfgs":
        return w.lbfgs_workloads(quick)
    if name == "fresh":
        return [w.fresh_workload(epochs)]
    if name == "import":
        return [w.import_workload()]
    if name == "memory":
        return [w.memory_workload(fits=3 if quick else 20, epochs=2 if quick else 10)]
    if name == "sequence":
        from .sequence import sequence_workload

        return [sequence_workload(datasets.sms(quick), 1 if quick else 5)]
    raise ValueError(f"unknown workload {name!r}; choose from {WORKLOADS}")
