"""Image files as ``X``: the estimator side of :mod:`skdl._training.image_files`.

:class:`ImageFileInput` lets an estimator whose network takes images accept
``X`` as a 1-D sequence of file paths. The paths are checked and wrapped
in an :class:`~skdl._training.image_files.ImageFiles` (nothing is decoded
yet); the training loop streams them batch by batch and prediction
decodes a few hundred at a time. The estimator declares the parameters
``image_size``, ``color_mode`` and ``image_cache``.
"""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
)

from ._training.image_files import (
    COLOR_MODES,
    ImageFiles,
    first_image_size,
    is_path_array,
)
from ._training.predict import predict_raw

__all__ = ["IMAGE_FILE_PARAMS", "ImageFileInput", "is_path_array"]

IMAGE_FILE_PARAMS = {
    "image_size": """\
image_size : int or (int, int) or None, default=None
        For ``X`` given as image file paths: the ``(height, width)`` every
        image is resized to (an int for square images). ``None`` takes the
        size of the first training image. Ignored for arrays.""",
    "color_mode": """\
color_mode : {'rgb', 'grayscale'}, default='rgb'
        For image file paths: decode to three RGB channels or to one grey
        channel.""",
    "image_cache": """\
image_cache : bool, default=False
        For image file paths: keep the decoded images (``uint8``) in
        memory during ``fit``, so that epochs after the first read no file.
        Only for data that fits in memory.""",
}


class ImageFileInput:
    """Accept ``X`` as file paths of images (mixin; see the module)."""

    # Whether a network fitted on files also takes arrays of its images.
    _arrays_after_files = False

    def _check_params(self) -> None:
        super()._check_params()
        self._image_size_param()

    def _validate_Xy(self, X, y, *, reset: bool):
        if is_path_array(X):
            return self._files_Xy(X, y, reset=reset)
        if reset:
            self._forget_files()
        return super()._validate_Xy(X, y, reset=reset)

    def _check_X(self, X, *, reset: bool = False):
        if isinstance(X, ImageFiles):  # decoded and scaled batch by batch
            # The decoded shape is what a build function sees as X_shape_.
            self.__dict__["_X_shape"] = X.shape
            return X
        return super()._check_X(X, reset=reset)

    def _predict_network(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        if is_path_array(X):
            return self._predict_files(X)
        if hasattr(self, "image_size_") and not self._arrays_after_files:
            raise ValueError(
                f"This {type(self).__name__} was fitted on image file paths; "
                "pass image file paths."
            )
        return super()._predict_network(X)

    def _image_size_param(self) -> tuple[int, int] | None:
        size = self.image_size
        if size is None:
            return None
        sizes = [size, size] if isinstance(size, Integral) else size
        try:
            sizes = list(sizes)
        except TypeError:
            sizes = []
        if len(sizes) != 2 or not all(
            isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in sizes
        ):
            raise ValueError(
                "The 'image_size' parameter must be a positive int or a pair "
                f"(height, width) of positive ints, or None; got {size!r}."
            )
        return int(sizes[0]), int(sizes[1])

    def _files_Xy(self, X, y, *, reset: bool):
        """File paths ``X`` as :class:`ImageFiles`, with ``y`` checked."""
        paths = np.asarray([os.fspath(p) for p in X], dtype=object)
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        check_consistent_length(paths, y)
        if reset:
            if getattr(self, "image_shape", None) is not None:
                raise ValueError(
                    f"image_shape={self.image_shape!r} reshapes flat rows, but X "
                    "holds image file paths. Leave image_shape=None and set "
                    "image_size=(height, width) to resize the decoded images."
                )
            size = self._image_size_param() or first_image_size(paths[0])
            self.image_size_ = size
            self.color_mode_ = self.color_mode
            self.n_features_in_ = int(np.prod(size)) * COLOR_MODES[self.color_mode]
            for name in ("feature_names_in_", "feature_encoder_"):
                self.__dict__.pop(name, None)
        else:
            self._check_fitted_on_files()
        return self._image_files(paths, cache=self.image_cache), y

    def _forget_files(self) -> None:
        """A fresh fit on arrays: drop what a fit on files learned."""
        self.__dict__.pop("image_size_", None)
        self.__dict__.pop("color_mode_", None)

    def _image_files(self, paths, *, cache: bool = False) -> ImageFiles:
        return ImageFiles(
            paths,
            self.image_size_,
            self.color_mode_,
            scale=getattr(self, "scale_uint8", True),
            cache=cache,
        )

    def _check_fitted_on_files(self) -> None:
        if not hasattr(self, "image_size_"):
            raise ValueError(
                f"X holds image file paths, but this {type(self).__name__} was "
                "fitted on arrays. Pass arrays of the fitted shape, or fit "
                "on file paths."
            )

    def _predict_files(self, X) -> np.ndarray:
        """Network outputs for image file paths, a few hundred at a time."""
        self._check_fitted_on_files()
        files = self._image_files([os.fspath(p) for p in X])
        return predict_raw(self.model_, files, self._predict_chunk())
