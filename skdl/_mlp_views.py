"""scikit-learn's fitted attributes of an MLP, as views of the Keras network.

``coefs_`` and ``intercepts_`` read the dense layers' kernels and biases;
assigning them on a fitted estimator writes into the network. On an
unfitted estimator they (with ``n_outputs_``, ``n_layers_``,
``out_activation_`` and ``t_``) may be set by hand, as sklearn's MLP
allows: the next ``fit`` or ``partial_fit`` builds its network and starts
from those weights instead of random ones.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NetworkViews"]

_SKLEARN_ACT = {"linear": "identity", "sigmoid": "logistic", "exponential": "exp"}


class _Settable:
    """A fitted attribute derived from the network that a user may also set.

    A set value is kept (under ``_set_<name>``) and read back until the next
    fit derives the attribute again.
    """

    def __init__(self, derive, doc: str):
        self.derive = derive
        self.__doc__ = doc

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        self.key = f"_set_{name}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if self.key in obj.__dict__:
            return obj.__dict__[self.key]
        if "model_" not in obj.__dict__:
            raise AttributeError(
                f"{type(obj).__name__!r} has no attribute {self.name!r} before fit"
            )
        return self.derive(obj)

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.key] = value


class _Weights:
    """``coefs_`` / ``intercepts_``: one array per dense layer, input side first."""

    def __init__(self, attr: str, doc: str):
        self.attr = attr
        self.__doc__ = doc

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        self.key = f"_set_{name}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if "model_" not in obj.__dict__:
            if self.key in obj.__dict__:
                return obj.__dict__[self.key]
            raise AttributeError(
                f"{type(obj).__name__!r} has no attribute {self.name!r} before fit"
            )
        dtype = obj._output_dtype()
        return [
            np.asarray(getattr(layer, self.attr).numpy(), dtype=dtype)
            for layer in obj._dense_layers()
        ]

    def __set__(self, obj, value) -> None:
        if "model_" not in obj.__dict__:
            # Kept as given (a list the caller may still fill in by index);
            # written into the network the next fit builds.
            obj.__dict__[self.key] = value
            return
        _write(obj._dense_layers(), self.attr, self.name, value)


def _write(layers, attr: str, name: str, values) -> None:
    values = list(values)
    if len(values) != len(layers):
        raise ValueError(
            f"{name} needs one array per layer ({len(layers)}); got {len(values)}."
        )
    for layer, value in zip(layers, values, strict=True):
        variable = getattr(layer, attr)
        value = np.asarray(value)
        if value.size != np.prod(variable.shape):
            raise ValueError(
                f"{name} of layer {layer.name!r} must have shape "
                f"{tuple(variable.shape)}; got {value.shape}."
            )
        variable.assign(value.reshape(tuple(variable.shape)).astype(variable.dtype))


class NetworkViews:
    """sklearn-style fitted attributes of an MLP (mixin of ``_BaseMLP``)."""

    coefs_ = _Weights("kernel", "Kernels of the dense layers, input side first.")
    intercepts_ = _Weights("bias", "Biases of the dense layers, input side first.")
    n_layers_ = _Settable(
        lambda est: len(est._dense_layers()) + 1,
        "Number of layers, input and output included.",
    )
    n_outputs_ = _Settable(
        lambda est: int(est.meta_["n_outputs_"]), "Units of the output layer."
    )
    out_activation_ = _Settable(
        lambda est: _SKLEARN_ACT.get(
            est.meta_["output_activation_"], est.meta_["output_activation_"]
        ),
        "Output activation, named as sklearn names it.",
    )

    def _dense_layers(self):
        return [layer for layer in self.model_.layers if hasattr(layer, "kernel")]

    def _output_dtype(self) -> str | None:
        """dtype of the input seen at fit (``None`` for models saved before
        skdl recorded it: their arrays keep the dtype they had)."""
        return self.__dict__.get("_input_dtype")

    def _start_from_set_weights(self, model) -> None:
        """Write hand-set ``coefs_`` / ``intercepts_`` into a new network."""
        layers = [layer for layer in model.layers if hasattr(layer, "kernel")]
        for name, attr in (("coefs_", "kernel"), ("intercepts_", "bias")):
            values = self.__dict__.get(f"_set_{name}")
            if values is not None:
                _write(layers, attr, name, values)

    def _initialize_like_sklearn(self, model, random_state) -> None:
        """Draw starting weights by sklearn's MLP scheme and generator.

        Kernels and biases uniform in ``+-sqrt(f / (fan_in + fan_out))``,
        ``f`` = 2 for a logistic hidden activation and 6 otherwise, drawn
        layer by layer (kernel, then bias) from ``random_state``: an int
        ``random_state`` starts from the weights sklearn's MLP starts from.
        """
        factor = 2.0 if self.activation == "logistic" else 6.0
        for layer in [la for la in model.layers if hasattr(la, "kernel")]:
            fan_in, fan_out = (int(d) for d in layer.kernel.shape)
            bound = np.sqrt(factor / (fan_in + fan_out))
            kernel = random_state.uniform(-bound, bound, (fan_in, fan_out))
            bias = random_state.uniform(-bound, bound, fan_out)
            layer.kernel.assign(kernel.astype(layer.kernel.dtype))
            layer.bias.assign(bias.astype(layer.bias.dtype))

    def _forget_set_attributes(self) -> None:
        """After a fit the attributes are views of the network again."""
        for key in [k for k in self.__dict__ if k.startswith("_set_")]:
            del self.__dict__[key]
