"""Export fitted estimators and whole pipelines to one ONNX graph.

:func:`to_onnx` converts a fitted skdl estimator, a scikit-learn
``Pipeline`` / ``ColumnTransformer`` ending in one, or a
:class:`~skdl.ChurnPipeline` into a single ONNX model that ``onnxruntime``
(or any ONNX runtime) runs without Python, scikit-learn or Keras:

* scikit-learn steps go through `skl2onnx <https://onnx.ai/sklearn-onnx/>`_'s
  own converters;
* skdl's networks go through converters registered with skl2onnx for skdl's
  classes: the Keras network is exported with Keras' own ONNX export
  (``model.export(..., format="onnx")``, tf2onnx on the TensorFlow backend)
  and its nodes are placed in the same graph, followed by the few operations
  that turn network outputs into what ``predict`` / ``predict_proba``
  return.

Classifiers have two outputs, ``label`` (shape ``(n,)``; int64 for integer
or boolean classes, strings otherwise) and ``probabilities`` (shape
``(n, n_classes)``, float32, columns in the order of ``classes_``): the
layout of skl2onnx's ``zipmap=False``. Regressors have one output,
``variable``, of shape ``(n, n_outputs)``.

Needs the ``onnx`` extra: ``pip install "skdl[onnx]"``.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["input_feed", "to_onnx"]

#: ONNX operator sets the exported graphs use (main domain, ai.onnx.ml).
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}

# (id of the network, threshold) while a ChurnPipeline converts: its labels
# come from the churn probability at the pipeline's threshold.
_THRESHOLD: contextvars.ContextVar[tuple[int, float] | None] = contextvars.ContextVar(
    "skdl_onnx_threshold", default=None
)


def to_onnx(estimator: Any, X_sample: Any, path: str | os.PathLike | None = None):
    """One ONNX graph for a fitted estimator or pipeline.

    Parameters
    ----------
    estimator : estimator
        A fitted skdl estimator, a fitted scikit-learn ``Pipeline`` (or
        ``ColumnTransformer``-led pipeline) whose last step is one, or a
        fitted :class:`~skdl.ChurnPipeline`.
    X_sample : array-like or pandas.DataFrame
        A few rows of input, as given to ``predict``. They fix the graph's
        inputs: an array gives one float32 input ``X`` of its shape (any
        number of rows; images keep their height, width and channels); a
        DataFrame gives one input per column, named as the column, of shape
        ``(n, 1)``: float32 for numbers, strings otherwise. A
        :class:`~skdl.ChurnPipeline` always has one input per customer
        column it reads (:data:`skdl.datasets.FEATURE_COLUMNS`).
    path : str or path-like, default=None
        Where to write the model (``.onnx``); not written when None.

    Returns
    -------
    model : onnx.ModelProto
        The graph. Run it with ``onnxruntime.InferenceSession(
        model.SerializeToString())`` and feed it :func:`input_feed` of the
        input.

    Raises
    ------
    TypeError
        If ``estimator`` is not fitted or holds a step without a converter.
    ImportError
        If the ``onnx`` extra is not installed.

    Examples
    --------
    >>> import numpy as np, onnxruntime
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl import MLPClassifier
    >>> from skdl.onnx import input_feed, to_onnx
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=5,
    ...                      random_state=0)).fit(X, y)
    >>> model = to_onnx(pipe, X[:5])
    >>> session = onnxruntime.InferenceSession(model.SerializeToString())
    >>> label, proba = session.run(None, input_feed(X[:3], session))
    >>> bool(np.abs(proba - pipe.predict_proba(X[:3])).max() < 1e-4)
    True
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    model, initial_types, threshold = _target(estimator, X_sample)
    _register_skdl_classes(model)
    import skl2onnx

    network = model.steps[-1][1] if hasattr(model, "steps") else model
    token = _THRESHOLD.set(None if threshold is None else (id(network), threshold))
    try:
        proto = skl2onnx.to_onnx(
            model,
            initial_types=initial_types,
            target_opset=TARGET_OPSET,
            options={type(network): {"zipmap": False}}
            if _is_classifier(network)
            else None,
        )
    finally:
        _THRESHOLD.reset(token)
    if path is not None:
        Path(path).write_bytes(proto.SerializeToString())
    return proto


