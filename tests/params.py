"""One table of fast parameters per estimator, for every test to share."""

from __future__ import annotations

import functools


class _Named:
    """A build function whose repr is its name, without a memory address.

    sklearn's check ids come from the estimator's repr; an address in it
    would differ between pytest-xdist workers and break collection.
    """

    def __init__(self, fn, name: str):
        functools.update_wrapper(self, fn)
        self.name = name

    def __call__(self, *args, **kwargs):
        return self.__wrapped__(*args, **kwargs)

    def __repr__(self) -> str:
        return self.name


def _build_classifier(meta, hidden_layer_sizes=(16,)):
    """A small build function for KerasClassifier, scikeras style."""
    import keras

    model = keras.Sequential([keras.Input(meta["X_shape_"][1:])])
    for units in hidden_layer_sizes:
        model.add(keras.layers.Dense(units, activation="relu"))
    if meta["target_type_"] == "multiclass":
        model.add(keras.layers.Dense(meta["n_classes_"], activation="softmax"))
    else:  # binary: one sigmoid unit; multilabel: one per label
        units = 1 if meta["target_type_"] == "binary" else meta["n_classes_"]
        model.add(keras.layers.Dense(units, activation="sigmoid"))
    return model


def _build_regressor(meta, hidden_layer_sizes=(16,)):
    """A small build function for KerasRegressor."""
    import keras

    model = keras.Sequential([keras.Input(meta["X_shape_"][1:])])
    for units in hidden_layer_sizes:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(meta["n_outputs_"]))
    return model


build_classifier = _Named(_build_classifier, "build_classifier")
build_regressor = _Named(_build_regressor, "build_regressor")

# Tiny networks and few epochs: enough to learn sklearn's check datasets,
# fast enough to run hundreds of fits.
FAST = {
    "AutoencoderTransformer": dict(
        n_components=2,
        hidden_layer_sizes=(16,),
        max_iter=30,
        learning_rate_init=0.01,
        random_state=0,
    ),
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
    "SequenceClassifier": dict(
        cell="rnn", hidden_units=8, max_iter=40, learning_rate_init=0.02, random_state=0
    ),
    "SequenceRegressor": dict(
        cell="rnn", hidden_units=8, max_iter=60, learning_rate_init=0.02, random_state=0
    ),
    "ChurnPipeline": dict(
        hidden_layer_sizes=(8,), max_iter=15, learning_rate_init=0.01, random_state=0
    ),
    # Routed parameters on purpose: the estimator checks exercise them too.
    "KerasClassifier": dict(
        model=build_classifier,
        optimizer="adam",
        optimizer__learning_rate=0.01,
        model__hidden_layer_sizes=(16,),
        epochs=30,
        random_state=0,
    ),
    "KerasRegressor": dict(
        model=build_regressor,
        optimizer="adam",
        optimizer__learning_rate=0.01,
        model__hidden_layer_sizes=(16,),
        epochs=40,
        random_state=0,
    ),
}


def fast(cls, **overrides):
    """An instance of ``cls`` with the fast test parameters."""
    return cls(**{**FAST[cls.__name__], **overrides})
