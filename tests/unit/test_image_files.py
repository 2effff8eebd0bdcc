"""Images as files: load_image_folder, and estimators trained on file paths."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score

from skdl import ConvClassifier, KerasClassifier
from skdl._training import image_files
from skdl.backend import import_keras
from skdl.datasets import load_image_folder

TINY = dict(
    filters=(4,),
    dense_layer_sizes=(),
    max_iter=2,
    batch_size=16,
    learning_rate_init=0.01,
    random_state=0,
)


def tiny(**overrides) -> ConvClassifier:
    return ConvClassifier(**{**TINY, **overrides})


def write_digits(root, n=60, side=12, classes=(0, 1, 2)):
    """``n`` real digits as RGB PNGs of ``side`` pixels, one folder per class."""
    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, classes)
    X, y = X[keep][:n], y[keep][:n]
    for i, (pixels, label) in enumerate(zip(X, y, strict=True)):
        folder = root / f"digit{label}"
        folder.mkdir(exist_ok=True)
        img = Image.fromarray((pixels.reshape(8, 8) * 255 / 16).astype(np.uint8))
        img.convert("RGB").resize((side, side)).save(folder / f"{i:04d}.png")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_digits(tmp_path_factory.mktemp("digits"))


@pytest.fixture(scope="module")
def data(folder):
    paths, labels, _ = load_image_folder(folder)
    return paths, labels


@pytest.fixture(scope="module")
def fitted(data):
    paths, labels = data
    return tiny().fit(paths, labels)


# -- load_image_folder -------------------------------------------------------------
def test_folder_lists_sorted_classes_and_their_images(tmp_path):
    for name, files in {"dog": ["b.PNG", "a.jpg"], "cat": ["x.bmp"]}.items():
        (tmp_path / name / "sub").mkdir(parents=True)
        for f in files:
            Image.new("RGB", (4, 4)).save(tmp_path / name / f, format="PNG")
        (tmp_path / name / "notes.txt").write_text("not an image")
    Image.new("L", (4, 4)).save(tmp_path / "dog" / "sub" / "c.gif")
    paths, labels, classes = load_image_folder(tmp_path)
    assert classes == ["cat", "dog"]
    names = [p.split("/")[-1] for p in paths]
    assert names == ["x.bmp", "a.jpg", "b.PNG", "c.gif"]
    assert labels.tolist() == [0, 1, 1, 1]


def test_folder_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_image_folder(tmp_path / "absent")
    with pytest.raises(ValueError, match="no subfolders"):
        load_image_folder(tmp_path)
    (tmp_path / "cat").mkdir()
    with pytest.raises(ValueError, match=r"cat.*holds no image"):
        load_image_folder(tmp_path)
    (tmp_path / "cat" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match=r"broken\.png.*not a readable image"):
        load_image_folder(tmp_path)
    paths, _, _ = load_image_folder(tmp_path, check_files=False)
    assert len(paths) == 1


# -- training and predicting on paths ------------------------------------------------
def test_paths_train_through_the_streaming_engine(data, fitted):
    paths, labels = data
    assert fitted.fit_engine_ == ("keras", "images streamed from files")
    assert fitted.input_shape_ == (12, 12, 3)
    assert fitted.image_size_ == (12, 12)
    assert fitted.n_features_in_ == 12 * 12 * 3
    assert fitted.meta_["X_shape_"] == (len(paths), 12, 12, 3)
    assert len(fitted.history_["loss"]) == 2
    assert set(fitted.predict(paths)) <= set(labels)


def test_predicting_paths_equals_predicting_the_decoded_images(data, fitted):
    paths, _ = data
    pixels = np.stack([np.asarray(Image.open(p).convert("RGB")) for p in paths])
    np.testing.assert_allclose(
        fitted.predict_proba(paths), fitted.predict_proba(pixels), rtol=1e-5
    )


def test_image_size_resizes_and_grayscale_keeps_one_channel(data):
    paths, labels = data
    clf = tiny(image_size=8, color_mode="grayscale", max_iter=1).fit(paths, labels)
    assert clf.input_shape_ == (8, 8, 1)
    assert clf.predict_proba(paths[:3]).shape == (3, 3)


def test_early_stopping_holds_out_paths(data):
    paths, labels = data
    clf = tiny(early_stopping=True, validation_fraction=0.2).fit(paths, labels)
    assert len(clf.history_["val_score"]) == 2
    assert 0.0 <= clf.history_["val_score"][-1] <= 1.0


def test_a_corrupt_file_at_predict_time_is_named(data, fitted, tmp_path):
    paths, _ = data
    bad = tmp_path / "corrupt.png"
    bad.write_bytes(b"\x89PNG garbage")
    with pytest.raises(ValueError, match=r"corrupt\.png"):
        fitted.predict([paths[0], str(bad)])


def test_wrong_combinations_are_refused(data, fitted):
    paths, labels = data
    with pytest.raises(ValueError, match="image_shape"):
        tiny(image_shape=(12, 12)).fit(paths, labels)
    with pytest.raises(ValueError, match="image_size"):
        tiny(image_size=(12, 0)).fit(paths, labels)
    X, y = load_digits(return_X_y=True)
    on_arrays = tiny(max_iter=1).fit(X[:50].reshape(-1, 8, 8, 1) / 16, y[:50])
    with pytest.raises(ValueError, match="fitted on arrays"):
        on_arrays.predict(paths[:2])


def test_cache_decodes_each_file_once(data, monkeypatch):
    paths, labels = data
    calls = []
    real = image_files.decode_image

    def counting(path, size, mode):
        calls.append(path)
        return real(path, size, mode)

    monkeypatch.setattr(image_files, "decode_image", counting)
    tiny(max_iter=3, image_cache=True).fit(paths, labels)
    assert sorted(calls) == sorted(paths)
    calls.clear()
    tiny(max_iter=3).fit(paths, labels)
    # Every epoch decodes again (Keras may read a first batch once more).
    assert len(calls) >= 3 * len(paths)


def test_few_batches_are_decoded_ahead_of_training(data, monkeypatch):
    """Memory stays bounded: decoding runs at most a few batches ahead."""
    keras = import_keras()
    paths, labels = data
    trained, ahead = [0], []
    real = image_files.ImageFiles.decode

    def spying(files, threads=None):
        if len(files) <= TINY["batch_size"]:  # one training batch
            ahead.append(len(ahead) - trained[0])
        return real(files, threads)

    class Steps(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            trained[0] += 1

    monkeypatch.setattr(image_files.ImageFiles, "decode", spying)
    many = np.concatenate([paths] * 8)  # 30 batches
    tiny(max_iter=1, callbacks=[Steps()]).fit(many, np.concatenate([labels] * 8))
    workers = image_files.default_workers()
    assert len(ahead) >= len(many) // TINY["batch_size"]
    # Keras' queue holds 2 * workers batches; Keras itself holds a few more
    # (its first look at the data, the JAX trainer's device prefetch, the
    # step in flight). Decoding everything first would reach 30.
    assert max(ahead) <= 2 * workers + 6


def test_paths_work_in_cross_validation_and_grid_search(data):
    paths, labels = data
    scores = cross_val_score(tiny(max_iter=1), list(paths), labels, cv=2)
    assert scores.shape == (2,)
    grid = {"filters": [(2,), (4,)]}
    search = GridSearchCV(tiny(max_iter=1), grid, cv=2, refit=False)
    search.fit(paths, labels)
    assert search.cv_results_["mean_test_score"].shape == (2,)


def test_a_build_function_sees_the_decoded_shape(data):
    keras = import_keras()
    paths, labels = data
    seen = {}

    def build(meta):
        seen["shape"] = meta["X_shape_"]
        return keras.Sequential(
            [
                keras.Input(meta["X_shape_"][1:]),
                keras.layers.Flatten(),
                keras.layers.Dense(meta["n_classes_"], activation="softmax"),
            ]
        )

    clf = KerasClassifier(build, image_size=(6, 6), epochs=1, random_state=0)
    clf.fit(paths, labels)
    assert seen["shape"] == (len(paths), 6, 6, 3)
    assert clf.fit_engine_[1] == "images streamed from files"
    assert clf.predict(paths[:4]).shape == (4,)
    with pytest.raises(ValueError, match="fitted on image file paths"):
        clf.predict(np.zeros((2, 6, 6, 3)))


def test_a_model_fitted_on_files_saves_and_predicts_paths(data, fitted, tmp_path):
    import pickle

    import skdl

    paths, _ = data
    expected = fitted.predict_proba(paths[:8])
    skdl.save(fitted, tmp_path / "model.skops")
    for loaded in (
        skdl.load(tmp_path / "model.skops"),
        pickle.loads(pickle.dumps(fitted)),
    ):
        assert loaded.image_size_ == (12, 12)
        np.testing.assert_allclose(loaded.predict_proba(paths[:8]), expected, rtol=1e-5)
