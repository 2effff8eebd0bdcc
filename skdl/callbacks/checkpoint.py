"""Keep the best model seen during training ("save your best model")."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np

from ..backend import import_keras

keras = import_keras()

__all__ = ["BestModelCheckpoint"]


class BestModelCheckpoint(keras.callbacks.Callback):
    """Track the best epoch by a monitored metric; save and restore it.

    Unlike a ``ModelCheckpoint`` with a fixed file name, every fit writes to
    its own file (``best-<pid>-<random>.keras`` inside ``directory``), so
    parallel fits in ``GridSearchCV(n_jobs=...)`` or cross-validation never
    overwrite each other. Monitoring a ``val_`` metric makes skdl's MLP
    estimators hold out ``validation_fraction`` of the training rows.

    Parameters
    ----------
    monitor : str, default='val_loss'
        Metric of the epoch logs to watch (``'val_accuracy'``, ``'loss'``...).
    mode : {'auto', 'min', 'max'}, default='auto'
        Whether lower or higher is better; ``'auto'`` means higher for
        accuracy-like metrics and scores, lower otherwise.
    directory : str or path-like, default=None
        Where to write the best model as a ``.keras`` file after every
        improvement. ``None`` keeps it in memory only.
    restore_best : bool, default=True
        Load the best weights into the model when training ends.

    Attributes
    ----------
    best_ : float
        Best value of ``monitor``.
    best_epoch_ : int
        Epoch (0-based) that reached it.
    filepath_ : pathlib.Path or None
        The file written, when ``directory`` is set.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import scale
    >>> from skdl import MLPClassifier
    >>> from skdl.callbacks import BestModelCheckpoint
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = MLPClassifier(
    ...     (8,), max_iter=5, random_state=0,
    ...     callbacks=[("best", BestModelCheckpoint(monitor="val_accuracy"))],
    ... ).fit(scale(X), y)
    >>> best = clf.callbacks_[0][1]
    >>> 0 <= best.best_epoch_ < 5
    True
    """

    def __init__(
        self, monitor="val_loss", mode="auto", directory=None, restore_best=True
    ):
        super().__init__()
        self.monitor = monitor
        self.mode = mode
        self.directory = directory
        self.restore_best = restore_best

    def _higher_is_better(self) -> bool:
        if self.mode == "auto":
            return any(k in self.monitor for k in ("acc", "score", "auc", "r2"))
        if self.mode not in ("min", "max"):
            raise ValueError(
                f"BestModelCheckpoint mode must be 'auto', 'min' or 'max'; got "
                f"{self.mode!r}."
            )
        return self.mode == "max"

    def on_train_begin(self, logs=None):
        self._sign = 1.0 if self._higher_is_better() else -1.0
        self.best_ = -np.inf * self._sign
        self.best_epoch_ = None
        self._best_weights = None
        self.filepath_ = None
        if self.directory is not None:
            folder = Path(self.directory)
            folder.mkdir(parents=True, exist_ok=True)
            name = f"best-{os.getpid()}-{uuid.uuid4().hex[:12]}.keras"
            self.filepath_ = folder / name

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"BestModelCheckpoint monitors {self.monitor!r}, which is not "
                f"in the epoch logs {sorted(logs)}. Monitor one of those."
            )
        value = float(logs[self.monitor])
        if self._sign * value > self._sign * self.best_:
            self.best_ = value
            self.best_epoch_ = epoch
            self._best_weights = self.model.get_weights()
            if self.filepath_ is not None:
                self.model.save(self.filepath_)

    def restored_weights(self) -> list | None:
        """The weights ``on_train_end`` would restore now (``None``: none)."""
        return self._best_weights if self.restore_best else None

    def on_train_end(self, logs=None):
        if self.restore_best and self._best_weights is not None:
            self.model.set_weights(self._best_weights)
        self._best_weights = None
