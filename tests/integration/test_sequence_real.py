"""SequenceClassifier on real text (SMS spam) and on variable-length waves."""

from __future__ import annotations

import csv
import os
import time

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, train_test_split

from skdl import SequenceClassifier
from tests.conftest import shared_file

pytestmark = pytest.mark.slow

SPAM = "WINNER!! claim your free prize now, call 09061701461"


@pytest.fixture(scope="module")
def sms():
    """The SMS Spam Collection, stratified 80/20 split with random_state=0."""
    pd = pytest.importorskip("pandas")
    path = shared_file("sms_spam.tsv")
    df = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE)
    return train_test_split(
        df["SMS"], df["Label"], test_size=0.2, stratify=df["Label"], random_state=0
    )


def test_sms_spam_with_the_defaults(sms):
    X_train, X_test, y_train, y_test = sms
    start, cpu = time.perf_counter(), time.process_time()
    clf = SequenceClassifier(random_state=0).fit(X_train, y_train)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    pred = clf.predict(X_test)
    accuracy = accuracy_score(y_test, pred)
    f1 = f1_score(y_test, pred, pos_label="spam")
    print(
        f"SMS spam: accuracy {accuracy:.4f}, spam F1 {f1:.4f}, fit {seconds:.1f} s "
        f"(CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f})"
    )
    # TF-IDF + LogisticRegression reaches 0.981 / 0.925 on this split.
    assert accuracy >= 0.981
    assert f1 >= 0.925
    assert clf.predict([SPAM])[0] == "spam"


def test_grid_search_on_raw_texts(sms):
    X_train, _, y_train, _ = sms
    search = GridSearchCV(
        SequenceClassifier(max_iter=3, random_state=0),
        {"hidden_units": [16, 32]},
        cv=3,
    )
    search.fit(X_train[:1500], y_train[:1500])
    print(f"grid search: best score {search.best_score_:.4f} {search.best_params_}")
    assert search.best_score_ > 0.9
    assert search.best_estimator_.input_kind_ == "text"


def make_waves(n: int, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Noisy sine (0) and square (1) waves of 20 to 80 steps."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for i in range(n):
        steps = rng.randint(20, 81)
        t = np.arange(steps)
        wave = np.sin(2 * np.pi * t / rng.uniform(8, 24) + rng.uniform(0, 2 * np.pi))
        if i % 2:
            wave = np.sign(wave)
        X.append(wave * rng.uniform(0.5, 2.0) + rng.normal(0, 0.2, steps))
        y.append(i % 2)
    return X, np.array(y)


def test_sine_versus_square_waves_of_varying_length():
    X, y = make_waves(600, seed=0)
    X_test, y_test = make_waves(300, seed=1)
    # With the defaults (LSTM, 10 epochs at learning rate 0.001) accuracy
    # stays near 0.7 here: these 600 waves need more and larger steps.
    clf = SequenceClassifier(
        cell="gru", learning_rate_init=0.01, max_iter=20, random_state=0
    ).fit(X, y)
    accuracy = clf.score(X_test, y_test)
    print(f"waves: accuracy {accuracy:.4f}")
    assert accuracy >= 0.95
