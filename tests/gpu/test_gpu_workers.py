"""Parallel workers on a machine with several GPUs each take their own GPU."""

from __future__ import annotations

import os
import re

import joblib
import numpy as np
import pytest

from skdl import MLPClassifier
from skdl.backend import gpu_count
from tests.barrier import wait_for_peers

pytestmark = pytest.mark.gpu

X = np.random.RandomState(0).normal(size=(256, 10)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(autouse=True)
def _needs_two_gpus():
    if gpu_count() < 2:
        pytest.skip("fewer than two GPUs visible to the Keras backend")


def _gpu_index(variable) -> int:
    value = variable.value
    where = value.devices() if hasattr(value, "devices") else [value.device]
    found = re.search(r"(?:gpu|cuda)\D*(\d+)", ",".join(map(str, where)), re.I)
    assert found, f"not on a GPU: {where}"
    return int(found.group(1))


def _fit_in_worker(barrier) -> tuple[int, int, float]:
    wait_for_peers(barrier, 2)  # two tasks, two worker processes
    clf = MLPClassifier((16,), max_iter=30, learning_rate_init=0.01, random_state=0)
    clf.fit(X, Y)
    return os.getpid(), _gpu_index(clf.model_.weights[0]), clf.score(X, Y)


def test_two_loky_workers_train_on_different_gpus(tmp_path):
    results = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_fit_in_worker)(tmp_path) for _ in range(2)
    )
    pids, gpus, scores = zip(*results, strict=True)
    assert len(set(pids)) == 2
    assert len(set(gpus)) == 2, f"both workers trained on GPU {gpus[0]}"
    assert min(scores) > 0.8


def test_main_process_keeps_the_first_gpu():
    clf = MLPClassifier((8,), max_iter=2, random_state=0).fit(X, Y)
    assert _gpu_index(clf.model_.weights[0]) == 0
