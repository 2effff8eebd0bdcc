"""Every private Keras and TensorFlow name skdl relies on, in one place.

Keras 3 has no public API for a few things the compiled epochs, the twin
pool, the progress bar and seeding need. Each such use is one small
function here, and ``tests/unit/test_keras_compat.py`` checks each against
the installed Keras, so a Keras release that renames or removes one fails
that test loudly instead of making training silently slower or wrong.
Nothing else in skdl may touch ``keras.src`` or an underscore attribute of
a Keras object.

Keras must not be imported when this module is: ``import skdl`` stays cheap.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Any

__all__ = [
    "DownloadRefused",
    "accumulating_metrics",
    "adam_slots",
    "build_for_tracing",
    "build_on_batch",
    "call_for_training",
    "compute_loss",
    "global_seed_state",
    "keras_cache_dir",
    "prepare_jax_train_step",
    "progbar_seen",
    "refused_downloads",
    "set_global_seed_state",
    "sgd_momentum_slot",
    "track_loss",
]


# -- the model's own training step ------------------------------------------------
def call_for_training(model, x) -> Any:
    """``model(x)`` as in training, passing ``training=True`` where accepted."""
    if model._call_has_training_arg:
        return model(x, training=True)
    return model(x)


def prepare_jax_train_step(model) -> None:
    """Let the JAX backend's stateless ``train_step`` run outside ``fit``.

    Keras before 3.9 ends that step by placing the new state where
    ``make_train_function`` recorded the variables' shardings, and fails
    when it was never called; record them as it does. Later Keras neither
    needs nor has them.
    """
    record = getattr(model, "_record_training_state_sharding_spec", None)
    if record is not None and not hasattr(model, "_trainable_variable_shardings"):
        record()


def compute_loss(model, x, y, y_pred, sample_weight) -> Any:
    """The compiled loss plus the layers' regularization losses (training)."""
    return model._compute_loss(
        x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
    )


def track_loss(model, loss, n_rows) -> None:
    """Add ``loss`` over ``n_rows`` rows to the model's ``loss`` metric."""
    model._loss_tracker.update_state(loss, sample_weight=n_rows)


def build_for_tracing(model, data_batch) -> None:
    """Build the model, its compiled loss and metrics on a sample batch.

    Does nothing for a model already built (TensorFlow path).
    """
    model._maybe_symbolic_build(data_batch=data_batch)


def build_on_batch(model, data_batch) -> None:
    """Build the model, its compiled loss and metrics on a sample batch (JAX)."""
    model._symbolic_build(data_batch=data_batch)


# -- optimizer slots ------------------------------------------------------------------
def adam_slots(optimizer, variable) -> tuple[Any, Any]:
    """Adam's first and second moment slots of ``variable``."""
    i = optimizer._get_variable_index(variable)
    return optimizer._momentums[i], optimizer._velocities[i]


def sgd_momentum_slot(optimizer, variable) -> Any:
    """SGD's momentum slot of ``variable``."""
    return optimizer.momentums[optimizer._get_variable_index(variable)]


# -- evaluation -----------------------------------------------------------------------
@contextlib.contextmanager
def accumulating_metrics(model) -> Iterator[None]:
    """Metrics accumulate over ``test_on_batch`` calls in the block.

    ``test_on_batch`` resets the metrics before each batch; evaluating in
    chunks needs them to keep accumulating, as Keras' ``evaluate`` does.
    Keras offers no argument for it, so ``reset_metrics`` is silenced on
    this instance for the block (after one reset at the start).
    """
    model.reset_metrics()
    model.__dict__["reset_metrics"] = lambda: None
    try:
        yield
    finally:
        del model.__dict__["reset_metrics"]


# -- progress bar ---------------------------------------------------------------------
def progbar_seen(bar) -> int:
    """How far a ``keras.utils.Progbar`` has got."""
    return bar._seen_so_far


# -- seeding --------------------------------------------------------------------------
def global_seed_state() -> tuple[Any, Any]:
    """Keras' global random seed and global seed generator."""
    from keras.src.backend.common import global_state

    return (
        global_state.get_global_attribute("global_random_seed"),
        global_state.get_global_attribute("global_seed_generator"),
    )


def set_global_seed_state(state: tuple[Any, Any]) -> None:
    """Put back what :func:`global_seed_state` returned."""
    from keras.src.backend.common import global_state

    global_state.set_global_attribute("global_random_seed", state[0])
    global_state.set_global_attribute("global_seed_generator", state[1])


# -- keras.applications weights: never downloaded ----------------------------------
class DownloadRefused(Exception):
    """Raised in place of a Keras download; carries what would be fetched."""

    def __init__(self, fname: str, origin: str, cache_subdir: str):
        super().__init__(fname)
        self.fname = fname
        self.origin = origin
        self.cache_subdir = cache_subdir


def keras_cache_dir() -> str:
    """The folder where Keras keeps (and looks for) downloaded files."""
    from keras.src.backend import config

    return str(config.keras_home())


# One patch at a time, so that nested or concurrent blocks restore the original.
_PATCH_LOCK = threading.Lock()


@contextlib.contextmanager
def refused_downloads() -> Iterator[None]:
    """Within the block, Keras' ``get_file`` raises :class:`DownloadRefused`.

    Keras has no public way to ask which weights file a
    ``keras.applications`` constructor would download: they fetch it
    through ``keras.src.utils.file_utils.get_file``, looked up at call time,
    so skdl swaps that function to learn the file's name and refuse the
    download. The swap is process-wide while the block runs (about a
    second, to build a network): a Keras download started by another thread
    meanwhile is refused too.
    """
    from keras.src.utils import file_utils

    def refuse(fname=None, origin=None, *args, cache_subdir="datasets", **kwargs):
        name = fname or os.path.basename(str(origin))
        raise DownloadRefused(name, str(origin), cache_subdir)

    with _PATCH_LOCK:
        original = file_utils.get_file
        file_utils.get_file = refuse
        try:
            yield
        finally:
            file_utils.get_file = original
