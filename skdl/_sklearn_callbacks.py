"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn 1.9+) in skdl fits.

A fit is a task named ``'fit'`` whose subtasks are its epochs. After each
epoch the callbacks get a ``fitted_estimator``: a copy of the estimator that
predicts with the weights the fit would end with if it stopped there, so
``ScoringMonitor`` scores the network epoch by epoch. A callback's request
to stop (``on_fit_task_end`` returning True) ends training after the
current epoch. The epoch events come from a Keras callback with epoch hooks
only, added when scikit-learn callbacks reach the fit: training stays in
compiled whole epochs, and a fit without them runs no extra code per epoch.

With scikit-learn before 1.9 there are no such callbacks: the mixin below is
empty and :func:`with_callbacks` returns the method unchanged.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stand-in for scikit-learn's mixin (no callbacks before 1.9)."""

    def with_callbacks(method):  # type: ignore[no-redef]
        """Stand-in for scikit-learn's decorator: the method itself."""
        return method


__all__ = [
    "CallbackSupportMixin",
    "FitTasks",
    "SearchTasks",
    "evaluation",
    "inner_fit",
    "with_callbacks",
]

# Attributes scikit-learn sets on an estimator for the length of one fit;
# they must survive the rollback of a failed fit so the callbacks' teardown
# still runs.
FIT_CALLBACK_STATE = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")


class FitTasks:
    """The task tree of one fit: the ``'fit'`` task and one subtask per epoch.

    Parameters
    ----------
    estimator : BaseKerasEstimator
        The estimator being fitted.
    epochs : int
        Epochs this fit runs at most (the number of subtasks).
    X, y, sample_weight
        The data passed to ``fit``: what callbacks such as
        ``ScoringMonitor`` score on.
    """

    def __init__(self, estimator, epochs: int, X, y, sample_weight=None):
        self.estimator = estimator
        self.data = {
            "X": X,
            "y": y,
            "metadata": (
                None if sample_weight is None else {"sample_weight": sample_weight}
            ),
        }
        self.context = estimator._init_callback_context(
            task_name="fit", max_subtasks=epochs
        )
        self.context.call_on_fit_task_begin(estimator=estimator, **self.data)

    @classmethod
    def start(cls, estimator, epochs: int, X, y, sample_weight=None):
        """The tasks of this fit, or ``None`` without scikit-learn callbacks."""
        if not hasattr(estimator, "_init_callback_context"):
            return None
        return cls(estimator, epochs, X, y, sample_weight)

    @property
    def has_callbacks(self) -> bool:
        return bool(getattr(self.estimator, "_skl_callbacks", None))

    def end(self) -> None:
        """End the ``'fit'`` task, the estimator fitted."""
        self.context.call_on_fit_task_end(
            estimator=self.estimator, **self.data, reconstruction_attributes={}
        )

    def epoch_callback(self, network, callbacks: list, fitted: dict[str, Any]):
        """The Keras callback that turns epochs into subtasks.

        ``network`` is the estimator's own network, ``callbacks`` the fit's
        other Keras callbacks (some restore weights at the end), ``fitted``
        the fitted attributes other than the network (encoder, ``meta_``...).
        """
        return _bridge_class()(self, network, callbacks, fitted)


@functools.cache
def _bridge_class():
    from ._training.epoch_hooks import restored_weights
    from .backend import import_keras

    keras = import_keras()

    class EpochTasks(keras.callbacks.Callback):
        """Each epoch a subtask of the fit's task, for scikit-learn's callbacks."""

        def __init__(self, tasks: FitTasks, network, callbacks, fitted):
            super().__init__()
            self.tasks = tasks
            self.network = network
            self.callbacks = callbacks
            self.fitted = fitted
            self.task = None

        def on_epoch_begin(self, epoch, logs=None):
            self.task = self.tasks.context.subcontext(task_name="epoch")
            self.task.call_on_fit_task_begin(
                estimator=self.tasks.estimator, **self.tasks.data
            )

        def on_epoch_end(self, epoch, logs=None):
            swapped = []

            def attributes() -> dict[str, Any]:
                network = self._network_as_if_stopped(swapped)
                return {**self.fitted, "model_": network, "n_iter_": epoch + 1}

            try:
                stop = self.task.call_on_fit_task_end(
                    estimator=self.tasks.estimator,
                    **self.tasks.data,
                    reconstruction_attributes=attributes,
                )
            finally:
                if swapped:  # training goes on from the current weights
                    self.model.set_weights(swapped[0])
            if stop:
                self.model.stop_training = True

        def _network_as_if_stopped(self, swapped: list):
            """A network with the weights the fit would end with now."""
            restored = restored_weights(self.callbacks)
            if self.model is not self.network:
                # Compiled epochs train a twin: the estimator's own network
                # is idle until the weights are copied back at the end.
                weights = restored if restored is not None else self.model.get_weights()
                self.network.set_weights(weights)
                return self.network
            if restored is not None:
                swapped.append(self.model.get_weights())
                self.model.set_weights(restored)
            return self.model

    return EpochTasks


