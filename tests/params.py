"""One table of fast parameters per estimator, for every test to share."""

from __future__ import annotations

# Tiny networks and few epochs: enough to learn sklearn's check datasets,
# fast enough to run hundreds of fits.
FAST = {
    "ConvClassifier": dict(
        filters=(8,),
        dense_layer_sizes=(16,),
        batch_size=200,
        max_iter=60,
        learning_rate_init=0.01,
        random_state=0,
    ),
    "MLPClassifier": dict(
        hidden_layer_sizes=(16,), max_iter=60, learning_rate_init=0.01, random_state=0
    ),
    "MLPRegressor": dict(
        hidden_layer_sizes=(16,), max_iter=80, learning_rate_init=0.01, random_state=0
    ),
}


def fast(cls, **overrides):
    """An instance of ``cls`` with the fast test parameters."""
    return cls(**{**FAST[cls.__name__], **overrides})