def input_feed(X: Any, model: Any = None) -> dict[str, np.ndarray]:
    """The ``onnxruntime`` feed for ``X``, laid out as :func:`to_onnx` expects.

    Parameters
    ----------
    X : array-like, pandas.DataFrame, dict or list of dicts
        Input rows: an array (fed as the input ``X``, float32) or a table
        (each column fed as its own input of shape ``(n, 1)``; numbers as
        float32, the rest as strings).
    model : onnxruntime.InferenceSession or onnx.ModelProto, default=None
        When given, columns that are not inputs of the graph (identifiers,
        the target) are left out.

    Returns
    -------
    feed : dict
        Input name -> array.
    """
    if isinstance(X, dict | list) and not isinstance(X, np.ndarray):
        X = pd.DataFrame([X] if isinstance(X, dict) else X)
    if isinstance(X, pd.DataFrame):
        feed = {str(c): _column(X[c]) for c in X.columns}
    else:
        feed = {"X": np.asarray(X, dtype=np.float32)}
    if model is not None:
        names = _input_names(model)
        feed = {k: v for k, v in feed.items() if k in names}
    return feed


# -- what to convert -------------------------------------------------------------------
def _target(estimator, X_sample):
    """(model to convert, its initial types, label threshold or None)."""
    from .pipelines import ChurnPipeline

    if isinstance(estimator, ChurnPipeline):
        from .datasets.churn import CATEGORICAL_COLUMNS, FEATURE_COLUMNS

        types = [
            (c, _string_type() if c in CATEGORICAL_COLUMNS else _float_type([None, 1]))
            for c in FEATURE_COLUMNS
        ]
        return estimator.pipeline_, types, float(estimator.threshold)
    if isinstance(X_sample, pd.DataFrame):
        types = [
            (
                str(c),
                _float_type([None, 1]) if _numeric(X_sample[c]) else _string_type(),
            )
            for c in X_sample.columns
        ]
        return estimator, types, None
    shape = np.shape(X_sample)
    if len(shape) < 2:
        raise ValueError(
            f"X_sample must hold rows (2-D or more); got shape {shape}. Pass "
            "a few rows of the input, as given to predict."
        )
    return estimator, [("X", _float_type([None, *shape[1:]]))], None


def _register_skdl_classes(model) -> None:
    """Register a converter with skl2onnx for each skdl estimator in ``model``."""
    from skl2onnx import update_registered_converter
    from sklearn.base import is_regressor

    from .base import BaseKerasEstimator

    for est in _walk(model):
        if not isinstance(est, BaseKerasEstimator):
            continue
        cls = type(est)
        classifier = _is_classifier(est)
        if not (classifier or is_regressor(est)):
            raise TypeError(
                f"{cls.__name__} has no ONNX converter: skdl.onnx exports "
                "skdl's classifiers and regressors (and pipelines ending in one)."
            )
        update_registered_converter(
            cls,
            f"Skdl{cls.__name__}",
            _classifier_shapes if classifier else _regressor_shapes,
            _convert,
            options={"zipmap": [False], "nocl": [False]} if classifier else None,
        )


def _walk(model):
    yield model
    children = getattr(model, "steps", None) or getattr(model, "transformers", None)
    for item in children or ():
        yield from _walk(item[1])


# -- skl2onnx shape calculators and converter ----------------------------------
def _classifier_shapes(operator) -> None:
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType

    est = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    multilabel = _classifier_kind(est) == "multilabel"
    label_shape = [n, len(est.classes_)] if multilabel else [n]
    integer = multilabel or np.asarray(est.classes_).dtype.kind in "biu"
    label = Int64TensorType if integer else StringTensorType
    operator.outputs[0].type = label(label_shape)
    operator.outputs[1].type = _float_type([n, len(est.classes_)])


def _regressor_shapes(operator) -> None:
    est = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _float_type([n, int(est.target_encoder_.n_outputs_)])


def _convert(scope, operator, container) -> None:
    est = operator.raw_operator
    raw = _embed_network(scope, operator, container, est)
    if _is_classifier(est):
        _classifier_outputs(scope, operator, container, est, raw)
    else:
        enc = est.target_encoder_
        scaled = _const(scope, container, "scale", np.float32(enc.scale_))
        mean = _const(scope, container, "mean", np.float32(enc.mean_))
        times = scope.get_unique_variable_name("times")
        container.add_node("Mul", [raw, scaled], [times])
        container.add_node("Add", [times, mean], [operator.outputs[0].full_name])


