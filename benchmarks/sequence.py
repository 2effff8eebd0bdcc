"""The same LSTM text classifier through skdl and through raw Keras ``fit``.

skdl's ``SequenceClassifier`` (default network: embedding 64, LSTM 32,
batch 32) against the very same network, cloned from skdl's, compiled the
same way and trained with ``model.fit`` on the same token ids, for the same
epochs and batch size. Raw Keras gets the texts already tokenized (by
skdl's fitted vocabulary): the timing is of training only, tokenizing
included for skdl.
"""

from __future__ import annotations

import numpy as np

from .tools import quiet
from .workloads import Variant, Workload, _timed


def sequence_workload(d: dict, epochs: int) -> Workload:
    from skdl import SequenceClassifier

    params = dict(max_iter=epochs, tol=0.0, random_state=0)
    encoded = {}

    def skdl_run() -> dict:
        clf = SequenceClassifier(**params)
        with quiet():
            seconds, _ = _timed(lambda: clf.fit(d["X"], d["y"]))
            acc = float(clf.score(d["X_test"], d["y_test"]))
        encoded["clf"] = clf
        return {"value": seconds, "accuracy": acc}

    def keras_run() -> dict:
        from skdl.backend import import_keras

        keras = import_keras()
        clf = encoded.get("clf") or SequenceClassifier(**params).fit(d["X"], d["y"])
        x = clf._network_input(d["X"], reset=False)
        x_test = clf._network_input(d["X_test"], reset=False)
        y = (np.asarray(d["y"]) == clf.classes_[1]).astype(np.float32)
        y_test = (np.asarray(d["y_test"]) == clf.classes_[1]).astype(np.float32)
        with quiet():
            keras.utils.set_random_seed(0)
            model = keras.models.clone_model(clf.model_)
            model.compile(optimizer="adam", loss="binary_crossentropy")
            seconds, _ = _timed(
                lambda: model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
            )
            pred = np.asarray(model.predict_on_batch(x_test))[:, 0] > 0.5
        return {"value": seconds, "accuracy": float(np.mean(pred == y_test))}

    title = (
        f"LSTM text classifier, {len(d['X'])} messages ({d['source']}), "
        f"embedding 64, LSTM 32, batch 32, {epochs} epochs"
    )
    return Workload(
        "sequence",
        title,
        [Variant("skdl", skdl_run, warmup=True), Variant("keras", keras_run)],
        notes="accuracy: held-out 20% of the messages",
    )
