"""Readers for image datasets the user already has on disk (nothing downloads).

* :func:`load_mnist`: Keras' ``mnist.npz`` (``x_train``, ``y_train``,
  ``x_test``, ``y_test``);
* :func:`load_cifar10`: the CIFAR-10 "python version" batches, as the
  ``cifar-10-batches-py`` folder or the ``cifar-10-python.tar.gz`` archive.

Both return ``(X_train, y_train), (X_test, y_test)`` like
``keras.datasets``, with ``uint8`` images in ``(n, height, width[,
channels])`` layout and labels as 1-D integer arrays.
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["load_cifar10", "load_mnist"]

_MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")
_CIFAR_TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
_CIFAR_TEST = "test_batch"
_CIFAR_SIDE = 32


def _existing(path: str | os.PathLike, what: str) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(
            f"{what} not found at {str(path)!r}. skdl never downloads data: "
            "pass the path of a copy you already have."
        )
    return path


def load_mnist(
    path: str | os.PathLike,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST handwritten digits from a local ``mnist.npz`` file.

    The file has Keras' layout: arrays ``x_train`` (60000, 28, 28) and
    ``x_test`` (10000, 28, 28) of ``uint8`` pixels, and labels ``y_train``
    and ``y_test``. It is read with ``allow_pickle=False``.

    Parameters
    ----------
    path : str or path-like
        Path of the ``.npz`` file.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuples of ndarray
        Images of shape ``(n, 28, 28)`` (as stored, usually ``uint8``) and
        integer labels of shape ``(n,)``.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When the file is not an ``.npz`` archive with the four arrays above,
        or their lengths disagree.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.datasets import load_mnist
    >>> (X_train, y_train), (X_test, y_test) = load_mnist("mnist.npz")  # doctest: +SKIP
    >>> X_train.shape, X_train.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    """
    path = _existing(path, "MNIST file")
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder; pass the path of mnist.npz.")
    try:
        data = np.load(path, allow_pickle=False)
        if not hasattr(data, "files"):
            raise ValueError("it holds a single array")
        with data:
            arrays = {k: np.asarray(data[k]) for k in data.files if k in _MNIST_KEYS}
            found = list(data.files)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(
            f"{str(path)!r} is not a readable .npz archive ({exc}); expected "
            "Keras' mnist.npz layout."
        ) from exc
    missing = [k for k in _MNIST_KEYS if k not in arrays]
    if missing:
        raise ValueError(
            f"{str(path)!r} lacks the arrays {missing}; an MNIST .npz holds "
            f"{list(_MNIST_KEYS)} (found {found})."
        )
    train = _images_and_labels(arrays["x_train"], arrays["y_train"], "train", path)
    test = _images_and_labels(arrays["x_test"], arrays["y_test"], "test", path)
    return train, test


def _images_and_labels(x, y, part: str, path: Path):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if x.ndim != 3 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise ValueError(
            f"{str(path)!r}: x_{part} must be (n, height, width) images and "
            f"y_{part} n labels; got shapes {x.shape} and {y.shape}."
        )
    return x, y.astype(np.int64)