class SearchTasks:
    """The task tree of a search: its evaluations, then the refit.

    The shape of ``GridSearchCV``'s: a ``'search'`` task with one
    ``'candidate-split-evaluation'`` subtask per fit (the fitted estimator's
    own tree hangs below it), then ``'refit-with-best-params'``. Every
    method does nothing when scikit-learn has no callbacks.
    """

    def __init__(self, search, X, y, sample_weight=None):
        self.search = search
        self.data = {
            "X": X,
            "y": y,
            "metadata": (
                None if sample_weight is None else {"sample_weight": sample_weight}
            ),
        }
        self.root = self.node = None
        if hasattr(search, "_init_callback_context"):
            self.root = search._init_callback_context(
                max_subtasks=1 + (search.refit is not False)
            )
            self.root.call_on_fit_task_begin(estimator=search, **self.data)

    def evaluations(self, n: int) -> list:
        """One context per fit of the search (``None`` each without callbacks)."""
        if self.root is None:
            return [None] * n
        self.node = self.root.subcontext(
            task_name="search", max_subtasks=n, sequential_subtasks=False
        ).call_on_fit_task_begin(estimator=self.search)
        return [
            self.node.subcontext(task_name="candidate-split-evaluation", task_id=i)
            for i in range(n)
        ]

    def end_evaluations(self) -> None:
        if self.node is not None:
            self.node.call_on_fit_task_end(estimator=self.search)

    @contextlib.contextmanager
    def refit(self, estimator) -> Iterator[None]:
        """The refit of ``estimator`` as the search's last task."""
        if self.root is None:
            yield
            return
        context = self.root.subcontext(task_name="refit-with-best-params")
        with context.propagate_callback_context(estimator):
            context.call_on_fit_task_begin(estimator=self.search, **self.data)
            yield
        context.call_on_fit_task_end(estimator=self.search, **self.data)

    def end(self) -> None:
        if self.root is not None:
            self.root.call_on_fit_task_end(estimator=self.search, **self.data)


@contextlib.contextmanager
def evaluation(context, caller, estimator, X, y, metadata=None) -> Iterator[None]:
    """One fit of a search as the task ``context`` (nothing when ``None``)."""
    if context is None:
        yield
        return
    data = {"X": X, "y": y, "metadata": metadata}
    try:
        with context.propagate_callback_context(estimator):
            context.call_on_fit_task_begin(estimator=caller, **data)
            yield
    finally:
        context.call_on_fit_task_end(estimator=caller, **data)


@contextlib.contextmanager
def inner_fit(owner, inner, X, y, sample_weight=None) -> Iterator[None]:
    """``owner``'s fit as a task with one subtask: fitting ``inner``.

    For estimators that train one inner estimator (a pipeline they build):
    ``inner`` gets the callbacks meant to reach it, as in a meta-estimator.
    """
    if not hasattr(owner, "_init_callback_context"):
        yield
        return
    metadata = None if sample_weight is None else {"sample_weight": sample_weight}
    data = {"X": X, "y": y, "metadata": metadata}
    root = owner._init_callback_context(max_subtasks=1)
    root.call_on_fit_task_begin(estimator=owner, **data)
    task = root.subcontext(task_name=f"fit {type(inner).__name__}")
    with task.propagate_callback_context(inner):
        task.call_on_fit_task_begin(estimator=owner, **data)
        yield
    task.call_on_fit_task_end(estimator=owner, **data)
    root.call_on_fit_task_end(estimator=owner, **data, reconstruction_attributes={})
