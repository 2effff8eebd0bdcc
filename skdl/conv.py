"""Convolutional networks for images and 1-D signals behind the sklearn API."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._docstrings import ATTRIBUTES, PARAMS
from ._image_input import IMAGE_FILE_PARAMS, ImageFileInput, is_path_array
from ._mlp_base import _BaseMLP, _ClassifierSteps, dropout_rates
from ._task_bases import KerasClassifierBase
from ._training.image_files import ImageFiles
from ._transfer import BACKBONE_CONSTRAINTS, _BackboneSteps
from .backend import compile_jit, import_keras
from .base import as_float32
from .networks.conv import AUGMENTATION_PRESETS

__all__ = ["ConvClassifier"]

_CONV_PARAMS = {
    "filters": """\
filters : int or sequence of int, default=(32, 64)
        Convolution filters of each block, input side first. A block is a
        convolution (``'same'`` padding), optional batch normalization, the
        activation, max pooling and optional dropout.""",
    "kernel_size": """\
kernel_size : int or pair of int, default=3
        Size of every convolution window (an int for 1-D signals).""",
    "pool_size": """\
pool_size : int or pair of int, default=2
        Size of every max-pooling window (``'same'`` padding, so small
        inputs never shrink to nothing); 1 means no pooling.""",
    "dense_layer_sizes": """\
dense_layer_sizes : sequence of int, default=(128,)
        Units of the dense hidden layers between the convolution blocks and
        the output layer; may be empty.""",
    "batch_norm": """\
batch_norm : bool, default=False
        Batch normalization between each convolution and its activation.""",
    "dropout": """\
dropout : float or array-like of float, default=0.0
        Dropout rate after each block: one rate for all, or one per block,
        convolution blocks first then dense layers
        (``len(filters) + len(dense_layer_sizes)`` rates). Active only while
        training.""",
    "image_shape": """\
image_shape : tuple of int or None, default=None
        ``(height, width)`` or ``(height, width, channels)`` of the images
        when ``X`` holds flat rows (as after sklearn transformers): each row
        is reshaped, row-major, to this shape. Without it 2-D ``X`` is read
        as 1-D signals (one value per step) and trained with 1-D
        convolutions. 3-D and 4-D ``X`` carry their own shape.""",
    "augmentation": """\
augmentation : {'light', 'strong', 'photo'}, list of keras layers or None, \
default=None
        Random transformations of the training images, applied by Keras
        layers at the front of the network; active only while training,
        never at predict. ``'light'``: shifts up to 10%, rotations up to 10
        degrees, zoom up to 10% (digits, characters). ``'strong'``: 15%, 20
        degrees, 20%. ``'photo'``: ``'light'`` plus horizontal flips (natural
        photographs). A list of Keras preprocessing layers (for example
        ``keras.layers.RandomContrast``) is used as given; each fit uses
        fresh copies. Needs images, not 1-D signals.""",
    "scale_uint8": """\
scale_uint8 : bool, default=True
        Divide ``uint8`` input by 255, so 8-bit pixels reach the network in
        [0, 1]. Input of any other dtype is used as given (scale it
        yourself).""",
    "batch_size": """\
batch_size : int or 'auto', default='auto'
        Images per gradient step; ``'auto'`` means ``min(32, n_samples)``.""",
    "max_iter": """\
