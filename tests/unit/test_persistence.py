"""skdl.save / skdl.load: bit-identical round trips and clear refusals."""

from __future__ import annotations

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
from hypothesis.extra import numpy as hnp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import skdl
from skdl import MLPClassifier, MLPRegressor, _codec, persistence
from skdl.backend import import_keras
from tests.params import fast

ROOT = Path(__file__).resolve().parents[2]


def _X(n=50, d=4, seed=0):
    return np.random.RandomState(seed).normal(size=(n, d))


@pytest.fixture(scope="module")
def fitted():
    """A few fitted estimators, trained once for the whole module."""
    X = _X()
    labels = np.array(["cat", "dog", "eel"])[
        (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    ]
    frame = pd.DataFrame(X, columns=["age", "income", "tenure", "score"])
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
    }


def _outputs(est, X):
    out = [est.predict(X)]
    if hasattr(est, "predict_proba"):
        out.append(est.predict_proba(X))
    return out


@pytest.mark.parametrize("case", ["binary", "multiclass-str", "multi-output"])
def test_round_trip_predicts_bit_identically(fitted, case, tmp_path):
    est, X = fitted[case]
    path = tmp_path / "model.skdl"
    skdl.save(est, path)
    loaded = skdl.load(path)
    assert type(loaded) is type(est)
    for a, b in zip(_outputs(loaded, X), _outputs(est, X), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert loaded.get_params() == est.get_params()
    assert loaded.n_iter_ == est.n_iter_
    assert loaded.history_ == est.history_
    if hasattr(est, "feature_names_in_"):
        np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)


def test_members_are_json_and_keras_only(fitted, tmp_path):
    est, _ = fitted["binary"]
    path = tmp_path / "m.skdl"
    skdl.save(est, path)
    with zipfile.ZipFile(path) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        assert zipfile.is_zipfile(zf.open("model.keras"))
    assert names == ["manifest.json", "model.keras", "params.json", "state.json"]
    assert manifest["format_version"] == persistence.FORMAT_VERSION
    assert manifest["estimator"] == "skdl.MLPClassifier"
    assert set(manifest["versions"]) >= {"skdl", "keras", "sklearn", "numpy"}


def test_loaded_estimator_keeps_training(fitted, tmp_path):
    est, X = fitted["multi-output"]
    y = X[:, :2] * 100
    skdl.save(est, tmp_path / "m.skdl")
    loaded = skdl.load(tmp_path / "m.skdl")
    reference = pickle.loads(pickle.dumps(est))
    loaded.partial_fit(X, y)
    reference.partial_fit(X, y)
    assert len(loaded.loss_curve_) == len(est.loss_curve_) + 1
    np.testing.assert_array_equal(loaded.predict(X), reference.predict(X))


def test_unfitted_round_trip(tmp_path):
    est = MLPClassifier((3, 2), alpha=0.5, class_weight={0: 1.0, 1: 3.0})
    skdl.save(est, tmp_path / "u.skdl")
    loaded = skdl.load(tmp_path / "u.skdl")
    assert loaded.get_params() == est.get_params()
    assert loaded.class_weight == {0: 1.0, 1: 3.0}
    with pytest.raises(NotFittedError):
        loaded.predict(_X())


def test_learning_rate_schedule_round_trips(tmp_path):
    keras = import_keras()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, 10, 0.9)
    X = _X()
    est = fast(MLPRegressor, max_iter=3, solver="sgd", learning_rate=schedule)
    est.fit(X, X[:, 0])
    skdl.save(est, tmp_path / "s.skdl")
    loaded = skdl.load(tmp_path / "s.skdl")
    assert loaded.learning_rate.get_config() == schedule.get_config()
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_callback_objects_are_refused_by_name_or_excluded(fitted, tmp_path):
    keras = import_keras()
    est, X = fitted["binary"]
    est = pickle.loads(pickle.dumps(est))
    est.set_params(callbacks=[keras.callbacks.TerminateOnNaN()])
    with pytest.raises(TypeError, match=r"parameter 'callbacks'.*exclude="):
        skdl.save(est, tmp_path / "c.skdl")
    assert not (tmp_path / "c.skdl").exists()
    skdl.save(est, tmp_path / "c.skdl", exclude=["callbacks"])
    assert skdl.load(tmp_path / "c.skdl").callbacks is None
    back = [keras.callbacks.TerminateOnNaN()]
    loaded = skdl.load(tmp_path / "c.skdl", params={"callbacks": back})
    assert loaded.callbacks is back
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    with pytest.raises(ValueError, match=r"exclude=.*'nope'"):
        skdl.save(est, tmp_path / "c.skdl", exclude=["nope"])


