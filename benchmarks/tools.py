"""The same network and training, through each tool compared.

Every tool trains the same fully connected net (ReLU hidden layers, one
sigmoid output, binary cross-entropy) with Adam (learning rate 1e-3,
epsilon 1e-8), no weight penalty, the same batch size and the same number
of epochs over shuffled data.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class NetSpec:
    hidden: tuple[int, ...]
    batch_size: int
    epochs: int
    seed: int = 0
    learning_rate: float = 1e-3


def keras_net(n_features: int, spec: NetSpec):
    """The compiled Keras network every Keras-side tool trains."""
    import keras

    layers = [keras.Input((n_features,))]
    for i, units in enumerate(spec.hidden):
        init = keras.initializers.GlorotUniform(seed=spec.seed + i)
        layers.append(
            keras.layers.Dense(units, activation="relu", kernel_initializer=init)
        )
    out_init = keras.initializers.GlorotUniform(seed=spec.seed + len(spec.hidden))
    layers.append(
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=out_init)
    )
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(spec.learning_rate, epsilon=1e-8),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def skdl_estimator(spec: NetSpec):
    from skdl import MLPClassifier

    return MLPClassifier(
        spec.hidden,
        batch_size=spec.batch_size,
        max_iter=spec.epochs,
        learning_rate_init=spec.learning_rate,
        alpha=0.0,
        tol=0.0,
        n_iter_no_change=spec.epochs,
        random_state=spec.seed,
    )


def sklearn_estimator(spec: NetSpec):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        spec.hidden,
        batch_size=spec.batch_size,
        max_iter=spec.epochs,
        learning_rate_init=spec.learning_rate,
        alpha=0.0,
        tol=0.0,
        n_iter_no_change=spec.epochs,
        random_state=spec.seed,
    )


def scikeras_estimator(spec: NetSpec):
    from scikeras.wrappers import KerasClassifier

    def build(meta):
        return keras_net(meta["n_features_in_"], spec)

    # No random_state: scikeras would switch on TensorFlow's op determinism
    # for the whole process. The initializers are seeded instead.
    return KerasClassifier(
        build, batch_size=spec.batch_size, epochs=spec.epochs, verbose=0
    )


class RawKeras:
    """``model.fit`` on a fresh network: what a Keras tutorial does."""

    def __init__(self, spec: NetSpec):
        self.spec = spec

    def fit(self, X, y):
        self.model_ = keras_net(X.shape[1], self.spec)
        self.model_.fit(
            X,
            np.asarray(y, dtype=np.float32),
            batch_size=self.spec.batch_size,
            epochs=self.spec.epochs,
            shuffle=True,
            verbose=0,
        )
        return self

    def score(self, X, y) -> float:
        proba = np.asarray(self.model_.predict_on_batch(X)).ravel()
        return float(np.mean((proba > 0.5).astype(int) == np.asarray(y)))


class SkdlKerasFit:
    """skdl with the compiled engine switched off (Keras ``fit`` each epoch)."""

    def __init__(self, spec: NetSpec):
        self.inner = skdl_estimator(spec)

    def fit(self, X, y):
        from skdl._training.loop import forced_engine

        with forced_engine("keras"):
            self.inner.fit(X, y)
        return self

    def score(self, X, y) -> float:
        return float(self.inner.score(X, y))


class SkdlCold:
    """skdl with no trained network kept from earlier fits (a first fit)."""

    def __init__(self, spec: NetSpec):
        self.inner = skdl_estimator(spec)

    def fit(self, X, y):
        from skdl._training.twins import clear_trainers

        clear_trainers()
        self.inner.fit(X, y)
        return self

    def score(self, X, y) -> float:
        return float(self.inner.score(X, y))


FIT_TOOLS = {
    "skdl": skdl_estimator,
    "skdl-first-fit": SkdlCold,
    "skdl-keras-fit": SkdlKerasFit,
    "keras": RawKeras,
    "scikeras": scikeras_estimator,
    "sklearn": sklearn_estimator,
}


@contextlib.contextmanager
def quiet():
    """Silence convergence warnings (every tool runs all epochs on purpose)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
