"""scikit-learn's callbacks (scikit-learn 1.9+) see every epoch of a fit."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from skdl import MLPClassifier
from skdl._training.loop import forced_engine

pytestmark = pytest.mark.skipif(
    parse_version(sklearn.__version__) < parse_version("1.9"),
    reason="sklearn.callback needs scikit-learn 1.9 or later",
)


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X[:200]), y[:200]


class Recorder:
    """An auto-propagated callback that records the tasks it sees.

    With ``score_on=(X, y)`` it also scores each epoch's fitted estimator.
    """

    max_propagation_depth = None

    def __init__(self, stop_after=None, score_on=None):
        self.events = []
        self.scores = []
        self.stop_after = stop_after
        self.score_on = score_on

    def setup(self, estimator, context):
        self.events.append(("setup", type(estimator).__name__))

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.events.append(("end", context.task_name))
        if context.task_name == "epoch" and self.score_on is not None:
            self.scores.append(fitted_estimator.score(*self.score_on))
        n_epochs = sum(e == ("end", "epoch") for e in self.events)
        return self.stop_after is not None and n_epochs >= self.stop_after

    def teardown(self, estimator, context):
        self.events.append(("teardown", type(estimator).__name__))


class EpochCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


@pytest.mark.parametrize(("engine", "used"), [("auto", "compiled"), ("keras", "keras")])
def test_scoring_monitor_scores_every_epoch_beside_keras_callbacks(data, engine, used):
    from sklearn.callback import ScoringMonitor

    X, y = data
    monitor = ScoringMonitor(scoring="accuracy")
    clf = MLPClassifier((8,), max_iter=12, random_state=0, callbacks=[EpochCounter()])
    with forced_engine(engine):
        clf.set_callbacks(monitor).fit(X, y)
    # Epoch hooks only: the compiled engine stays the one chosen.
    assert clf.fit_engine_[0] == used
    rows = monitor.get_logs().data
    epochs = [r for r in rows if r["task_name"] == "epoch"]
    assert len(epochs) == 12 and len(rows) >= 12
    assert [r["task_id"] for r in epochs] == list(range(12))
    assert clf.callbacks_[0][1].epochs == 12
    # The last epoch's network is the fitted one; earlier ones differ.
    assert epochs[-1]["accuracy"] == pytest.approx(clf.score(X, y), abs=1e-12)
    assert len({r["accuracy"] for r in epochs}) > 1


@pytest.mark.parametrize("engine", ["compiled", "keras"])
def test_epochs_are_scored_as_a_fit_stopped_there_would_end(data, engine):
    X, y = data
    recorder = Recorder(score_on=(X, y))
    clf = MLPClassifier(
        (8,),
        max_iter=8,
        learning_rate_init=0.2,
        early_stopping=True,
        n_iter_no_change=20,
        random_state=0,
    ).set_callbacks(recorder)
    with forced_engine(engine):
        clf.fit(X, y)
    # Early stopping ends with the best weights: so does every epoch's copy.
    for k in (3, 8):
        short = MLPClassifier(**{**clf.get_params(), "max_iter": k}).fit(X, y)
        assert recorder.scores[k - 1] == pytest.approx(short.score(X, y), abs=1e-12)
    assert recorder.scores[-1] == pytest.approx(clf.score(X, y), abs=1e-12)


def test_a_stop_request_ends_training_after_that_epoch(data):
    X, y = data
    recorder = Recorder(stop_after=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it stopped early
        clf = MLPClassifier((4,), max_iter=20, random_state=0)
        clf.set_callbacks(recorder).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3
    assert [e[0] for e in recorder.events][-2:] == ["end", "teardown"]


def test_grid_search_progress_reaches_the_epochs(data):
    from sklearn.callback import ProgressBar

    X, y = data
    recorder = Recorder()
    search = GridSearchCV(
        MLPClassifier((4,), max_iter=3, random_state=0), {"alpha": [1e-4, 1e-1]}, cv=2
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.set_callbacks(ProgressBar(), recorder).fit(X, y)
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "does not support callbacks" in m]
    # 2 settings x 2 folds + the refit, 3 epochs each.
    assert recorder.events.count(("end", "epoch")) == 5 * 3


def test_teardown_runs_when_a_fit_fails(data):
    X, y = data

    class Boom(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("boom")

    recorder = Recorder()
    clf = MLPClassifier((4,), max_iter=3, random_state=0, callbacks=[Boom()])
    with pytest.raises(RuntimeError, match="boom"):
        clf.set_callbacks(recorder).fit(X, y)
    assert recorder.events[-1] == ("teardown", "MLPClassifier")
    assert not hasattr(clf, "_callback_fit_ctx")
    assert not hasattr(clf, "model_")  # the failed fit left no fitted state


def test_estimators_work_without_sklearn_callbacks(tmp_path):
    """With scikit-learn < 1.9 (no ``sklearn.callback``) fits still run."""
    script = (
        "import sys\n"
        "import numpy as np, sklearn.model_selection, sklearn.pipeline\n"
        "sys.modules['sklearn.callback'] = None  # as before scikit-learn 1.9\n"
        "from skdl import MLPClassifier\n"
        "X = np.random.RandomState(0).normal(size=(40, 3)); y = X[:, 0] > 0\n"
        "clf = MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)\n"
        "assert not hasattr(clf, 'set_callbacks') and clf.n_iter_ == 2\n"
        "print('ok')\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"


def test_epoch_search_passes_callbacks_to_each_fit_and_the_refit(data):
    from sklearn.callback import ProgressBar

    from skdl.model_selection import EpochSearchCV

    X, y = data
    recorder = Recorder()
    search = EpochSearchCV(
        MLPClassifier((4,), random_state=0),
        {"alpha": [1e-4, 1e-1]},
        epochs=[1, 3],
        cv=2,
    ).set_callbacks(ProgressBar(), recorder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    assert not [w for w in caught if "does not support callbacks" in str(w.message)]
    # 2 settings x 2 folds trained to 3 epochs, then the refit.
    n_epochs = recorder.events.count(("end", "epoch"))
    assert n_epochs == 2 * 2 * 3 + search.best_epoch_
    # Each network's fit is the evaluation task it runs in (one task for
    # both): 4 fits, the refit and the search's own.
    tasks = [name for kind, name in recorder.events if kind == "end"]
    assert tasks.count("fit") == 4 + 1 + 1 and tasks.count("search") == 1
    assert recorder.events[-1] == ("teardown", "EpochSearchCV")


def test_churn_pipeline_passes_callbacks_to_its_network():
    from skdl import ChurnPipeline
    from skdl.datasets import make_churn

    frame = make_churn(n_samples=120, random_state=0)
    recorder = Recorder()
    clf = ChurnPipeline(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    clf.set_callbacks(recorder).fit(frame)
    assert recorder.events.count(("end", "epoch")) == 2
    assert recorder.events[-1] == ("teardown", "ChurnPipeline")


def test_safe_format_leaves_sklearn_callbacks_out(data, tmp_path):
    from sklearn.callback import ScoringMonitor

    import skdl

    X, y = data
    clf = MLPClassifier((4,), max_iter=2, random_state=0)
    clf.set_callbacks(ScoringMonitor(scoring="accuracy")).fit(X, y)
    skdl.save(clf, tmp_path / "clf.skdl")
    same = skdl.load(tmp_path / "clf.skdl")
    assert not hasattr(same, "_skl_callbacks")
    assert (same.predict_proba(X) == clf.predict_proba(X)).all()


def test_fine_tuning_runs_inside_the_fits_task(tmp_path):
    from skdl import ConvClassifier

    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Conv2D(2, 3, padding="same", name="conv")(inputs)
    path = tmp_path / "small.keras"
    keras.Model(inputs, outputs).save(path)
    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(40, 8, 8, 1)).astype("float32"), np.arange(40) % 2
    recorder = Recorder()
    clf = ConvClassifier(
        backbone=str(path),
        dense_layer_sizes=(4,),
        max_iter=2,
        fine_tune_epochs=2,
        random_state=0,
    )
    clf.set_callbacks(recorder).fit(X, y)
    assert clf.n_iter_ == 4
    # One task tree: set up and torn down once, its epochs those of max_iter.
    kinds = [kind for kind, _ in recorder.events]
    assert kinds.count("setup") == 1 and kinds.count("teardown") == 1
    assert recorder.events.count(("end", "epoch")) == 2


def test_autoencoder_epochs_are_tasks_too(data):
    from skdl import AutoencoderTransformer

    X, _ = data
    recorder = Recorder(score_on=(X,))
    ae = AutoencoderTransformer(4, max_iter=3, random_state=0)
    ae.set_callbacks(recorder).fit(X)
    assert len(recorder.scores) == 3
    assert recorder.scores[-1] == pytest.approx(ae.score(X), abs=1e-12)
    assert recorder.events[-1] == ("teardown", "AutoencoderTransformer")
    assert not hasattr(ae, "_callback_fit_ctx")  # fit's own state is gone