def test_classes_outside_the_allow_list_are_refused(tmp_path):
    class MyMLP(MLPClassifier):
        pass

    with pytest.raises(TypeError, match=r"MyMLP.*joblib"):
        skdl.save(MyMLP(), tmp_path / "x.skdl")
    with pytest.raises(TypeError, match="StandardScaler"):
        from sklearn.preprocessing import StandardScaler

        skdl.save(StandardScaler(), tmp_path / "x.skdl")


def test_failed_save_keeps_the_previous_file(fitted, tmp_path):
    keras = import_keras()
    est, X = fitted["binary"]
    path = tmp_path / "m.skdl"
    skdl.save(est, path)
    bad = clone(est).set_params(callbacks=[keras.callbacks.TerminateOnNaN()])
    with pytest.raises(TypeError):
        skdl.save(bad, path)
    np.testing.assert_array_equal(skdl.load(path).predict(X), est.predict(X))
    assert [p.name for p in tmp_path.iterdir()] == ["m.skdl"]


# -- refusals --------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved_bytes(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "m.skdl"
    skdl.save(fitted["binary"][0], path)
    return path.read_bytes()


def _members(payload: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rezip(path: Path, members: dict[str, bytes], fix_checksums=True) -> Path:
    import hashlib

    manifest = json.loads(members["manifest.json"])
    if fix_checksums:
        manifest["members"] = {
            k: hashlib.sha256(v).hexdigest()
            for k, v in members.items()
            if k != "manifest.json"
        }
    members = {**members, "manifest.json": json.dumps(manifest).encode()}
    with zipfile.ZipFile(path, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return path


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_file_is_refused_clearly(saved_bytes, tmp_path, fraction):
    path = tmp_path / "cut.skdl"
    path.write_bytes(saved_bytes[: int(len(saved_bytes) * fraction)])
    with pytest.raises(ValueError, match=r"cut\.skdl.*(truncated|not an skdl file)"):
        skdl.load(path)


@given(position=st.floats(0.0, 0.999), flip=st.integers(1, 255))
@settings(max_examples=25, deadline=None)
def test_corrupted_byte_is_refused_clearly(
    saved_bytes, tmp_path_factory, position, flip
):
    data = bytearray(saved_bytes)
    i = int(position * len(data))
    data[i] ^= flip
    path = tmp_path_factory.mktemp("flip") / "flip.skdl"
    path.write_bytes(bytes(data))
    # A flip may land in bytes the zip reader never looks at (padding,
    # comments); then the file must still load whole. Otherwise: a ValueError
    # naming the file, never another exception.
    try:
        loaded = skdl.load(path)
    except ValueError as exc:
        assert "flip.skdl" in str(exc)
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
    with pytest.raises(ValueError, match=r"other\.zip.*no manifest\.json"):
        skdl.load(tmp_path / "other.zip")
    with pytest.raises(FileNotFoundError, match=r"missing\.skdl"):
        skdl.load(tmp_path / "missing.skdl")


def test_newer_format_version_says_upgrade(saved_bytes, tmp_path):
    members = _members(saved_bytes)
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = persistence.FORMAT_VERSION + 1
    manifest["versions"]["skdl"] = "9.0.0"
    members["manifest.json"] = json.dumps(manifest).encode()
    path = _rezip(tmp_path / "new.skdl", members)
    with pytest.raises(ValueError, match=r"skdl 9\.0\.0 in format version 2.*Upgrade"):
        skdl.load(path)


def test_edited_member_fails_its_checksum(saved_bytes, tmp_path):
    members = _members(saved_bytes)
    members["state.json"] = members["state.json"].replace(b'"n_iter_": 5', b"")
    path = _rezip(tmp_path / "edit.skdl", members, fix_checksums=False)
    with pytest.raises(ValueError, match=r"'state\.json' is corrupted"):
        skdl.load(path)


@pytest.mark.parametrize(
    ("member", "edit", "message"),
    [
        ("manifest.json", ("skdl.MLPClassifier", "os.system"), "class 'os.system'"),
        ("manifest.json", ("skdl-estimator", "other"), "not an skdl file"),
        (
            "state.json",
            ("skdl.preprocessing.ClassifierTargetEncoder", "builtins.eval"),
            "class 'builtins.eval'",
        ),
        ("state.json", ('"__tuple__"', '"__reduce__"'), "unknown tag '__reduce__'"),
        ("state.json", ('"<f8"', '"V8"'), "dtype 'V8' is not allowed"),
        ("params.json", ('"alpha"', '"alpha_x"'), "alpha_x"),
        ("params.json", ("{", "["), "params.json is not valid JSON"),
    ],
)
def test_tampered_content_is_refused(saved_bytes, tmp_path, member, edit, message):
    members = _members(saved_bytes)
    before = members[member]
    members[member] = before.replace(edit[0].encode(), edit[1].encode(), 1)
    assert members[member] != before
    path = _rezip(tmp_path / "t.skdl", members)
    with pytest.raises(ValueError, match=message):
        skdl.load(path)


def test_network_with_code_is_refused_by_safe_mode(saved_bytes, tmp_path):
    from skdl.base import model_to_bytes

    keras = import_keras()
    marker = tmp_path / "ran"
    where = str(marker)
    inputs = keras.Input(shape=(4,))
    layer = keras.layers.Lambda(lambda x: (open(where, "w").close(), x)[1])
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(inputs)))
    marker.unlink()
    members = _members(saved_bytes)
    members["model.keras"] = model_to_bytes(model)
    path = _rezip(tmp_path / "lambda.skdl", members)
    with pytest.raises(ValueError, match=r"lambda\.skdl.*safe mode.*Lambda"):
        skdl.load(path)
    assert not marker.exists()


