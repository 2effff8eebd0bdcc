"""SequenceClassifier / SequenceRegressor: texts, padding, persistence, errors."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

import skdl
from skdl import SequenceClassifier, SequenceRegressor

TINY = dict(hidden_units=8, max_iter=15, learning_rate_init=0.02, random_state=0)

_SPAM = ["free", "prize", "win", "cash", "claim", "call", "now", "urgent"]
_HAM = ["lunch", "see", "you", "later", "home", "mum", "dinner", "thanks"]
_COMMON = ["the", "a", "to", "and", "my", "is", "it", "for"]


def make_texts(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Short messages: spam ones hold a spam word among common words."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for i in range(n):
        label = "spam" if i % 3 == 0 else "ham"
        words = list(rng.choice(_COMMON, size=rng.randint(2, 9)))
        topic = _SPAM if label == "spam" else _HAM
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randint(len(words) + 1), rng.choice(topic))
        texts.append(" ".join(words).capitalize() + rng.choice([".", "!", "?"]))
        labels.append(label)
    return texts, np.array(labels, dtype=object)


def make_sequences(n: int, seed: int = 0, n_features: int = 1):
    """Variable-length noisy sequences: rising (1) or falling (0) ramps."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for i in range(n):
        steps = rng.randint(4, 16)
        slope = 1.0 if i % 2 else -1.0
        ramp = slope * np.linspace(0, 1, steps)[:, None]
        X.append(ramp + 0.1 * rng.normal(size=(steps, n_features)))
        y.append(i % 2)
    return X, np.array(y)


@pytest.fixture(scope="module")
def texts():
    return make_texts(300)


@pytest.fixture(scope="module")
def text_clf(texts):
    X, y = texts
    return SequenceClassifier(**TINY).fit(X, y)


@pytest.fixture(scope="module")
def seq_clf():
    X, y = make_sequences(200, n_features=2)
    return SequenceClassifier(**TINY).fit(X, y)


# -- texts ----------------------------------------------------------------------
def test_learns_generated_text(texts, text_clf):
    X_test, y_test = make_texts(150, seed=1)
    assert text_clf.input_kind_ == "text"
    assert text_clf.score(X_test, y_test) >= 0.95
    assert {"free", "lunch", "!"} <= set(text_clf.vocabulary_)
    assert sorted(text_clf.vocabulary_.values())[0] == 2  # 0: padding, 1: unknown
    assert text_clf.max_length_ == max(len(t.split()) + 1 for t in texts[0])
    assert not hasattr(text_clf, "n_features_in_")


def test_text_containers_give_the_same_predictions(texts, text_clf):
    pd = pytest.importorskip("pandas")
    X = texts[0][:40]
    expected = text_clf.predict_proba(X)
    for same in (np.array(X), np.array(X, dtype=object), pd.Series(X), tuple(X)):
        np.testing.assert_array_equal(text_clf.predict_proba(same), expected)


def test_unknown_words_and_long_texts(text_clf):
    proba = text_clf.predict_proba(["zzz qqq unseen words", "free " * 500])
    assert proba.shape == (2, 2)
    assert np.isfinite(proba).all()


def test_max_tokens_and_max_length_limit_the_encoding(texts):
    X, y = texts
    clf = SequenceClassifier(**{**TINY, "max_iter": 1}, max_tokens=6, max_length=3)
    clf.fit(X, y)
    assert len(clf.vocabulary_) == 4
    assert clf.max_length_ == 3
    assert clf.model_.get_layer("embedding").input_dim == 6


# -- padding and masking -----------------------------------------------------------
def _direct(clf, sequence: np.ndarray) -> np.ndarray:
    """The network on one unpadded sequence (flag channel added)."""
    x = np.concatenate([sequence, np.ones((len(sequence), 1))], axis=1)
    return np.asarray(clf.model_(x[None].astype(np.float32), training=False))


@pytest.mark.parametrize(
    "params",
    [{}, {"cell": "gru", "bidirectional": True}, {"conv_filters": 4}],
    ids=["lstm", "bigru", "conv"],
)
def test_padding_never_changes_a_prediction(params):
    X, y = make_sequences(120, n_features=2)
    clf = SequenceClassifier(**{**TINY, "max_iter": 2}, **params).fit(X, y)
    short = X[0][:5]
    alone = clf.predict_proba([short])
    with_long = clf.predict_proba([short, np.zeros((40, 2)), X[1]])[:1]
    np.testing.assert_allclose(alone, with_long, atol=1e-6)
    raw = _direct(clf, short)
    np.testing.assert_allclose(clf.target_encoder_.to_proba(raw), alone, atol=1e-5)


def test_padding_of_texts_is_masked(text_clf):
    ids = [text_clf.vocabulary_[t] for t in ["free", "prize", "now"]]
    raw = np.asarray(text_clf.model_(np.array([ids], dtype=np.int32)))
    proba = text_clf.predict_proba(["Free prize now"])
    np.testing.assert_allclose(text_clf.target_encoder_.to_proba(raw), proba, atol=1e-5)


