"""skdl.save / skdl.load on skops: bit-identical round trips and clear refusals."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdl
from skdl import (
    ChurnPipeline,
    ConvClassifier,
    KerasClassifier,
    KerasRegressor,
    MLPClassifier,
    MLPRegressor,
    persistence,
)
from skdl.backend import import_keras
from skdl.datasets import make_churn
from tests import params as test_params
from tests.conftest import skip_if_written_by_newer
from tests.params import fast

ROOT = Path(__file__).resolve().parents[2]
COMPAT = ROOT / "tests" / "data" / "compat" / "0.1.0.dev0"


def _X(n=50, d=4, seed=0):
    return np.random.RandomState(seed).normal(size=(n, d))


def _digits():
    X, y = load_digits(return_X_y=True)
    return (X[:100] / 16.0).reshape(-1, 8, 8, 1), y[:100]


def _churn():
    frame = make_churn(n_samples=150, random_state=1)
    return frame.drop(columns=["Exited"]), frame["Exited"]


@pytest.fixture(scope="module")
def fitted():
    """One fitted model of every estimator, trained once for the module."""
    X = _X()
    labels = np.array(["cat", "dog", "eel"])[
        (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    ]
    frame = pd.DataFrame(X, columns=["age", "income", "tenure", "score"])
    images, digits = _digits()
    churn_X, churn_y = _churn()
    # Plain module-level build functions: stored by their importable name.
    keras_params = dict(epochs=3, random_state=0, verbose=0)
    return {
        "binary": (fast(MLPClassifier, max_iter=5).fit(X, X[:, 0] > 0), X),
        "multiclass-str": (
            fast(MLPClassifier, max_iter=5, class_weight={"cat": 2.0}).fit(
                frame, labels
            ),
            frame,
        ),
        "multi-output": (
            fast(MLPRegressor, max_iter=5, hidden_layer_sizes=(8, 4)).fit(
                X, X[:, :2] * 100
            ),
            X,
        ),
        "conv": (fast(ConvClassifier, max_iter=1).fit(images, digits), images),
        "keras-classifier": (
            KerasClassifier(model=test_params._build_classifier, **keras_params).fit(
                X, labels
            ),
            X,
        ),
        "keras-regressor": (
            KerasRegressor(model=test_params._build_regressor, **keras_params).fit(
                X, X[:, 0] * 10
            ),
            X,
        ),
        "churn": (fast(ChurnPipeline, max_iter=3).fit(churn_X, churn_y), churn_X),
    }


def _outputs(est, X):
    out = [est.predict(X)]
    if hasattr(est, "predict_proba"):
        out.append(est.predict_proba(X))
    return out


def _build_name(est) -> list[str]:
    build = getattr(est, "model", None)
    return [f"{build.__module__}.{build.__name__}"] if callable(build) else []


@pytest.mark.parametrize(
    "case",
    [
        "binary",
        "multiclass-str",
        "multi-output",
        "conv",
        "keras-classifier",
        "keras-regressor",
        "churn",
    ],
)
def test_round_trip_predicts_bit_identically(fitted, case, tmp_path):
    est, X = fitted[case]
    path = tmp_path / "model.skops"
    skdl.save(est, path)
    loaded = skdl.load(path, trusted=_build_name(est))
    assert type(loaded) is type(est)
    for a, b in zip(_outputs(loaded, X), _outputs(est, X), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert loaded.get_params().keys() == est.get_params().keys()
    if hasattr(est, "history_"):
        assert loaded.history_ == est.history_


def test_file_is_skops_with_the_network_as_a_keras_archive(fitted, tmp_path):
    import skops.io

    est, X = fitted["binary"]
    path = tmp_path / "m.skops"
    skdl.save(est, path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read(persistence.MANIFEST))
        archives = [n for n in names if zipfile.is_zipfile(io.BytesIO(zf.read(n)))]
    assert {"schema.json", persistence.MANIFEST} <= names
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    assert len(archives) == 1  # the .keras archive, held as bytes
    assert manifest["format_version"] == persistence.FORMAT_VERSION
    assert set(manifest["versions"]) >= {"skdl", "skops", "keras", "sklearn", "numpy"}
    # A plain skops reader loads it too, trusting skdl's classes only.
    untrusted = skops.io.get_untrusted_types(file=path)
    assert all(name.startswith("skdl.") for name in untrusted)
    again = skops.io.load(path, trusted=untrusted)
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))


def test_skops_round_trip_of_a_pipeline_lists_only_skdl_types(tmp_path):
    import skops.io

    X = _X(80)
    pipe = make_pipeline(StandardScaler(), fast(MLPClassifier, max_iter=3))
    pipe.fit(X, X[:, 0] > 0)
    skops.io.dump(pipe, tmp_path / "p.skops")
    untrusted = skops.io.get_untrusted_types(file=tmp_path / "p.skops")
    assert untrusted and all(name.startswith("skdl.") for name in untrusted)
    again = skops.io.load(tmp_path / "p.skops", trusted=untrusted)
    np.testing.assert_array_equal(again.predict_proba(X), pipe.predict_proba(X))
    # skdl.load trusts skdl's classes without being told.
    np.testing.assert_array_equal(
        skdl.load(tmp_path / "p.skops").predict(X), pipe.predict(X)
    )


def test_loaded_estimator_keeps_training(fitted, tmp_path):
    est, X = fitted["multi-output"]
    y = X[:, :2] * 100
    skdl.save(est, tmp_path / "m.skops")
    loaded = skdl.load(tmp_path / "m.skops")
    reference = pickle.loads(pickle.dumps(est))
    loaded.partial_fit(X, y)
    reference.partial_fit(X, y)
    assert len(loaded.loss_curve_) == len(est.loss_curve_) + 1
    np.testing.assert_array_equal(loaded.predict(X), reference.predict(X))


def test_unfitted_round_trip(tmp_path):
    est = MLPClassifier((3, 2), alpha=0.5, class_weight={0: 1.0, 1: 3.0})
    skdl.save(est, tmp_path / "u.skops")
    loaded = skdl.load(tmp_path / "u.skops")
    assert loaded.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        loaded.predict(_X())


def test_learning_rate_schedule_round_trips_as_keras_config(tmp_path):
    import skops.io

    keras = import_keras()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, 10, 0.9)
    X = _X()
    est = fast(MLPRegressor, max_iter=3, solver="sgd", learning_rate=schedule)
    est.fit(X, X[:, 0])
    skdl.save(est, tmp_path / "s.skops")
    untrusted = skops.io.get_untrusted_types(file=tmp_path / "s.skops")
    assert all(name.startswith("skdl.") for name in untrusted)
    loaded = skdl.load(tmp_path / "s.skops")
    assert type(loaded.learning_rate) is type(schedule)
    assert loaded.learning_rate.get_config() == schedule.get_config()
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_callback_objects_are_refused_by_name_or_excluded(fitted, tmp_path):
    keras = import_keras()
    est, X = fitted["binary"]
    est = pickle.loads(pickle.dumps(est))
    est.set_params(callbacks=[keras.callbacks.TerminateOnNaN()])
    with pytest.raises(TypeError, match=r"parameter 'callbacks'.*exclude="):
        skdl.save(est, tmp_path / "c.skops")
    assert not (tmp_path / "c.skops").exists()
    skdl.save(est, tmp_path / "c.skops", exclude=["callbacks"])
    assert skdl.load(tmp_path / "c.skops").callbacks is None
    back = [keras.callbacks.TerminateOnNaN()]
    loaded = skdl.load(tmp_path / "c.skops", params={"callbacks": back})
    assert loaded.callbacks is back
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    with pytest.raises(ValueError, match=r"exclude=.*'nope'"):
        skdl.save(est, tmp_path / "c.skops", exclude=["nope"])
    with pytest.raises(ValueError, match=r"params=\['calbacks'\] names no parameter"):
        skdl.load(tmp_path / "c.skops", params={"calbacks": []})


def test_excluding_callbacks_also_leaves_out_the_fitted_copies(tmp_path):
    keras = import_keras()
    X = _X()
    est = fast(MLPClassifier, max_iter=3, callbacks=[keras.callbacks.TerminateOnNaN()])
    est.fit(X, X[:, 0] > 0)
    assert est.callbacks_
    skdl.save(est, tmp_path / "cb.skops", exclude="callbacks")
    loaded = skdl.load(tmp_path / "cb.skops")
    assert loaded.callbacks is None and not hasattr(loaded, "callbacks_")
    assert est.callbacks is not None  # the saved estimator is left as it was
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_unimportable_build_function_is_refused_at_save(tmp_path):
    X = _X()

    def local_build(meta):
        return test_params._build_classifier(meta)

    est = KerasClassifier(model=local_build, epochs=1, verbose=0, random_state=0)
    est.fit(X, X[:, 0] > 0)
    with pytest.raises(TypeError, match=r"parameter 'model'.*local_build.*imported"):
        skdl.save(est, tmp_path / "b.skops")


def test_failed_save_keeps_the_previous_file(fitted, tmp_path):
    keras = import_keras()
    est, X = fitted["binary"]
    path = tmp_path / "m.skops"
    skdl.save(est, path)
    bad = clone(est).set_params(callbacks=[keras.callbacks.TerminateOnNaN()])
    with pytest.raises(TypeError):
        skdl.save(bad, path)
    np.testing.assert_array_equal(skdl.load(path).predict(X), est.predict(X))
    assert [p.name for p in tmp_path.iterdir()] == ["m.skops"]


# -- loading never imports what the caller did not allow -------------------------
_USER_MODULE = """
import keras