def test_pickle_inside_a_file_is_never_unpickled(saved_bytes, tmp_path):
    class Boom:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "boom",))

    members = _members(saved_bytes)
    members["state.json"] = pickle.dumps(Boom())
    path = _rezip(tmp_path / "p.skdl", members)
    with pytest.raises(ValueError, match=r"state\.json is not valid JSON"):
        skdl.load(path)
    assert not (tmp_path / "boom").exists()


# -- the codec over arbitrary values ---------------------------------------------
_dtypes = st.sampled_from(["<f4", "<f8", "<i4", "<i8", "|b1", "<U3", "|u1", "<c16"])
_arrays = _dtypes.flatmap(
    lambda dt: hnp.arrays(np.dtype(dt), hnp.array_shapes(min_dims=0, max_dims=3))
)
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=5)
    | _arrays
    | _arrays.map(lambda a: a.reshape(-1)[0] if a.size else np.float32(1.5))
)
_values = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.integers() | st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, np.generic):
        return type(a) is type(b) and a.tobytes() == b.tobytes()
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    if isinstance(a, list | tuple):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict):
        return (
            type(b) is dict
            and a.keys() == b.keys()
            and all(_same(a[k], b[k]) for k in a)
        )
    return type(a) is type(b) and a == b


@given(value=_values)
@settings(max_examples=25, deadline=None)
def test_codec_round_trips_exactly(value):
    writer = _codec.Writer("test", {})
    doc = json.loads(json.dumps(writer.encode(value, "value"), allow_nan=False))
    back = _codec.Reader(writer.blobs, {}).decode(doc)
    assert _same(value, back)


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


def test_exclude_accepts_one_name_and_load_checks_param_names(fitted, tmp_path):
    keras = import_keras()
    est = clone(fitted["binary"][0]).set_params(
        callbacks=[keras.callbacks.TerminateOnNaN()]
    )
    skdl.save(est, tmp_path / "e.skdl", exclude="callbacks")
    with pytest.raises(ValueError, match=r"params=\['calbacks'\] names no parameter"):
        skdl.load(tmp_path / "e.skdl", params={"calbacks": []})


def test_deeply_nested_json_is_refused(saved_bytes, tmp_path):
    members = _members(saved_bytes)
    deep = b'{"__tuple__": [' * 5000 + b"1" + b"]}" * 5000
    members["params.json"] = b'{"alpha": ' + deep + b"}"
    path = _rezip(tmp_path / "deep.skdl", members)
    with pytest.raises(ValueError, match=r"deep\.skdl.*(nested too deeply|JSON)"):
        skdl.load(path)


def test_excluding_callbacks_also_leaves_out_the_fitted_copies(tmp_path):
    keras = import_keras()
    X = _X()
    est = fast(MLPClassifier, max_iter=3, callbacks=[keras.callbacks.TerminateOnNaN()])
    est.fit(X, X[:, 0] > 0)
    assert est.callbacks_
    skdl.save(est, tmp_path / "cb.skdl", exclude=["callbacks"])
    loaded = skdl.load(tmp_path / "cb.skdl")
    assert loaded.callbacks is None
    assert not hasattr(loaded, "callbacks_")
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_churn_pipeline_round_trips(tmp_path):
    from skdl import ChurnPipeline
    from skdl.datasets import make_churn

    churn = make_churn(n_samples=150, random_state=1)
    X = churn.drop(columns=["Exited"])
    est = ChurnPipeline(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    est.fit(X, churn["Exited"])
    skdl.save(est, tmp_path / "churn.skdl")
    loaded = skdl.load(tmp_path / "churn.skdl")
    assert type(loaded) is ChurnPipeline
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    one = X.iloc[0].to_dict()
    np.testing.assert_array_equal(loaded.predict(one), est.predict(one))
