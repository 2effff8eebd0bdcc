"""What one fit trains on and how: data, plan, and the fit's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "FitContext",
    "TrainingData",
    "TrainingPlan",
    "class_weight_sample_weights",
    "training_data",
]


@dataclass
class TrainingData:
    """Arrays for one training run, already encoded for the network."""

    x: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None = None
    validation: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None

    @property
    def n_samples(self) -> int:
        return int(self.x.shape[0])


@dataclass
class TrainingPlan:
    """How to train: epochs, batching, order and callbacks.

    ``engine`` is a request (``'auto'``, ``'compiled'`` or ``'keras'``);
    :func:`skdl._training.loop.decide_engine` makes the decision.
    """

    epochs: int
    batch_size: int
    shuffle: bool
    rng: np.random.RandomState
    callbacks: list[Any] = field(default_factory=list)
    initial_epoch: int = 0
    engine: str = "auto"
    score_fn: Any = None
    validation_batch_size: int | None = None  # None: all rows in one call


@dataclass(frozen=True)
class FitContext:
    """Internal facts about one ``fit`` call (not part of the public ``meta``).

    Attributes
    ----------
    seed : int
        The seed drawn for this fit (network initialisation, shuffling).
    partial : bool
        Whether the call is ``partial_fit`` (one epoch, no held-out rows).
    epochs : int
        Epochs this call trains at most.
    n_train : int
        Rows trained on (held-out validation rows excluded).
    initial_t : int
        Samples seen by earlier calls (warm starts, ``partial_fit``).
    """

    seed: int
    partial: bool
    epochs: int
    n_train: int
    initial_t: int


def training_data(X, y_enc, sw, split) -> TrainingData:
    """The training rows and, with ``split = (train, val)``, the held-out ones."""
    if split is None:
        return TrainingData(X, y_enc, sw)
    tr, val = split
    sw_tr = None if sw is None else sw[tr]
    sw_val = None if sw is None else sw[val]
    return TrainingData(
        X[tr], y_enc[tr], sw_tr, validation=(X[val], y_enc[val], sw_val)
    )


def class_weight_sample_weights(class_weight, y, encoder, sw):
    """``sw`` multiplied by the per-row weights of ``class_weight``.

    The one implementation of ``class_weight`` for every skdl classifier:
    ``None`` leaves ``sw`` unchanged; a dict must name classes of ``y``;
    multilabel targets are refused (use ``sample_weight``).
    """
    from sklearn.utils.class_weight import compute_sample_weight

    if class_weight is None:
        return sw
    if getattr(encoder, "target_type_", None) == "multilabel-indicator":
        raise ValueError(
            "class_weight is not supported for multilabel targets; pass "
            "sample_weight instead."
        )
    if isinstance(class_weight, dict):
        classes = np.asarray(encoder.classes_).tolist()
        unknown = set(class_weight) - set(classes)
        if unknown:
            raise ValueError(
                f"class_weight has keys {sorted(unknown, key=str)} that are "
                f"not classes of y ({classes})."
            )
    weights = compute_sample_weight(class_weight, np.asarray(y)).astype(np.float32)
    return weights if sw is None else sw * weights
