"""Backend-neutral pieces of the compiled epochs and the twin pool."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["build_optimizer", "logs_to_floats", "metric_results"]


def metric_results(model) -> dict[str, Any]:
    """Each compiled metric's current result, by name, as Keras logs them."""
    results: dict[str, Any] = {}
    for metric in model.metrics:
        value = metric.result()
        if isinstance(value, dict):
            results.update(value)
        else:
            results[metric.name] = value
    return results


def logs_to_floats(logs: dict[str, Any]) -> dict[str, float]:
    """Metric logs (tensors, arrays or numbers) as Python floats."""
    return {k: float(np.asarray(v)) for k, v in logs.items()}


def build_optimizer(optimizer, variables) -> None:
    """Create the optimizer's slot variables, as its first ``apply`` would."""
    import keras

    if optimizer.built or not variables:
        return
    with keras.name_scope(optimizer.name, caller=optimizer):
        optimizer.build(variables)
    optimizer.built = True