def test_sequence_inputs(seq_clf):
    X, y = make_sequences(100, seed=3, n_features=2)
    assert seq_clf.input_kind_ == "sequences"
    assert seq_clf.n_features_in_ == 2
    assert seq_clf.score(X, y) >= 0.9
    padded = np.zeros((len(X), 15, 2))
    for i, s in enumerate(X):
        padded[i, : len(s)] = s
    # A 3-D array is read step by step, like the list (its zeros are real).
    assert SequenceClassifier(**TINY).fit(padded, y).score(padded, y) >= 0.9


def test_regressor_on_variable_length_sequences():
    rng = np.random.RandomState(0)
    X = [rng.uniform(0, 1, size=n) for n in rng.randint(3, 12, size=300)]
    y = np.array([s.sum() for s in X])
    reg = SequenceRegressor(**{**TINY, "max_iter": 40}).fit(X, y)
    assert reg.input_kind_ == "sequences"
    assert reg.score(X, y) > 0.9


# -- training controls ----------------------------------------------------------------
def test_training_controls_on_texts(texts):
    X, y = texts
    clf = SequenceClassifier(
        **{**TINY, "max_iter": 3},
        early_stopping=True,
        class_weight="balanced",
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ <= 3
    assert set(clf.history_) >= {"loss", "val_loss", "val_score"}

    online = SequenceClassifier(**TINY).partial_fit(
        X[:100], y[:100], classes=["ham", "spam"]
    )
    vocabulary = dict(online.vocabulary_)
    before = online.predict_proba(X[:10])
    online.partial_fit(X[100:], y[100:])
    assert online.vocabulary_ == vocabulary  # learned on the first call only
    assert online.n_iter_ == 1 and len(online.loss_curve_) == 2
    assert not np.allclose(online.predict_proba(X[:10]), before)


# -- persistence --------------------------------------------------------------------
@pytest.mark.parametrize("conv", [None, 4])
def test_round_trips_keep_predictions(texts, tmp_path, conv):
    X, y = texts
    clf = SequenceClassifier(**{**TINY, "max_iter": 2}, conv_filters=conv).fit(X, y)
    expected = clf.predict_proba(X[:20])
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X[:20]), expected)
    skdl.save(clf, tmp_path / "model.skdl")
    loaded = skdl.load(tmp_path / "model.skdl")
    np.testing.assert_array_equal(loaded.predict_proba(X[:20]), expected)
    assert loaded.vocabulary_ == clf.vocabulary_
    twin = clone(clf).fit(X, y)
    np.testing.assert_allclose(twin.predict_proba(X[:20]), expected, atol=1e-6)


# -- errors ----------------------------------------------------------------------------
def test_empty_texts_are_refused(texts, text_clf):
    X, y = texts
    with pytest.raises(ValueError, match=r"X\[1\] is an empty text \('  '\)"):
        SequenceClassifier(**TINY).fit([X[0], "  ", *X[2:]], y)
    with pytest.raises(ValueError, match=r"X\[0\] is an empty text"):
        text_clf.predict([""])


def test_non_text_objects_are_refused(texts, text_clf):
    X, y = texts
    with pytest.raises(TypeError, match=r"X\[2\] is NoneType None, not a string"):
        SequenceClassifier(**TINY).fit([X[0], X[1], None, *X[3:]], y)
    with pytest.raises(TypeError, match=r"X\[1\] is int 3, not a string"):
        text_clf.predict(["free cash", 3])
    with pytest.raises(TypeError, match="fitted on texts, but X holds numeric"):
        text_clf.predict([[0.1, 0.2], [0.3]])
    with pytest.raises(TypeError, match=r"X\[0\] is not a sequence of numbers"):
        SequenceClassifier(**TINY).fit([{"a": 1}, {"b": 2}], [0, 1])


def test_wrong_number_of_features_at_predict(seq_clf):
    with pytest.raises(ValueError, match="X has 3 features per step, but Sequence"):
        seq_clf.predict(np.zeros((2, 10, 3)))
    with pytest.raises(
        TypeError, match="fitted on numeric sequences, but X holds texts"
    ):
        seq_clf.predict(["some text"])


def test_bad_sequences_are_refused():
    clf = SequenceClassifier(**TINY)
    with pytest.raises(ValueError, match="different numbers of features per step"):
        clf.fit([np.zeros((3, 2)), np.zeros((4, 1))], [0, 1])
    with pytest.raises(ValueError, match=r"X\[1\] contains NaN"):
        clf.fit([[1.0, 2.0], [1.0, np.nan, 3.0]], [0, 1])
    with pytest.raises(ValueError, match=r"X\[0\] has shape \(0, 1\)"):
        clf.fit([[], [1.0, 2.0, 3.0]], [0, 1])


@pytest.mark.parametrize(
    "param, value",
    [("cell", "lstmm"), ("hidden_units", 0), ("max_tokens", 2), ("dropout", 1.0)],
)
def test_bad_parameters_name_themselves(param, value):
    X, y = make_texts(20)
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter"):
        SequenceClassifier(**{param: value}).fit(X, y)
