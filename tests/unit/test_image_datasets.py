"""Offline image loaders: MNIST .npz and CIFAR-10 python batches."""

from __future__ import annotations

import pickle
import tarfile

import numpy as np
import pytest

from skdl.datasets import load_cifar10, load_mnist
from tests.conftest import shared_file


# -- MNIST -----------------------------------------------------------------------
def _write_mnist(path, n_train=6, n_test=4, **replace):
    rng = np.random.RandomState(0)
    arrays = {
        "x_train": rng.randint(0, 256, size=(n_train, 28, 28)).astype(np.uint8),
        "y_train": rng.randint(0, 10, size=n_train).astype(np.uint8),
        "x_test": rng.randint(0, 256, size=(n_test, 28, 28)).astype(np.uint8),
        "y_test": rng.randint(0, 10, size=n_test).astype(np.uint8),
    }
    arrays.update(replace)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return arrays


def test_load_mnist_reads_the_keras_layout(tmp_path):
    path = tmp_path / "mnist.npz"
    arrays = _write_mnist(path)
    (X_train, y_train), (X_test, y_test) = load_mnist(path)
    np.testing.assert_array_equal(X_train, arrays["x_train"])
    np.testing.assert_array_equal(X_test, arrays["x_test"])
    np.testing.assert_array_equal(y_train, arrays["y_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert X_train.dtype == np.uint8 and y_train.dtype == np.int64
    assert load_mnist(str(path))[1][0].shape == (4, 28, 28)  # str paths too


def test_load_mnist_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="never downloads"):
        load_mnist(tmp_path / "absent.npz")
    with pytest.raises(ValueError, match="is a folder"):
        load_mnist(tmp_path)
    _write_mnist(tmp_path / "no_test.npz", y_test=None)
    with pytest.raises(ValueError, match=r"lacks the arrays \['y_test'\]"):
        load_mnist(tmp_path / "no_test.npz")
    (tmp_path / "text.npz").write_text("not an archive")
    with pytest.raises(ValueError, match=r"not a readable \.npz"):
        load_mnist(tmp_path / "text.npz")
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(ValueError, match="holds a single array"):
        load_mnist(tmp_path / "single.npy")
    _write_mnist(tmp_path / "short.npz", y_train=np.zeros(5, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"x_train must be.*\(6, 28, 28\) and \(5,\)"):
        load_mnist(tmp_path / "short.npz")


def test_load_mnist_on_the_real_file():
    (X_train, y_train), (X_test, y_test) = load_mnist(shared_file("mnist.npz"))
    assert X_train.shape == (60000, 28, 28) and X_test.shape == (10000, 28, 28)
    assert X_train.dtype == np.uint8 and int(X_train.max()) == 255
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert sorted(np.unique(y_train).tolist()) == list(range(10))
    # Published MNIST class counts of the test set.
    assert np.bincount(y_test).tolist() == [
        980,
        1135,
        1032,
        1010,
        982,
        892,
        958,
        1028,
        974,
        1009,
    ]


# -- CIFAR-10 --------------------------------------------------------------------------
_NAMES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]


def _batch(seed: int, n: int = 3) -> dict:
    rng = np.random.RandomState(seed)
    return {
        b"batch_label": b"batch %d" % seed,
        b"labels": rng.randint(0, 10, size=n).tolist(),
        b"data": rng.randint(0, 256, size=(n, 3072)).astype(np.uint8),
        b"filenames": [b"img%d.png" % i for i in range(n)],
    }


def _write_cifar(folder, old_numpy_names: bool = False, protocol: int = 3) -> dict:
    """The six batches, pickled so that they load as the originals do."""
    folder.mkdir(parents=True, exist_ok=True)
    batches = {name: _batch(i) for i, name in enumerate(_NAMES)}
    for name, batch in batches.items():
        payload = pickle.dumps(batch, protocol=protocol)
        if old_numpy_names:  # the distributed files name NumPy 1's modules
            payload = payload.replace(b"numpy._core.", b"numpy.core.")
            assert b"numpy.core.multiarray" in payload
        (folder / name).write_bytes(payload)
    return batches


@pytest.mark.parametrize(
    ("old_numpy_names", "protocol"), [(False, 3), (True, 3), (True, 2), (False, 5)]
)
def test_load_cifar10_reads_the_python_batches(tmp_path, old_numpy_names, protocol):
    folder = tmp_path / "cifar-10-batches-py"
    batches = _write_cifar(folder, old_numpy_names, protocol)
    (X_train, y_train), (X_test, y_test) = load_cifar10(folder)
    assert X_train.shape == (15, 32, 32, 3) and X_test.shape == (3, 32, 32, 3)
    assert X_train.dtype == np.uint8 and y_train.shape == (15,)
    expected = np.concatenate([batches[n][b"labels"] for n in _NAMES[:5]])
    np.testing.assert_array_equal(y_train, expected)
    np.testing.assert_array_equal(y_test, batches["test_batch"][b"labels"])
    # Each row holds the red, green then blue plane, each row-major 32x32.
    row = batches["test_batch"][b"data"][1]
    for channel in range(3):
        plane = row[channel * 1024 : (channel + 1) * 1024].reshape(32, 32)
        np.testing.assert_array_equal(X_test[1, :, :, channel], plane)


def test_load_cifar10_from_parent_folder_and_archive(tmp_path):
    folder = tmp_path / "data" / "cifar-10-batches-py"
    _write_cifar(folder)
    (X_train, _), (X_test, y_test) = load_cifar10(tmp_path / "data")
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")
    (X_train2, _), (X_test2, y_test2) = load_cifar10(archive)
    np.testing.assert_array_equal(X_train2, X_train)
    np.testing.assert_array_equal(X_test2, X_test)
    np.testing.assert_array_equal(y_test2, y_test)


def test_load_cifar10_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="never downloads"):
        load_cifar10(tmp_path / "absent")
    folder = tmp_path / "cifar"
    _write_cifar(folder)
    (folder / "data_batch_3").unlink()
    with pytest.raises(FileNotFoundError, match=r"\['data_batch_3'\] not found"):
        load_cifar10(folder)
    (tmp_path / "junk.tar.gz").write_bytes(b"not a tar archive")
    with pytest.raises(ValueError, match="neither a folder"):
        load_cifar10(tmp_path / "junk.tar.gz")


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        (pickle.dumps([1, 2, 3], protocol=2), "is not a dict"),
        (pickle.dumps({b"labels": [1]}, protocol=2), "lacks 'data' or 'labels'"),
        (
            pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"labels": [1, 2]}),
            r"expected data of shape \(n, 3072\)",
        ),
        (b"garbage", "could not be read"),
    ],
)
def test_load_cifar10_rejects_malformed_batches(tmp_path, payload, match):
    folder = tmp_path / "cifar"
    _write_cifar(folder)
    (folder / "test_batch").write_bytes(payload)
    with pytest.raises(ValueError, match=match):
        load_cifar10(folder)


class _Exploit:
    """Unpickling this would run a shell command if the loader allowed it."""

    def __reduce__(self):
        import os

        return (os.system, ("echo unsafe",))


def test_load_cifar10_refuses_code_in_pickles(tmp_path):
    folder = tmp_path / "cifar"
    _write_cifar(folder)
    (folder / "data_batch_1").write_bytes(pickle.dumps({b"data": _Exploit()}))
    with pytest.raises(ValueError, match=r"refusing to load (posix|os|nt)\.system"):
        load_cifar10(folder)
