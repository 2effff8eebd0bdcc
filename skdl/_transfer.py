"""Transfer learning for skdl estimators: a pretrained backbone, a new head.

:class:`_BackboneSteps` adds the ``backbone`` parameters to an estimator:
the network becomes the backbone (frozen by default) followed by the
estimator's dense layers and output layer. After the ``max_iter`` epochs
that train the head, an optional fine-tuning phase unfreezes the
backbone's last layers and trains ``fine_tune_epochs`` more epochs at
``fine_tune_learning_rate``.
"""

from __future__ import annotations

import os
import warnings
from numbers import Integral, Real

from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval

from .backend import compile_jit

__all__ = ["BACKBONE_CONSTRAINTS", "BACKBONE_PARAMS"]

BACKBONE_CONSTRAINTS: dict = {
    "backbone": "no_validation",  # a path, a name or a Keras model: see fit
    "backbone_weights": [str, os.PathLike, None],
    "freeze": ["boolean"],
    "fine_tune_epochs": [Interval(Integral, 0, None, closed="left")],
    "fine_tune_learning_rate": [Interval(Real, 0, None, closed="neither")],
    "fine_tune_layers": [Interval(Integral, 1, None, closed="left"), None],
}

BACKBONE_PARAMS = {
    "backbone": """\
backbone : str, path, keras.Model or None, default=None
        A pretrained network to build on (transfer learning): the path of a
        ``.keras`` file, a Keras model, or the name of a
        ``keras.applications`` constructor such as ``'MobileNetV2'`` (built
        without its top, for the shape of ``X``, with average pooling).
        The network is then the backbone followed by ``dense_layer_sizes``
        and the output layer; ``filters``, ``kernel_size``, ``pool_size``
        and ``batch_norm`` are not used. Files and models are loaded in
        Keras' safe mode: a backbone holding a ``Lambda`` layer or other
        Python code is refused. The backbone becomes part of ``model_``
        (saved and pickled with it); the object or file passed is never
        modified.""",
    "backbone_weights": """\
backbone_weights : 'imagenet', path or None, default='imagenet'
        Weights of the backbone. ``'imagenet'``: for a ``keras.applications``
        name, the ImageNet weights, read from Keras' cache folder
        (``~/.keras/models``); nothing is downloaded, and a missing file is
        an error naming the file and where to put it. For a file or a
        model, ``'imagenet'`` keeps their own weights. A path: a weights
        file to load into the backbone. ``None``: random initial weights
        (``keras.applications`` names only).""",
    "freeze": """\
freeze : bool, default=True
        Keep the backbone's weights fixed while the head trains. Its batch
        normalization always runs in inference mode (moving statistics
        kept), also when fine-tuning.""",
    "fine_tune_epochs": """\
fine_tune_epochs : int, default=0
        Epochs of a second phase, after the head has trained, in which the
        backbone's last ``fine_tune_layers`` layers train too; 0 skips it.""",
    "fine_tune_learning_rate": """\
fine_tune_learning_rate : float, default=1e-5
        Learning rate of the fine-tuning phase (small, so the pretrained
        weights change little).""",
    "fine_tune_layers": """\
fine_tune_layers : int or None, default=None
        How many of the backbone's last layers the fine-tuning phase
        unfreezes; ``None`` unfreezes all of them.""",
}


class _BackboneSteps:
    """Steps of fit for estimators that accept a ``backbone``."""

    def _check_backbone(self) -> None:
        """Check the backbone parameters; resolve the weights file."""
        if self.backbone is None:
            return
        from .networks.backbone import check_backbone

        self._backbone_weights_file = check_backbone(
            self.backbone, self.backbone_weights
        )

    def _build_on_backbone(self, meta, input_shape, augmentation):
        from .networks.backbone import build_on_backbone, load_backbone

        weights = getattr(self, "_backbone_weights_file", None)
        backbone = load_backbone(self.backbone, weights, input_shape)
        model = build_on_backbone(
            backbone,
            input_shape,
            meta["n_outputs_"],
            dense_layer_sizes=self._hidden_sizes(),
            activation=self.activation,
            output_activation=meta["output_activation_"],
            dropout=self._dropout_rates(),
            l2=0.5 * self.alpha / meta["batch_size_"],
            augmentation=augmentation,
            freeze=self.freeze,
            seed=meta["seed_"],
        )
        model.compile(
            optimizer=self._make_optimizer(),
            loss=meta["loss_"],
            metrics=self._keras_metrics(),
            jit_compile=compile_jit(),
        )
        return model

    def _fit_inner(self, X, y, sample_weight, partial, reuse, classes):
        super()._fit_inner(X, y, sample_weight, partial, reuse, classes)
        if partial or self.backbone is None or self.fine_tune_epochs == 0:
            return self
        return self._fine_tune(X, y, sample_weight)

    def _fine_tune(self, X, y, sample_weight):
        """Unfreeze the backbone's last layers and train some more epochs."""
        from .networks.backbone import set_backbone_trainable

        model = self.model_
        with self._device_scope():
            set_backbone_trainable(model, self.fine_tune_layers)
            optimizer = self._make_optimizer()
            config = optimizer.get_config()
            config["learning_rate"] = float(self.fine_tune_learning_rate)
            model.compile(
                optimizer=type(optimizer).from_config(config),
                loss=self.meta_["loss_"],
                metrics=self._keras_metrics(),
                jit_compile=compile_jit(),
            )
        self._fine_tuning = True
        try:
            # Reaching fine_tune_epochs is the plan, not a failure to converge.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return super()._fit_inner(X, y, sample_weight, False, True, None)
        finally:
            del self._fine_tuning

    def _epochs(self) -> int:
        """Epochs of the current phase (head training or fine-tuning)."""
        if getattr(self, "_fine_tuning", False):
            return self.fine_tune_epochs
        return self.max_iter

    @property
    def backbone_(self):
        """The backbone inside ``model_`` (``None`` without a backbone)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "model_")
        if self.backbone is None:
            return None
        from .networks.backbone import find_backbone

        return find_backbone(self.model_)
