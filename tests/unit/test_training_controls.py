"""Training controls from the Keras tutorials: progress, history plots,
checkpoints, callbacks routing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import matplotlib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, cross_validate

from skdl import MLPClassifier, plot_history
from skdl.callbacks import BestModelCheckpoint
from tests.params import fast

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=150, n_features=5, random_state=3)
    return X, y


def test_verbose_zero_prints_nothing_at_all(tmp_path):
    script = textwrap.dedent(
        """
        from sklearn.datasets import make_classification
        from skdl import MLPClassifier
        X, y = make_classification(n_samples=40, random_state=0)
        MLPClassifier((4,), max_iter=3, random_state=0).fit(X, y).predict(X)
        """
    )
    root = str(Path(__file__).resolve().parents[2])
    paths = [root, os.environ.get("PYTHONPATH", "")]
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
    }
    if "KERAS_BACKEND" in os.environ:
        env["KERAS_BACKEND"] = os.environ["KERAS_BACKEND"]
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        cwd=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == ""


def test_verbose_one_progress_bar_and_two_lines(data, capsys):
    X, y = data
    fast(MLPClassifier, max_iter=3, tol=0.0, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "3/3" in out
    assert "loss" in out
    fast(MLPClassifier, max_iter=3, tol=0.0, verbose=2).fit(X, y)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln]
    assert [ln.split(":")[0].strip() for ln in lines] == [
        "epoch 1",
        "epoch 2",
        "epoch 3",
    ]
    assert all("accuracy" in ln for ln in lines)


def test_plot_history_for_estimator_and_folds(data, tmp_path):
    X, y = data
    clf = fast(MLPClassifier, early_stopping=True, max_iter=8).fit(X, y)
    fig = plot_history(clf)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["loss", "accuracy", "score"]
    # Training and validation curves both drawn on the loss panel.
    assert len(fig.axes[0].lines) == 2
    fig.savefig(tmp_path / "history.png")
    assert (tmp_path / "history.png").stat().st_size > 1000
    folds = cross_validate(
        fast(MLPClassifier, max_iter=4), X, y, cv=3, return_estimator=True
    )["estimator"]
    fig = plot_history(list(folds), metrics=["loss"])
    assert len(fig.axes[0].lines) == 3
    with pytest.raises(ValueError, match="not in the history"):
        plot_history(clf, metrics=["auc"])
    with pytest.raises(TypeError, match="fitted skdl estimator"):
        plot_history(42)


def test_keras_model_checkpoint_writes_and_estimator_still_clones(data, tmp_path):
    X, y = data
    path = tmp_path / "best.keras"
    ckpt = keras.callbacks.ModelCheckpoint(
        str(path), monitor="val_accuracy", save_best_only=True
    )
    clf = fast(MLPClassifier, max_iter=5, callbacks=[ckpt]).fit(X, y)
    assert path.exists()
    # Monitoring a val_ metric held rows out and logged validation metrics.
    assert {"val_loss", "val_accuracy"} <= set(clf.history_)
    reloaded = keras.saving.load_model(path)
    assert reloaded.count_params() == clf.model_.count_params()
    # The user's callback object was not used itself (fresh copy per fit).
    assert clf.callbacks_[0][1] is not ckpt
    again = clone(clf).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_best_model_checkpoint_files_never_collide(data, tmp_path):
    X, y = data
    cb = ("best", BestModelCheckpoint(monitor="val_accuracy", directory=tmp_path))
    a = fast(MLPClassifier, max_iter=4, callbacks=[cb]).fit(X, y)
    b = clone(a).fit(X, y)
    path_a, path_b = a.callbacks_[0][1].filepath_, b.callbacks_[0][1].filepath_
    assert path_a != path_b
    assert path_a.exists() and path_b.exists()
    best = a.callbacks_[0][1]
    scores = a.history_["val_accuracy"]
    assert best.best_ == max(scores)
    assert best.best_epoch_ == int(np.argmax(scores))


def test_best_model_checkpoint_bad_monitor(data):
    X, y = data
    clf = fast(MLPClassifier, max_iter=2, callbacks=[BestModelCheckpoint("nope")])
    with pytest.raises(ValueError, match="not in the epoch logs"):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")


def test_callbacks_routing_and_grid_search(data, tmp_path):
    X, y = data
    clf = fast(
        MLPClassifier,
        max_iter=3,
        callbacks=[("best", BestModelCheckpoint(monitor="val_loss"))],
    )
    clf.set_params(callbacks__best__monitor="val_accuracy")
    assert clf.callbacks[0][1].monitor == "val_accuracy"
    with pytest.raises(ValueError, match="callback name among"):
        clf.set_params(callbacks__nosuch__monitor="x")
    with pytest.raises(ValueError, match="no attribute"):
        clf.set_params(callbacks__best__nosuch=1)
    grid = GridSearchCV(
        clf, {"callbacks__best__monitor": ["val_loss", "val_accuracy"]}, cv=2
    ).fit(X, y)
    assert grid.best_params_["callbacks__best__monitor"] in {"val_loss", "val_accuracy"}
    best_cb = grid.best_estimator_.callbacks_[0][1]
    assert best_cb.monitor == grid.best_params_["callbacks__best__monitor"]


def test_unnamed_callbacks_named_by_class_and_unique(data):
    X, y = data
    clf = fast(MLPClassifier, max_iter=2, callbacks=[keras.callbacks.TerminateOnNaN()])
    clf.fit(X, y)
    assert clf.callbacks_[0][0] == "terminateonnan"
    dup = fast(
        MLPClassifier,
        callbacks=[keras.callbacks.TerminateOnNaN(), keras.callbacks.TerminateOnNaN()],
    )
    with pytest.raises(ValueError, match="unique"):
        dup.fit(X, y)


def test_per_batch_callback_falls_back_to_keras_fit(data):
    X, y = data

    class CountBatches(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1

    clf = fast(
        MLPClassifier, max_iter=3, tol=0.0, batch_size=50, callbacks=[CountBatches()]
    )
    clf.fit(X, y)
    assert clf.callbacks_[0][1].batches == 3 * 3


def test_early_stopping_inside_grid_search_is_reproducible(data):
    X, y = data
    params = {"hidden_layer_sizes": [(4,), (8,)]}
    est = fast(MLPClassifier, early_stopping=True, max_iter=100, n_iter_no_change=3)
    g1 = GridSearchCV(est, params, cv=3).fit(X, y)
    g2 = GridSearchCV(clone(est), params, cv=3).fit(X, y)
    np.testing.assert_array_equal(
        g1.cv_results_["mean_test_score"], g2.cv_results_["mean_test_score"]
    )
    assert g1.best_estimator_.n_iter_ < 100
