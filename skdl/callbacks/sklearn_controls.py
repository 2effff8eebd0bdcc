"""scikit-learn's MLP training controls, as Keras callbacks.

These reproduce ``sklearn.neural_network``'s rules for stopping and for the
``learning_rate`` modes, so that code moving from sklearn's MLP gets the same
behaviour. Both training paths (compiled epochs and ``model.fit``) drive them
at epoch granularity.
"""

from __future__ import annotations

import numpy as np

from ..backend import import_keras

keras = import_keras()

__all__ = ["SklearnControls"]

_MIN_ADAPTIVE_LR = 1e-6


class SklearnControls(keras.callbacks.Callback):
    """Stop, adapt the learning rate and keep the best weights, as sklearn does.

    Without a validation set, training stops once the training loss has not
    improved by ``tol`` for more than ``n_iter_no_change`` consecutive epochs.
    With one (``early_stopping=True``), the rule watches the validation score
    (accuracy or R^2) instead and the best weights are restored at the end.
    ``learning_rate='adaptive'`` (SGD) divides the rate by 5 instead of
    stopping, until it falls under 1e-6; ``'invscaling'`` sets it to
    ``learning_rate_init / (t + 1) ** power_t`` after every epoch, ``t``
    being the number of samples seen.

    Parameters
    ----------
    tol, n_iter_no_change : float, int
        As in sklearn's MLP.
    learning_rate : {'constant', 'invscaling', 'adaptive'} or schedule
        The estimator's ``learning_rate`` mode; only the two string modes
        change anything here.
    learning_rate_init, power_t : float
        As in sklearn's MLP.
    monitor_validation : bool
        Watch ``val_score`` in the epoch logs (early stopping) instead of
        the training loss.
    n_samples : int
        Training rows per epoch (for ``'invscaling'``).
    t0 : int
        Samples seen before this fit (warm starts).
    verbose : bool
        Print sklearn-style messages when stopping or adapting.
    adaptive_solver : bool
        Whether the learning-rate modes apply (sklearn: SGD only).
    print_iterations : bool
        Print sklearn's ``Iteration N, loss = X`` line after every epoch.
    """

    def __init__(
        self,
        *,
        tol,
        n_iter_no_change,
        learning_rate,
        learning_rate_init,
        power_t,
        monitor_validation,
        n_samples,
        t0=0,
        verbose=False,
        adaptive_solver=False,
        print_iterations=False,
    ):
        super().__init__()
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.monitor_validation = monitor_validation
        self.n_samples = n_samples
        self.t = t0
        self.verbose = verbose
        self.adaptive_solver = adaptive_solver
        self.print_iterations = print_iterations
        self.epochs_run = 0
        self.best_loss = np.inf
        self.best_score = -np.inf
        self.best_weights = None
        self.no_improvement = 0
        self.stopped = False

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        self.t += self.n_samples
        self.epochs_run += 1
        if self.print_iterations:
            print(f"Iteration {self.epochs_run}, loss = {float(logs['loss']):.8f}")
            if self.monitor_validation:
                print(f"Validation score: {float(logs['val_score']):f}")
        if self.learning_rate == "invscaling" and self.adaptive_solver:
            self._set_lr(self.learning_rate_init / (self.t + 1) ** self.power_t)
        if self.monitor_validation:
            score = float(logs["val_score"])
            improved = score >= self.best_score + self.tol
            if score > self.best_score:
                self.best_score = score
                self.best_weights = self.model.get_weights()
        else:
            loss = float(logs["loss"])
            improved = loss <= self.best_loss - self.tol
            self.best_loss = min(self.best_loss, loss)
        self.no_improvement = 0 if improved else self.no_improvement + 1
        if self.no_improvement > self.n_iter_no_change:
            self._trigger(epoch)

    def _trigger(self, epoch):
        what = "Validation score" if self.monitor_validation else "Training loss"
        message = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        lr = self._get_lr()
        adaptive = self.learning_rate == "adaptive" and self.adaptive_solver
        if adaptive and lr > _MIN_ADAPTIVE_LR:
            self._set_lr(lr / 5.0)
            self.no_improvement = 0
            if self.verbose:
                print(f"{message} Setting learning rate to {lr / 5.0:f}")
            return
        if self.verbose:
            print(f"{message} Stopping.")
        self.stopped = True
        self.model.stop_training = True

    def restored_weights(self) -> list | None:
        """The weights ``on_train_end`` would restore now (``None``: none).

        With early stopping, the best weights so far.
        """
        return self.best_weights

    def on_train_end(self, logs=None):
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)

    def _get_lr(self) -> float:
        return float(np.asarray(self.model.optimizer.learning_rate))

    def _set_lr(self, value: float) -> None:
        self.model.optimizer.learning_rate.assign(value)
