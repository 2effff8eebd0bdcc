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

__all__ = ["BACKBONE_CONSTRAINTS"]

BACKBONE_CONSTRAINTS: dict = {
    "backbone": "no_validation",  # a path, a name or a Keras model: see fit
    "backbone_weights": [str, os.PathLike, None],
    "freeze": ["boolean"],
    "fine_tune_epochs": [Interval(Integral, 0, None, closed="left")],
    "fine_tune_learning_rate": [Interval(Real, 0, None, closed="neither")],
    "fine_tune_layers": [Interval(Integral, 1, None, closed="left"), None],
}


class _BackboneSteps:
    """Steps of fit for estimators that accept a ``backbone``."""

    #: Whether ``keras.applications`` backbones (image networks) fit.
    _backbone_takes_images = False

    def _check_params(self) -> None:
        # The backbone first: a missing weights file is reported before any
        # other check, and before the data's shape is looked at.
        self._check_backbone()
        super()._check_params()

    def _check_backbone(self) -> None:
        """Check the backbone parameters; resolve the weights file."""
        if self.backbone is None:
            return
        from .networks.backbone import check_backbone, is_application

        if is_application(self.backbone) and not self._backbone_takes_images:
            raise ValueError(
                f"backbone={self.backbone!r} is a keras.applications image "
                f"network; {type(self).__name__} takes rows of features. Use "
                "ConvClassifier for images, or pass a .keras file or a Keras "
                "model that takes rows."
            )
        self._backbone_weights_file = check_backbone(
            self.backbone, self.backbone_weights
        )

    def _build_model(self, meta, context):
        if self.backbone is None:
            return super()._build_model(meta, context)
        rows = (meta["n_features_in_"],)
        return self._build_on_backbone(meta, context, rows, [])

    def _fit_plan_settings(self, n_samples: int) -> tuple[int, int, bool]:
        _, batch_size, shuffle = super()._fit_plan_settings(n_samples)
        return self._epochs(), batch_size, shuffle

    def _build_on_backbone(self, meta, context, input_shape, augmentation):
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
            seed=context.seed,
        )
        model.compile(
            optimizer=self._make_optimizer(),
            loss=meta["loss_"],
            metrics=self._keras_metrics(),
            jit_compile=compile_jit(),
        )
        return model

    def _fit_steps(self, X, y, sample_weight, partial, reuse, classes):
        super()._fit_steps(X, y, sample_weight, partial, reuse, classes)
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
        head_epochs = self.n_iter_
        try:
            # Reaching fine_tune_epochs is the plan, not a failure to converge.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                super()._fit_steps(X, y, sample_weight, False, True, None)
        finally:
            del self._fine_tuning
        # n_iter_ counts the epochs of this fit call: both phases.
        self.n_iter_ += head_epochs
        return self

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
