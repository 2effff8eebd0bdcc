"""Images read from files: decoded batch by batch, never all at once.

An :class:`ImageFiles` stands for a batch of images that are still files on
disk. It has the ``shape`` and ``dtype`` of the decoded batch and indexes
like an array, but indexing only selects files (so validation splits and
cross-validation folds cost nothing); ``np.asarray`` decodes. Decoding is
Pillow's; files are decoded in a few threads at a time (Pillow releases the
GIL while it decodes and resizes).

Training streams the files through ``model.fit`` with a
``keras.utils.PyDataset`` (:class:`FileEpoch`): Keras' own worker threads
decode the next batches while the network trains on the current one, and
at most ``2 * workers`` batches are decoded ahead, so memory does not grow
with the number of files. Prediction decodes at most
:data:`ROWS_PER_CALL` images at a time.
"""

from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..backend import import_keras
from .common import logs_to_floats

__all__ = [
    "COLOR_MODES",
    "IMAGE_EXTENSIONS",
    "ROWS_PER_CALL",
    "FileEpoch",
    "ImageFiles",
    "decode_image",
    "decoded",
    "default_workers",
    "first_image_size",
    "is_path_array",
]

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
COLOR_MODES = {"rgb": 3, "grayscale": 1}
# Images decoded for one network call at predict time or in evaluation.
ROWS_PER_CALL = 256


def default_workers() -> int:
    """Decoding threads: the machine's cores, at most 4."""
    return max(2, min(4, os.cpu_count() or 1))


def is_path_array(X) -> bool:
    """Whether ``X`` is a 1-D sequence of file paths (str or path-like)."""
    if isinstance(X, str | bytes | os.PathLike) or not hasattr(X, "__len__"):
        return False
    if hasattr(X, "ndim") and X.ndim != 1:
        return False
    if getattr(X, "dtype", None) is not None and X.dtype.kind not in "OUS":
        return False
    try:
        items = list(X) if not hasattr(X, "tolist") else X.tolist()
    except TypeError:
        return False
    return len(items) > 0 and all(isinstance(p, str | os.PathLike) for p in items)


def _open_error(path, exc: BaseException) -> ValueError:
    return ValueError(
        f"Could not read the image file {str(path)!r}: {exc}. Image input "
        "must be files Pillow can decode (PNG, JPEG, BMP, GIF)."
    )


def decode_image(path, size: tuple[int, int], color_mode: str) -> np.ndarray:
    """The image at ``path`` as ``uint8`` pixels ``(height, width, channels)``.

    Converted to RGB (or to one grey channel with ``'grayscale'``) and
    resized bilinearly to ``size = (height, width)``. Any failure raises a
    ``ValueError`` that names the file.
    """
    from PIL import Image

    height, width = size
    try:
        with Image.open(path) as img:
            img = img.convert("L" if color_mode == "grayscale" else "RGB")
            if img.size != (width, height):
                img = img.resize((width, height), Image.Resampling.BILINEAR)
            pixels = np.asarray(img, dtype=np.uint8)
    except (OSError, ValueError, SyntaxError) as exc:
        raise _open_error(path, exc) from exc
    return pixels[..., None] if pixels.ndim == 2 else pixels