def _classifier_outputs(scope, operator, container, est, raw) -> None:
    label, proba = operator.outputs[0].full_name, operator.outputs[1].full_name
    kind = _classifier_kind(est)
    if kind == "multilabel":
        container.add_node(
            "Clip",
            [
                raw,
                _const(scope, container, "lo", 0.0),
                _const(scope, container, "hi", 1.0),
            ],
            [proba],
        )
        half = _const(scope, container, "half", 0.5)
        above = scope.get_unique_variable_name("above")
        container.add_node("Greater", [proba, half], [above])
        container.add_node("Cast", [above], [label], to=7)  # int64
        return
    if kind == "binary":
        churn = scope.get_unique_variable_name("p1")
        container.add_node(
            "Clip",
            [
                raw,
                _const(scope, container, "lo", 0.0),
                _const(scope, container, "hi", 1.0),
            ],
            [churn],
        )
        stay = scope.get_unique_variable_name("p0")
        container.add_node("Sub", [_const(scope, container, "one", 1.0), churn], [stay])
        container.add_node("Concat", [stay, churn], [proba], axis=1)
    else:
        positive = scope.get_unique_variable_name("positive")
        container.add_node("Relu", [raw], [positive])
        total = scope.get_unique_variable_name("total")
        axes = _const(scope, container, "axes", np.array([1], dtype=np.int64))
        container.add_node("ReduceSum", [positive, axes], [total], keepdims=1)
        safe = scope.get_unique_variable_name("safe_total")
        container.add_node(
            "Max", [total, _const(scope, container, "tiny", 1e-30)], [safe]
        )
        container.add_node("Div", [positive, safe], [proba])
    index = _label_index(
        scope, container, est, proba, churn if kind == "binary" else None
    )
    classes = np.asarray(est.classes_)
    if classes.dtype.kind in "biu":
        classes = classes.astype(np.int64)
    else:
        classes = np.array([str(c) for c in classes], dtype=object)
    container.add_node(
        "Gather", [_const(scope, container, "classes", classes), index], [label], axis=0
    )


def _label_index(scope, container, est, proba, churn) -> str:
    index = scope.get_unique_variable_name("label_index")
    pending = _THRESHOLD.get()
    if churn is not None and pending is not None and pending[0] == id(est):
        # ChurnPipeline: leaves where the churn probability reaches threshold,
        # compared in float64 as predict does (0.3 is not a float32 number).
        wide = scope.get_unique_variable_name("p1_double")
        container.add_node("Cast", [churn], [wide], to=11)  # DOUBLE
        at = scope.get_unique_variable_name("at_threshold")
        threshold = _const(scope, container, "threshold", np.float64(pending[1]))
        container.add_node("GreaterOrEqual", [wide, threshold], [at])
        flat = scope.get_unique_variable_name("flat")
        container.add_node(
            "Reshape",
            [at, _const(scope, container, "shape", np.array([-1], dtype=np.int64))],
            [flat],
        )
        container.add_node("Cast", [flat], [index], to=7)
    else:
        container.add_node("ArgMax", [proba], [index], axis=1, keepdims=0)
    return index


def _embed_network(scope, operator, container, est) -> str:
    """Place the Keras network's ONNX nodes in the graph; return its output."""
    import onnx
    from onnx import numpy_helper

    shape = _network_input_shape(est)
    dtype = _network_dtype(est)
    graph = onnx.compose.add_prefix(
        _keras_onnx(est.model_, shape, dtype),
        scope.get_unique_variable_name("net") + "_",
    ).graph
    source = operator.inputs[0].full_name
    if operator.inputs[0].type.shape[1:] != list(shape):
        target = _const(scope, container, "shape", np.array([-1, *shape], np.int64))
        reshaped = scope.get_unique_variable_name("reshaped")
        container.add_node("Reshape", [source, target], [reshaped])
        source = reshaped
    if dtype == "float64":
        # A network trained on float64 input computes in float64: the graph
        # still takes float32 features and gives float32 outputs around it.
        container.add_node("Cast", [source], [graph.input[0].name], to=11)  # DOUBLE
    else:
        container.add_node("Identity", [source], [graph.input[0].name])
    for init in graph.initializer:
        tensor = numpy_helper.from_array(numpy_helper.to_array(init), init.name)
        container.add_initializer(init.name, init.data_type, list(init.dims), tensor)
    for node in graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        container.add_node(
            node.op_type,
            list(node.input),
            list(node.output),
            op_domain=node.domain,
            name=node.name or None,
            **attrs,
        )
    output = graph.output[0].name
    if dtype == "float64":
        narrow = scope.get_unique_variable_name("net_float32")
        container.add_node("Cast", [output], [narrow], to=1)  # FLOAT
        output = narrow
    return output


