"""Everything that depends on the Keras backend lives here.

The rest of skdl talks to ``keras`` and ``keras.ops`` only. This module owns
the pieces that differ between TensorFlow, JAX and PyTorch: importing Keras
lazily (``import skdl`` must stay cheap), quieting backend log spam, and
running a block of code under a seed without leaving any process-wide random
state changed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["backend_name", "import_keras", "seeded"]

_KERAS: Any = None


def import_keras() -> Any:
    """Import and return the ``keras`` module, quietly, on first use.

    TensorFlow's C++ logging is turned down to errors unless the user set
    ``TF_CPP_MIN_LOG_LEVEL`` themselves.
    """
    global _KERAS
    if _KERAS is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from ._quiet import native_stderr_silenced

        with native_stderr_silenced():
            import keras

            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                tf.get_logger().setLevel("ERROR")
                # Device discovery logs too; do it now, while silenced.
                tf.config.list_physical_devices()
        _KERAS = keras
    return _KERAS


def backend_name() -> str:
    """Return the name of the active Keras backend (``'tensorflow'``, ...)."""
    return import_keras().backend.backend()


def _keras_global_seed_state() -> tuple[Any, Any]:
    from keras.src.backend.common import global_state

    return (
        global_state.get_global_attribute("global_random_seed"),
        global_state.get_global_attribute("global_seed_generator"),
    )


def _set_keras_global_seed_state(state: tuple[Any, Any]) -> None:
    from keras.src.backend.common import global_state

    global_state.set_global_attribute("global_random_seed", state[0])
    global_state.set_global_attribute("global_seed_generator", state[1])


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run a block with every random source Keras draws from seeded.

    Keras draws the default seeds of initializers, dropout layers and
    ``keras.random`` from Python's ``random`` module and from its global seed
    generator. Inside the block both are seeded from ``seed`` (and NumPy's
    legacy global generator too, for user build functions that use it); on
    exit all of them are put back exactly as they were, so a seeded fit
    leaves no trace on the rest of the process. No determinism switch is
    turned on. With ``seed=None`` the block runs unchanged.
    """
    if seed is None:
        yield
        return
    keras = import_keras()
    py_state = random.getstate()
    np_state = np.random.get_state()
    keras_state = _keras_global_seed_state()
    try:
        random.seed(seed)
        np.random.seed(seed % (2**32))
        _set_keras_global_seed_state((seed, keras.random.SeedGenerator(seed)))
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        _set_keras_global_seed_state(keras_state)
