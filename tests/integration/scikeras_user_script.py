"""One scikeras user's script, run unchanged against scikeras or skdl.

``python -m tests.integration.scikeras_user_script skdl|scikeras`` runs every
stage below with ``KerasClassifier`` imported from the named library and
prints one JSON line: for each stage, its value or the error it raised. The
test in ``test_scikeras_compat.py`` runs it in a fresh process per library,
so scikeras (which patches Keras' pickling when imported) never loads in
the test process.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
import traceback

import keras
import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_iris
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

KERAS_REDUCE = keras.Model.__reduce__
if sys.argv[1:] == ["scikeras"]:
    from scikeras.wrappers import KerasClassifier
else:
    from skdl import KerasClassifier


# -- the user's code, as the scikeras documentation writes it --------------------
def get_clf(meta, hidden_layer_sizes, dropout):
    n_features_in_ = meta["n_features_in_"]
    n_classes_ = meta["n_classes_"]
    model = keras.models.Sequential()
    model.add(keras.layers.Input(shape=(n_features_in_,)))
    for hidden_layer_size in hidden_layer_sizes:
        model.add(keras.layers.Dense(hidden_layer_size, activation="relu"))
        model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(n_classes_, activation="softmax"))
    return model


def make_clf(**overrides):
    params = dict(
        model=get_clf,
        loss="sparse_categorical_crossentropy",
        optimizer="adam",
        optimizer__learning_rate=0.01,
        model__hidden_layer_sizes=(16,),
        model__dropout=0.1,
        epochs=20,
        batch_size=16,
        verbose=0,
        random_state=0,
    )
    params.update(overrides)
    return KerasClassifier(**params)


X, y = load_iris(return_X_y=True)
Xs = StandardScaler().fit_transform(X)


# -- the stages ------------------------------------------------------------------------
def is_classifier_():
    return bool(is_classifier(make_clf()))


def cv_accuracy():
    pipe = make_pipeline(StandardScaler(), make_clf())
    return float(cross_val_score(pipe, X, y, cv=5).mean())


def grid_search():
    grid = {
        "model__hidden_layer_sizes": [(8,), (16,)],
        "optimizer__learning_rate": [0.01, 0.03],
    }
    gs = GridSearchCV(make_clf(), grid, cv=3).fit(Xs, y)
    best = gs.best_estimator_
    return {
        "best_epochs": best.epochs,
        "best_batch_size": best.batch_size,
        "best_params": {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in gs.best_params_.items()
        },
        "best_score": float(gs.best_score_),
    }


def calibrated():
    cal = CalibratedClassifierCV(make_clf(), cv=3).fit(Xs, y)
    return list(cal.predict_proba(Xs[:4]).shape)


def voting():
    vote = VotingClassifier(
        [("net", make_clf()), ("lr", LogisticRegression())], voting="soft"
    )
    return float(vote.fit(Xs, y).score(Xs, y))


def unseeded_after_seeded():
    make_clf().fit(Xs, y)
    return float(make_clf(random_state=None).fit(Xs, y).score(Xs, y))


def pickle_round_trip():
    clf = make_clf().fit(Xs, y)
    again = pickle.loads(pickle.dumps(clf))
    return bool(np.allclose(clf.predict_proba(Xs), again.predict_proba(Xs)))


def clone_keeps_routed():
    twin = clone(make_clf(optimizer__learning_rate=0.05))
    return twin.get_params()["optimizer__learning_rate"]


def callbacks_routing():
    clf = make_clf(
        epochs=30,
        callbacks={"es": keras.callbacks.EarlyStopping},
        callbacks__es__monitor="loss",
        callbacks__es__patience=1,
        callbacks__es__min_delta=100.0,
    ).fit(Xs, y)
    return len(clf.history_["loss"])


def predict_one_row_ms():
    clf = make_clf().fit(Xs, y)
    clf.predict(Xs[:1])
    times = []
    for _ in range(15):
        start = time.perf_counter()
        clf.predict(Xs[:1])
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def keras_pickling_patched():
    return keras.Model.__reduce__ is not KERAS_REDUCE


STAGES = [
    is_classifier_,
    cv_accuracy,
    grid_search,
    calibrated,
    voting,
    unseeded_after_seeded,
    pickle_round_trip,
    clone_keeps_routed,
    callbacks_routing,
    predict_one_row_ms,
    keras_pickling_patched,
]


def main() -> None:
    results = {}
    for stage in STAGES:
        name = stage.__name__.rstrip("_")
        try:
            results[name] = {"value": stage()}
        except Exception as exc:  # recorded: the point is to see what breaks
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            results[name] = {"error": last[:300]}
    print("RESULTS " + json.dumps(results))


if __name__ == "__main__":
    main()