def _network_dtype(est) -> str:
    """The float dtype the network computes in: 'float32' or 'float64'."""
    float_dtype = getattr(est, "_float_dtype", None)
    return (float_dtype() if callable(float_dtype) else None) or "float32"


def _keras_onnx(model, shape: tuple[int, ...], dtype: str = "float32"):
    """The Keras network alone as an ONNX model, through Keras' export."""
    import onnx

    from .backend import import_keras

    keras = import_keras()
    _check_keras_version(keras.__version__)
    _check_exporter(keras.backend.backend())
    spec = keras.InputSpec(shape=(None, *shape), dtype=dtype, name="inputs")
    with tempfile.TemporaryDirectory(prefix="skdl-onnx-") as tmp:
        out = Path(tmp) / "network.onnx"
        with warnings.catch_warnings(), contextlib.redirect_stdout(None):
            # tf2onnx still calls NumPy and TensorFlow APIs they deprecate.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            model.export(
                out,
                format="onnx",
                verbose=False,
                input_signature=[spec],
                opset_version=TARGET_OPSET[""],
            )
        return onnx.load(out)


def _check_keras_version(version: str) -> None:
    major, minor = (int(v) for v in version.split(".")[:2])
    if (major, minor) < (3, 12):
        raise ImportError(
            f"Exporting the network needs Keras 3.12 or later (the first whose "
            f"Model.export takes the ONNX opset); found Keras {version}. "
            "Install the onnx extra (pip install 'skdl[onnx]'), which asks for it."
        )


def _check_exporter(backend: str) -> None:
    import importlib.util

    needs = {"tensorflow": "tf2onnx", "jax": "jax2onnx"}.get(backend)
    if needs is not None and importlib.util.find_spec(needs) is not None:
        return
    raise ImportError(
        f"Exporting the network on the {backend!r} Keras backend needs "
        f"{needs or 'a backend Keras exports from'}, which is not installed. "
        "The onnx extra covers the TensorFlow backend: save the model with "
        "skdl.save, load it in a process with KERAS_BACKEND=tensorflow and "
        "export it there (the saved network does not depend on the backend)."
    )


def _network_input_shape(est) -> tuple[int, ...]:
    shape = getattr(est, "input_shape_", None)
    if shape is None:
        shape = tuple(est.model_.inputs[0].shape[1:])
    return tuple(int(d) for d in shape)


# -- small helpers ---------------------------------------------------------------
def _classifier_kind(est) -> str:
    enc = est.target_encoder_
    if enc.target_type_ == "multilabel-indicator":
        if getattr(enc, "encoding_", "indicator") != "indicator":
            raise TypeError(
                f"{type(est).__name__} with one-hot multilabel targets has no "
                "ONNX converter; fit it on an indicator matrix instead."
            )
        return "multilabel"
    width = int(est.model_.outputs[0].shape[-1])
    return "binary" if width == 1 and len(est.classes_) == 2 else "multiclass"


def _is_classifier(est) -> bool:
    from sklearn.base import is_classifier

    return is_classifier(est)


def _const(scope, container, name: str, value) -> str:
    from onnx import numpy_helper

    # Plain Python floats are float32 constants; NumPy values keep their dtype.
    array = np.asarray(value, dtype=np.float32 if type(value) is float else None)
    full = scope.get_unique_variable_name(name)
    if array.dtype == object:  # strings: skl2onnx copies only raw (numeric) data
        values = [str(v).encode("utf-8") for v in array.ravel()]
        container.add_initializer(full, 8, list(array.shape), values)  # STRING
        return full
    tensor = numpy_helper.from_array(array, full)
    container.add_initializer(full, tensor.data_type, list(array.shape), tensor)
    return full


def _float_type(shape):
    from skl2onnx.common.data_types import FloatTensorType

    return FloatTensorType(shape)


def _string_type():
    from skl2onnx.common.data_types import StringTensorType

    return StringTensorType([None, 1])


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
        column
    )


def _column(column: pd.Series) -> np.ndarray:
    if _numeric(column):
        return column.to_numpy(dtype=np.float32).reshape(-1, 1)
    return column.astype(str).to_numpy(dtype=object).reshape(-1, 1)


def _input_names(model) -> set[str]:
    if hasattr(model, "get_inputs"):
        return {i.name for i in model.get_inputs()}
    return {i.name for i in model.graph.input}