def build(meta):
    return keras.Sequential([
        keras.Input((meta["n_features_in_"],)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
"""

_LOAD_SCRIPT = """
import sys, skdl
try:
    skdl.load(sys.argv[1])
except ValueError as exc:
    print("refused:", exc)
print("imported before trust:", "usernets" in sys.modules)
model = skdl.load(sys.argv[1], trusted=["usernets.build"])
print("loaded:", type(model).__name__, "usernets" in sys.modules)
"""


def test_loading_imports_a_user_module_only_when_trusted(tmp_path, monkeypatch):
    import importlib

    (tmp_path / "usernets.py").write_text(_USER_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "usernets", raising=False)
    usernets = importlib.import_module("usernets")
    X = _X(30, 3)
    est = KerasClassifier(model=usernets.build, epochs=1, verbose=0, random_state=0)
    path = tmp_path / "user.skops"
    skdl.save(est.fit(X, X[:, 0] > 0), path)
    # A fresh process sees the user's module on its path, but must not
    # import it until the caller trusts the function by name.
    env = {"PYTHONPATH": f"{ROOT}:{tmp_path}", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "neither skdl's nor trusted: ['usernets.build']" in lines[0]
    assert lines[1:] == ["imported before trust: False", "loaded: KerasClassifier True"]


# -- refusals --------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved_bytes(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "m.skops"
    skdl.save(fitted["binary"][0], path)
    return path.read_bytes()


def _members(payload: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rezip(path: Path, members: dict[str, bytes], fix_checksums=True) -> Path:
    import hashlib

    manifest = json.loads(members[persistence.MANIFEST])
    if fix_checksums:
        manifest["members"] = {
            k: hashlib.sha256(v).hexdigest()
            for k, v in members.items()
            if k != persistence.MANIFEST
        }
    members = {**members, persistence.MANIFEST: json.dumps(manifest).encode()}
    with zipfile.ZipFile(path, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return path


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_file_is_refused_clearly(saved_bytes, tmp_path, fraction):
    path = tmp_path / "cut.skops"
    path.write_bytes(saved_bytes[: int(len(saved_bytes) * fraction)])
    with pytest.raises(ValueError, match=r"cut\.skops.*(truncated|not an skdl file)"):
        skdl.load(path)


@given(position=st.floats(0.0, 0.999), flip=st.integers(1, 255))
@settings(max_examples=25, deadline=None)
def test_corrupted_byte_is_refused_clearly(
    saved_bytes, tmp_path_factory, position, flip
):
    data = bytearray(saved_bytes)
    data[int(position * len(data))] ^= flip
    path = tmp_path_factory.mktemp("flip") / "flip.skops"
    path.write_bytes(bytes(data))
    # A flip may land in bytes the zip reader never looks at (padding,
    # comments); then the file must still load whole. Otherwise: a ValueError
    # naming the file, never another exception.
    try:
        loaded = skdl.load(path)
    except ValueError as exc:
        assert "flip.skops" in str(exc)
    else:
        assert loaded.n_iter_ > 0


def test_foreign_files_are_refused(fitted, tmp_path):
    import joblib

    est, _ = fitted["binary"]
    joblib.dump(est, tmp_path / "m.joblib")
    with pytest.raises(ValueError, match=r"m\.joblib.*not an skdl file.*joblib"):
        skdl.load(tmp_path / "m.joblib")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match=r"other\.zip.*no schema\.json"):
        skdl.load(tmp_path / "other.zip")
    with pytest.raises(FileNotFoundError, match=r"missing\.skops"):
        skdl.load(tmp_path / "missing.skops")


def test_newer_format_version_says_upgrade(saved_bytes, tmp_path):
    members = _members(saved_bytes)
    manifest = json.loads(members[persistence.MANIFEST])
    manifest["format_version"] = persistence.FORMAT_VERSION + 1
    manifest["versions"]["skdl"] = "9.0.0"
    members[persistence.MANIFEST] = json.dumps(manifest).encode()
    path = _rezip(tmp_path / "new.skops", members)
    with pytest.raises(ValueError, match=r"skdl 9\.0\.0 in format version 3.*Upgrade"):
        skdl.load(path)


def test_edited_member_fails_its_checksum(saved_bytes, tmp_path):
    members = _members(saved_bytes)
    members["schema.json"] = members["schema.json"].replace(b'"n_iter_"', b'"x_"')
    path = _rezip(tmp_path / "edit.skops", members, fix_checksums=False)
    with pytest.raises(ValueError, match=r"'schema\.json' is corrupted"):
        skdl.load(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # A class of another module: refused by name, never imported.
        (('"skdl.mlp"', '"subprocess"'), r"\['subprocess\.MLPClassifier'\]"),
        # skdl's functions are not trusted like its classes.
        (('"MLPClassifier"', '"_keras_act"'), r"skdl\.mlp\._keras_act"),
        (("{", "["), "schema cannot be read"),
    ],
)
def test_tampered_content_is_refused(saved_bytes, tmp_path, edit, message):
    members = _members(saved_bytes)
    before = members["schema.json"]
    members["schema.json"] = before.replace(edit[0].encode(), edit[1].encode(), 1)
    assert members["schema.json"] != before
    path = _rezip(tmp_path / "t.skops", members)
    with pytest.raises(ValueError, match=r"t\.skops.*" + message):
        skdl.load(path)


def test_network_with_code_is_refused_by_safe_mode(fitted, tmp_path):
    keras = import_keras()
    marker = tmp_path / "ran"
    where = str(marker)
    inputs = keras.Input(shape=(4,))
    layer = keras.layers.Lambda(lambda x: (open(where, "w").close(), x)[1])
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(inputs)))
    marker.unlink()
    est = pickle.loads(pickle.dumps(fitted["binary"][0]))
    est.model_ = model  # a network whose file would carry code
    skdl.save(est, tmp_path / "lambda.skops")
    with pytest.raises(ValueError, match=r"lambda\.skops.*safe mode.*Lambda"):
        skdl.load(tmp_path / "lambda.skops")
    assert not marker.exists()


def test_importing_skdl_save_does_not_import_tensorflow():
    code = (
        "import sys, skdl; skdl.save; skdl.load; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


# -- files of the first safe format ------------------------------------------------
# The committed file's label encoder carries the scikit-learn version that
# wrote it, which warns under another version; this test checks the format.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.InconsistentVersionWarning")
def test_first_format_files_still_load_and_are_checked(tmp_path):
    skip_if_written_by_newer(COMPAT)
    payload = (COMPAT / "mlp_classifier_binary.skdl").read_bytes()
    members = _members(payload)
    assert "manifest.json" in members and "schema.json" not in members
    assert type(skdl.load(COMPAT / "mlp_classifier_binary.skdl")) is MLPClassifier
    members["state.json"] = members["state.json"].replace(b'"n_iter_"', b'"x_"')
    with zipfile.ZipFile(tmp_path / "old.skdl", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ValueError, match=r"old\.skdl.*'state\.json' is corrupted"):
        skdl.load(tmp_path / "old.skdl")