max_iter : int, default=20
        Maximum number of epochs (passes over the training data).""",
}


def _conv_doc(template: str) -> str:
    fields = {**PARAMS, **_CONV_PARAMS, **IMAGE_FILE_PARAMS}
    return template.format(**fields, attributes=ATTRIBUTES)


def _positive_ints(value, name: str, *, allow_empty: bool = False) -> tuple:
    """``value`` (an int or a sequence of ints) as a tuple of positive ints."""
    values = [value] if isinstance(value, Integral) else value
    try:
        values = list(values)
    except TypeError:
        values = None
    ok = values is not None and (allow_empty or len(values) > 0)
    ok = ok and all(isinstance(v, Integral) and v > 0 for v in values)
    if not ok:
        what = "a sequence" if allow_empty else "a positive int or a sequence"
        raise ValueError(
            f"The '{name}' parameter must be {what} of positive ints; got {value!r}."
        )
    return tuple(int(v) for v in values)


class ConvClassifier(
    ImageFileInput, _BackboneSteps, _ClassifierSteps, _BaseMLP, KerasClassifierBase
):
    __doc__ = _conv_doc(
        """Convolutional neural network classifier for images and signals.

    A stack of convolution blocks (convolution, optional batch
    normalization, activation, max pooling, optional dropout), then dense
    layers, trained on Keras with the training controls of
    :class:`MLPClassifier` (``solver``, ``early_stopping``, ``tol``...).

    ``X`` may be a 4-D batch of images ``(n_samples, height, width,
    channels)``, a 3-D batch of one-channel images ``(n_samples, height,
    width)``, or flat rows together with ``image_shape``, so that the
    estimator can follow flat transformers in a ``Pipeline``. 2-D ``X``
    without ``image_shape`` is a batch of 1-D signals and gets 1-D
    convolutions. ``uint8`` pixels are scaled to [0, 1] (see
    ``scale_uint8``). A fitted model accepts its images in any of these
    forms; ``n_features_in_`` counts the values of one image.

    ``X`` may also be a 1-D array of image file paths (for example from
    :func:`skdl.datasets.load_image_folder`): the images are decoded with
    Pillow, resized to ``image_size`` and streamed to the network batch by
    batch by background threads, so memory stays bounded whatever the
    number of files. ``predict`` then takes paths too.

    Parameters
    ----------
    {filters}
    {kernel_size}
    {pool_size}
    {dense_layer_sizes}
    {activation}
    {batch_norm}
    {dropout}
    {image_shape}
    {image_size}
    {color_mode}
    {image_cache}
    {augmentation}
    {scale_uint8}
    {backbone}
    {backbone_weights}
    {freeze}
    {fine_tune_epochs}
    {fine_tune_learning_rate}
    {fine_tune_layers}
    {solver}
    {alpha}
    {batch_size}
    {learning_rate}
    {learning_rate_init}
    {power_t}
    {max_iter}
    {shuffle}
    {random_state}
    {tol}
    {verbose}
    {warm_start}
    {momentum}
    {nesterovs_momentum}
    {early_stopping}
    {validation_fraction}
    {beta_1}
    {beta_2}
    {epsilon}
    {n_iter_no_change}
    {callbacks}
    {device}
    {precision}
    {class_weight}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    input_shape_ : tuple of int
        One sample as the network sees it: ``(height, width, channels)``
        for images, ``(n_features, 1)`` for 1-D signals.
    image_size_ : tuple of int
        ``(height, width)`` of the decoded images; set only when fitted on
        image file paths (as is ``color_mode_``).
    backbone_ : keras.Model or None
        The backbone inside ``model_`` (``None`` without ``backbone``).
    {attributes}

    See Also
    --------
    MLPClassifier : Fully connected networks for tabular data.
    skdl.datasets.load_mnist : Read MNIST from a local ``mnist.npz``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdl import ConvClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.reshape(-1, 8, 8, 1) / 16.0
    >>> clf = ConvClassifier(filters=(8,), max_iter=5, random_state=0)
    >>> clf.fit(X[:300], y[:300]).predict(X[:3]).shape
    (3,)
    >>> clf.input_shape_
    (8, 8, 1)
    """
    )

    _arrays_after_files = True  # uint8 images are scaled as decoded files are

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in _BaseMLP._parameter_constraints.items()
            if k not in ("hidden_layer_sizes", "max_fun")
        },
        "filters": ["array-like", Interval(Integral, 1, None, closed="left")],
        "kernel_size": ["array-like", Interval(Integral, 1, None, closed="left")],
        "pool_size": ["array-like", Interval(Integral, 1, None, closed="left")],
        "dense_layer_sizes": ["array-like"],
        "batch_norm": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "image_shape": ["array-like", None],
        "image_size": ["array-like", Interval(Integral, 1, None, closed="left"), None],
        "color_mode": [StrOptions({"rgb", "grayscale"})],
        "image_cache": ["boolean"],
        "augmentation": [StrOptions(set(AUGMENTATION_PRESETS)), list, None],
        "scale_uint8": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        **BACKBONE_CONSTRAINTS,
    }
    _backbone_takes_images = True

    def __init__(
        self,
        filters=(32, 64),
        *,
        kernel_size=3,
        pool_size=2,
        dense_layer_sizes=(128,),
        activation="relu",
        batch_norm=False,
        dropout=0.0,
        image_shape=None,
        image_size=None,
        color_mode="rgb",
        image_cache=False,
        augmentation=None,
        scale_uint8=True,
        backbone=None,
        backbone_weights="imagenet",
        freeze=True,
        fine_tune_epochs=0,
        fine_tune_learning_rate=1e-5,
        fine_tune_layers=None,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=20,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        callbacks=None,
        device="auto",
        precision=None,
        class_weight=None,
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.dense_layer_sizes = dense_layer_sizes
        self.activation = activation
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.image_shape = image_shape
        self.image_size = image_size
        self.color_mode = color_mode
        self.image_cache = image_cache
        self.augmentation = augmentation
        self.scale_uint8 = scale_uint8
        self.backbone = backbone
        self.backbone_weights = backbone_weights
        self.freeze = freeze
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.fine_tune_layers = fine_tune_layers
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.precision = precision
        self.class_weight = class_weight

    # -- parameters ----------------------------------------------------------------
    def _check_params(self) -> None:
        # backbone, solver, activation, callbacks, sizes, dropout
        super()._check_params()
        self._filters()
        for name in ("kernel_size", "pool_size"):
            if len(_positive_ints(getattr(self, name), name)) > 2:
                raise ValueError(
                    f"The '{name}' parameter must be an int or a pair of ints "
                    f"(height, width); got {getattr(self, name)!r}."
                )
        self._param_image_shape()
        self._check_augmentation()

    def _filters(self) -> tuple[int, ...]:
        return _positive_ints(self.filters, "filters")

    def _hidden_sizes(self) -> tuple[int, ...]:
        return _positive_ints(
            self.dense_layer_sizes, "dense_layer_sizes", allow_empty=True
        )

    def _dropout_rates(self) -> tuple[float, ...]:
        n = len(self._hidden_sizes())
        if self.backbone is None:
            n += len(self._filters())
            per = f"block, len(filters) + len(dense_layer_sizes) = {n} here"
        else:
            per = f"dense layer on the backbone, len(dense_layer_sizes) = {n} here"
        return dropout_rates(self.dropout, n, per)

    def _param_image_shape(self) -> tuple[int, int, int] | None:
        if self.image_shape is None:
            return None
        shape = _positive_ints(self.image_shape, "image_shape")
        if len(shape) not in (2, 3):
            raise ValueError(
                "The 'image_shape' parameter must be (height, width) or "
                f"(height, width, channels); got {self.image_shape!r}."
            )
        return shape if len(shape) == 3 else (*shape, 1)

    def _check_augmentation(self) -> None:
        if not isinstance(self.augmentation, list):
            return
        keras = import_keras()
        for layer in self.augmentation:
            if not isinstance(layer, keras.layers.Layer):
                raise TypeError(
                    "The 'augmentation' parameter must be a preset name, None or "
                    "a list of keras.layers.Layer instances; the list holds "
                    f"{type(layer)}."
                )

    def _fit_plan_settings(self, n_samples: int) -> tuple[int, int, bool]:
        size = 32 if self.batch_size == "auto" else int(self.batch_size)
        return self._epochs(), min(size, n_samples), self.shuffle

    # -- data ------------------------------------------------------------------------
    def _validate_data_kwargs(self) -> dict:
        # "numeric" keeps uint8 as uint8, so that _check_X can scale it.
        return {"dtype": "numeric", "ensure_min_samples": 1}

    def _prepare(self, X, y, sample_weight, reuse, classes):
        if not is_path_array(X):
            X = self._as_rows(X, reset=not reuse)
        return super()._prepare(X, y, sample_weight, reuse, classes)

    def _predict_network(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        if not is_path_array(X):
            X = self._as_rows(X, reset=False)
        return super()._predict_network(X)

    def _as_rows(self, X, *, reset: bool):
        """Flatten image batches to rows; record or check the sample shape.

        Rows are what ``validate_data`` checks (so ``n_features_in_`` is the
        number of values per image); :meth:`_check_X` reshapes them back.
        """
        if not hasattr(X, "shape"):
            try:
                X = np.asarray(X)
            except ValueError:  # ragged nested lists: validate_data says why
                return X
        shape = tuple(X.shape)
        if len(shape) > 4:
            raise ValueError(
                "X must be 2-D (rows), 3-D (n_samples, height, width) or "
                f"4-D (n_samples, height, width, channels); got shape {shape}."
            )
        if len(shape) >= 3:
            sample = shape[1:] if len(shape) == 4 else (*shape[1:], 1)
            self._check_sample_shape(sample, reset)
            return np.asarray(X).reshape(shape[0], int(np.prod(sample)))
        if reset and len(shape) == 2:
            self.input_shape_ = self._row_layout(shape[1])
        return X

    def _row_layout(self, n_features: int) -> tuple[int, ...]:
        image = self._param_image_shape()
        if image is None:
            return (n_features, 1)
        if int(np.prod(image)) != n_features:
            raise ValueError(
                f"image_shape={self.image_shape!r} needs {int(np.prod(image))} "
                f"values per row, but X has {n_features} features. Set "
                "image_shape to the shape of one image, or pass X as a 3-D or "
                "4-D array of images."
            )
        return image

    def _check_sample_shape(self, sample: tuple[int, ...], reset: bool) -> None:
        if reset:
            image = self._param_image_shape()
            if image is not None and image != sample:
                raise ValueError(
                    f"image_shape={self.image_shape!r} does not match the images "
                    f"in X, of shape {sample}. Leave image_shape=None for 3-D "
                    "and 4-D X (the shape is read from X)."
                )
            self.input_shape_ = sample
        elif sample != self.input_shape_:
            raise ValueError(
                f"X holds images of shape {sample}, but {type(self).__name__} "
                f"was fitted on input of shape {self.input_shape_}. Pass images "
                "of the fitted shape."
            )

    def _check_X(self, X: np.ndarray, *, reset: bool = False) -> np.ndarray:
        if isinstance(X, ImageFiles):  # decoded and scaled batch by batch
            return X
        scale = self.scale_uint8 and X.dtype == np.uint8
        X = as_float32(X).reshape((X.shape[0], *self.input_shape_))
        if scale:
            X = X / np.float32(255.0)
        return X

    # -- network ---------------------------------------------------------------------
    def _build_model(self, meta, context):
        from .networks.conv import build_conv1d, build_conv2d

        shape = tuple(meta["X_shape_"][1:])
        opts = dict(
            kernel_size=self._window("kernel_size", len(shape) - 1),
            pool_size=self._window("pool_size", len(shape) - 1),
            dense_layer_sizes=self._hidden_sizes(),
            activation=self.activation,
            output_activation=meta["output_activation_"],
            batch_norm=self.batch_norm,
            dropout=self._dropout_rates(),
            l2=0.5 * self.alpha / meta["batch_size_"],
            seed=context.seed,
        )
        augmentation = self._augmentation_layers(context.seed)
        if self.backbone is not None:
            return self._build_on_backbone(meta, context, shape, augmentation)
        if len(shape) == 3:
            build = build_conv2d
            opts["augmentation"] = augmentation
        elif augmentation:
            raise ValueError(
                "augmentation transforms images, but X was read as 1-D signals "
                f"(rows of {shape[0]} features). Pass 3-D or 4-D images, or set "
                "image_shape, or leave augmentation=None."
            )
        else:
            build = build_conv1d
        model = build(shape, self._filters(), meta["n_outputs_"], **opts)
        model.compile(
            optimizer=self._make_optimizer(),
            loss=meta["loss_"],
            metrics=self._keras_metrics(),
            jit_compile=compile_jit(),
        )
        return model

    def _window(self, name: str, ndim: int):
        size = _positive_ints(getattr(self, name), name)
        if ndim == 2:
            return size * 2 if len(size) == 1 else size
        if len(size) != 1:
            raise ValueError(
                f"{name}={getattr(self, name)!r} is a 2-D window, but X was read "
                "as 1-D signals; use an int, or set image_shape for images."
            )
        return size[0]

    def _augmentation_layers(self, seed: int) -> list:
        from .networks.conv import augmentation_layers

        if self.augmentation is None:
            return []
        if isinstance(self.augmentation, str):
            return augmentation_layers(self.augmentation, seed=seed)
        # Fresh layers each fit: a layer instance belongs to one network.
        return [type(la).from_config(la.get_config()) for la in self.augmentation]

    def _after_fit(self, history, callbacks, context) -> None:
        super()._after_fit(history, callbacks, context)
        self.input_shape_ = tuple(int(d) for d in self.meta_["X_shape_"][1:])

    # -- views of the network ----------------------------------------------------------
    def _dense_layers(self):
        keras = import_keras()
        return [la for la in self.model_.layers if isinstance(la, keras.layers.Dense)]

    @property
    def n_layers_(self) -> int:
        """Layers with weights (convolutions and dense layers), plus the input."""
        keras = import_keras()
        kinds = (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D)
        return sum(isinstance(la, kinds) for la in self.model_.layers) + 1