def first_image_size(path) -> tuple[int, int]:
    """``(height, width)`` of the image at ``path`` (read from its header)."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            width, height = img.size
    except (OSError, ValueError, SyntaxError) as exc:
        raise _open_error(path, exc) from exc
    return int(height), int(width)


class ImageFiles:
    """A batch of images still on disk; ``np.asarray`` decodes it.

    Parameters
    ----------
    paths : sequence of str or path-like
        One file per image.
    size : (int, int)
        ``(height, width)`` every image is resized to.
    color_mode : {'rgb', 'grayscale'}
        Three channels or one.
    scale : bool
        Divide the 8-bit pixels by 255.
    cache : bool
        Keep decoded images in memory (as ``uint8``) for later epochs;
        subsets made by indexing share the cache.
    """

    dtype = np.dtype(np.float32)
    ndim = 4

    def __init__(self, paths, size, color_mode="rgb", *, scale=True, cache=False):
        self.paths = np.asarray([os.fspath(p) for p in paths], dtype=object)
        self.size = (int(size[0]), int(size[1]))
        self.color_mode = color_mode
        self.scale = bool(scale)
        self._cache: dict[str, np.ndarray] | None = {} if cache else None
        self.workers = default_workers()

    @property
    def shape(self) -> tuple[int, int, int, int]:
        channels = COLOR_MODES[self.color_mode]
        return (len(self.paths), *self.size, channels)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index) -> ImageFiles:
        """The files at ``index`` (a slice, or an array of positions)."""
        subset = object.__new__(ImageFiles)
        subset.__dict__.update(self.__dict__)
        subset.paths = np.atleast_1d(self.paths[index])
        return subset

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        images = self.decode()
        return images if dtype is None else images.astype(dtype, copy=False)

    def decode(self, threads: int | None = None) -> np.ndarray:
        """Decode every file in ``threads`` threads (``None``: :attr:`workers`).

        Returns a ``float32`` array of :attr:`shape`.
        """
        out = np.empty(self.shape, dtype=np.float32)
        threads = min(threads or self.workers, len(self.paths))

        def one(i: int) -> None:
            out[i] = self._pixels(self.paths[i])

        if threads <= 1:
            for i in range(len(self.paths)):
                one(i)
        else:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(one, range(len(self.paths))))
        if self.scale:
            out /= np.float32(255.0)
        return out

    def _pixels(self, path: str) -> np.ndarray:
        cache = self._cache
        if cache is not None and path in cache:
            return cache[path]
        pixels = decode_image(path, self.size, self.color_mode)
        if cache is not None:
            cache[path] = pixels
        return pixels


def decoded(X) -> np.ndarray:
    """``X`` itself when it is an array, its decoded images otherwise."""
    return X if isinstance(X, np.ndarray) else np.asarray(X)


# Batches kept for a second read (Keras' NUM_BATCHES_FOR_TENSOR_SPEC).
_PEEKED_BATCHES = 2


@functools.cache
def _batches_class():
    keras = import_keras()

    class FileBatches(keras.utils.PyDataset):
        """Batches of ``files`` in ``order``, decoded by Keras' workers."""

        def __init__(self, files, y, sample_weight, order, batch_size):
            workers = files.workers
            super().__init__(
                workers=workers, use_multiprocessing=False, max_queue_size=2 * workers
            )
            self.files, self.y, self.sw = files, y, sample_weight
            self.order, self.batch_size = order, batch_size
            self.peeked: dict[int, tuple] = {}
            self.error: ValueError | None = None

        def __len__(self) -> int:
            return math.ceil(len(self.order) / self.batch_size)

        def __getitem__(self, i: int):
            if i in self.peeked:
                return self.peeked[i]
            idx = self.order[i * self.batch_size : (i + 1) * self.batch_size]
            try:
                x = self.files[idx].decode(threads=1)
            except ValueError as exc:  # a bad file: FileEpoch re-raises it
                self.error = exc
                raise
            batch = (x, self.y[idx])
            if self.sw is not None:
                batch += (self.sw[idx],)
            if i < _PEEKED_BATCHES:
                # Keras' TensorFlow adapter reads the first batches once more
                # to learn their shapes: decode them once.
                self.peeked[i] = batch
            return batch

    return FileBatches


class FileEpoch:
    """One epoch of ``model.fit`` on images decoded from files, batch by batch.

    ``batch_callbacks`` are the user's callbacks reduced to their per-batch
    hooks (the training loop drives the epoch hooks itself).
    """

    def __init__(self, model, data, batch_size: int, batch_callbacks: list):
        self.model = model
        self.data = data
        self.batch_size = batch_size
        self.batch_callbacks = batch_callbacks

    def __call__(self, order: np.ndarray, epoch: int) -> dict[str, float]:
        d = self.data
        batches = _batches_class()(d.x, d.y, d.sample_weight, order, self.batch_size)
        try:
            hist = self.model.fit(
                batches,
                epochs=epoch + 1,
                initial_epoch=epoch,
                verbose=0,
                callbacks=self.batch_callbacks,
            )
        except Exception as exc:
            # Keras (through tf.data on TensorFlow) wraps an error of its
            # decoding threads in its own; the file's error says what to fix.
            if batches.error is None:
                raise
            raise batches.error from exc
        return logs_to_floats({k: v[-1] for k, v in hist.history.items()})