def load_cifar10(
    path: str | os.PathLike,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-10 photographs from the local "python version" batches.

    Reads the folder ``cifar-10-batches-py`` (or the folder that contains
    it), or the ``cifar-10-python.tar.gz`` archive as distributed, with the
    batches ``data_batch_1`` ... ``data_batch_5`` and ``test_batch``. Each
    batch is a pickled dict whose ``b'data'`` is an ``(n, 3072)`` uint8 array
    (the red, green then blue 32x32 planes of each image) and ``b'labels'``
    a list of ints in 0..9. The batches are unpickled with a restricted
    unpickler that only rebuilds NumPy arrays and plain containers, so a
    tampered file cannot run code.

    Parameters
    ----------
    path : str or path-like
        The batches folder, its parent folder, or the ``.tar.gz`` archive.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuples of ndarray
        ``uint8`` images of shape ``(n, 32, 32, 3)`` (channels last, as
        Keras' layers expect) and integer labels of shape ``(n,)`` (Keras'
        own loader returns ``(n, 1)``). 50000 training and 10000 test images
        in the full dataset.

    Raises
    ------
    FileNotFoundError
        When ``path`` or one of the six batches does not exist.
    ValueError
        When a batch is not a CIFAR-10 batch.

    Examples
    --------
    >>> from skdl.datasets import load_cifar10
    >>> (X_train, y_train), (X_test, y_test) = load_cifar10(
    ...     "cifar-10-python.tar.gz"
    ... )  # doctest: +SKIP
    >>> X_train.shape  # doctest: +SKIP
    (50000, 32, 32, 3)
    """
    path = _existing(path, "CIFAR-10 data")
    names = (*_CIFAR_TRAIN, _CIFAR_TEST)
    if path.is_dir():
        raw = _read_cifar_folder(path, names)
    else:
        raw = _read_cifar_archive(path, names)
    batches = {name: _parse_cifar_batch(raw[name], name) for name in names}
    X_train = np.concatenate([batches[n][0] for n in _CIFAR_TRAIN])
    y_train = np.concatenate([batches[n][1] for n in _CIFAR_TRAIN])
    return (X_train, y_train), batches[_CIFAR_TEST]


def _read_cifar_folder(path: Path, names) -> dict[str, bytes]:
    folder = path
    if not (folder / names[0]).exists() and (path / "cifar-10-batches-py").is_dir():
        folder = path / "cifar-10-batches-py"
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(
            f"CIFAR-10 batches {missing} not found in {str(folder)!r}; the "
            f"folder must hold {list(names)} (the 'python version' files)."
        )
    return {n: (folder / n).read_bytes() for n in names}


def _read_cifar_archive(path: Path, names) -> dict[str, bytes]:
    try:
        with tarfile.open(path, "r:*") as tar:
            found = {
                Path(m.name).name: m
                for m in tar.getmembers()
                if m.isfile() and Path(m.name).name in names
            }
            missing = [n for n in names if n not in found]
            if missing:
                raise FileNotFoundError(
                    f"CIFAR-10 batches {missing} not found in the archive "
                    f"{str(path)!r}; expected the 'python version' archive "
                    "(cifar-10-python.tar.gz)."
                )
            return {n: tar.extractfile(found[n]).read() for n in names}
    except tarfile.TarError as exc:
        raise ValueError(
            f"{str(path)!r} is neither a folder of CIFAR-10 batches nor a "
            f"readable .tar.gz archive of them ({exc})."
        ) from exc


_NUMPY_CORE = (
    "numpy._core." if int(np.__version__.split(".")[0]) >= 2 else "numpy.core."
)


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickle NumPy arrays and plain containers; refuse anything else."""

    _ALLOWED = {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        # Python 3's protocol-2 pickles store bytes as encoded text.
        ("_codecs", "encode"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: CIFAR-10 batches hold only "
                "NumPy arrays, lists and dicts."
            )
        # The original batches name NumPy 1's modules, NumPy 2 renamed them.
        if module.startswith("numpy.") and "core." in module:
            module = _NUMPY_CORE + module.rsplit(".", 1)[1]
        return super().find_class(module, name)


def _parse_cifar_batch(payload: bytes, name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        batch = _ArrayUnpickler(io.BytesIO(payload), encoding="bytes").load()
    except Exception as exc:
        raise ValueError(f"CIFAR-10 batch {name!r} could not be read: {exc}") from exc
    if not isinstance(batch, dict):
        raise ValueError(f"CIFAR-10 batch {name!r} is not a dict; got {type(batch)}.")
    batch = {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise ValueError(
            f"CIFAR-10 batch {name!r} lacks 'data' or 'labels'; its keys are "
            f"{sorted(batch)}."
        )
    data = np.asarray(batch["data"])
    labels = np.asarray(batch["labels"], dtype=np.int64)
    side = _CIFAR_SIDE
    if data.ndim != 2 or data.shape[1] != 3 * side * side or len(labels) != len(data):
        raise ValueError(
            f"CIFAR-10 batch {name!r}: expected data of shape (n, 3072) and n "
            f"labels; got {data.shape} and {labels.shape}."
        )
    images = data.astype(np.uint8, copy=False).reshape(-1, 3, side, side)
    return images.transpose(0, 2, 3, 1).copy(), labels
