"""Reader of skdl's first safe format (format version 1), kept so old files load.

skdl now saves through skops (:mod:`skdl.persistence`). Files of the first
format are zip archives of ``manifest.json`` (format name and version, the
estimator's class from a fixed table, SHA-256 of every member),
``params.json`` and ``state.json`` (tagged JSON: ``{"__tuple__": [...]}``,
``{"__ndarray__": {dtype, shape, data}}``, ``{"__estimator__": {class,
state}}``...) and ``model.keras`` members. Decoding never runs code from the
file: classes are looked up in :data:`CLASSES`, dtypes are parsed and
restricted, and the Keras network goes through Keras' safe loader.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import math
from typing import Any

import numpy as np

__all__ = ["CLASSES", "FORMAT_NAME", "FormatError", "load_members"]

FORMAT_NAME = "skdl-estimator"
FORMAT_VERSION = 1

#: Classes the first format may name: name -> (module, attribute).
CLASSES: dict[str, tuple[str, str]] = {
    "skdl.ChurnPipeline": ("skdl.pipelines", "ChurnPipeline"),
    "skdl.MLPClassifier": ("skdl.mlp", "MLPClassifier"),
    "skdl.MLPRegressor": ("skdl.mlp", "MLPRegressor"),
    "skdl.preprocessing.ClassifierTargetEncoder": (
        "skdl.preprocessing.targets",
        "ClassifierTargetEncoder",
    ),
    "skdl.preprocessing.RegressorTargetEncoder": (
        "skdl.preprocessing.targets",
        "RegressorTargetEncoder",
    ),
    "sklearn.compose.ColumnTransformer": ("sklearn.compose", "ColumnTransformer"),
    "sklearn.pipeline.Pipeline": ("sklearn.pipeline", "Pipeline"),
    "sklearn.preprocessing.LabelEncoder": ("sklearn.preprocessing", "LabelEncoder"),
    "sklearn.preprocessing.StandardScaler": (
        "sklearn.preprocessing",
        "StandardScaler",
    ),
    "sklearn.preprocessing.MinMaxScaler": ("sklearn.preprocessing", "MinMaxScaler"),
    "sklearn.preprocessing.OneHotEncoder": ("sklearn.preprocessing", "OneHotEncoder"),
    "sklearn.preprocessing.OrdinalEncoder": (
        "sklearn.preprocessing",
        "OrdinalEncoder",
    ),
}
_ESTIMATORS = ("skdl.ChurnPipeline", "skdl.MLPClassifier", "skdl.MLPRegressor")

_RAW_KINDS = set("biufcSUmM")
# Python types that parameters may hold (e.g. ``OneHotEncoder(dtype=float)``).
_PY_TYPES = {t.__name__: t for t in (bool, int, float, complex, str, bytes, object)}


class FormatError(ValueError):
    """A problem with the file's content (turned into a message naming it)."""


class Reader:
    """Rebuild Python values from the tagged JSON written by :class:`Writer`."""

    def __init__(self, members: dict[str, bytes], classes: dict[str, tuple[str, str]]):
        self.members = members
        self.classes = classes

    def decode(self, doc: Any) -> Any:
        if doc is None or isinstance(doc, bool | int | float | str):
            return doc
        if isinstance(doc, list):
            return [self.decode(v) for v in doc]
        if not isinstance(doc, dict) or len(doc) != 1:
            raise FormatError(f"unexpected JSON value {_short(doc)}.")
        ((tag, body),) = doc.items()
        method = self._TAGS.get(tag)
        if method is None:
            raise FormatError(f"unknown tag {tag!r}.")
        try:
            return method(self, body)
        except FormatError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise FormatError(f"bad {tag} entry {_short(body)} ({exc}).") from exc

    def _float(self, body):
        if body not in ("nan", "inf", "-inf"):
            raise ValueError("not a special float")
        return float(body)

    def _tuple(self, body):
        return tuple(self.decode(v) for v in body)

    def _dict(self, body):
        return {_hashable(self.decode(k)): self.decode(v) for k, v in body}

    def _slice(self, body):
        return slice(*(self.decode(v) for v in body))

    def _dtype(self, body):
        return _parse_dtype(body)

    def _bytes(self, body):
        if body not in self.members:
            raise FormatError(f"member {body!r} is missing.")
        return self.members[body]

    def _nptype(self, body):
        return _parse_dtype(body).type

    def _pytype(self, body):
        return _PY_TYPES[body]

    def _npscalar(self, body):
        return self._ndarray(body)[()]

    def _ndarray(self, body):
        dtype = _parse_dtype(body["dtype"])
        shape = tuple(int(n) for n in body["shape"])
        if dtype.kind == "O":
            items = [self.decode(v) for v in body["items"]]
            arr = np.empty(len(items), dtype=object)
            arr[:] = items
            return arr.reshape(shape)
        raw = base64.b64decode(body["data"], validate=True)
        if len(raw) != math.prod(shape) * dtype.itemsize:
            raise ValueError(f"{len(raw)} bytes do not fill shape {shape}")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    def _estimator(self, body):
        cls = resolve(body["class"], self.classes)
        obj = cls.__new__(cls)
        obj.__setstate__({k: self.decode(v) for k, v in body["state"].items()})
        return obj

    def _keras(self, body):
        keras = _keras()
        obj = keras.saving.deserialize_keras_object(body, safe_mode=True)
        if not _is_lr_schedule(obj):
            raise ValueError("not a learning-rate schedule")
        return obj

    _TAGS = {
        "__float__": _float,
        "__tuple__": _tuple,
        "__dict__": _dict,
        "__slice__": _slice,
        "__dtype__": _dtype,
        "__bytes__": _bytes,
        "__npscalar__": _npscalar,
        "__nptype__": _nptype,
        "__pytype__": _pytype,
        "__ndarray__": _ndarray,
        "__estimator__": _estimator,
        "__keras__": _keras,
    }


# -- helpers ----------------------------------------------------------------------
def resolve(name: Any, table: dict[str, tuple[str, str]]) -> type:
    if not isinstance(name, str) or name not in table:
        raise FormatError(
            f"it names the class {name!r}, which is not one the safe format "
            f"loads (known: {sorted(table)})."
        )
    module, attr = table[name]
    return getattr(importlib.import_module(module), attr)


def _parse_dtype(text: Any) -> np.dtype:
    if not isinstance(text, str) or len(text) > 32:
        raise ValueError(f"bad dtype {text!r}")
    dtype = np.dtype(text)
    if dtype.kind not in _RAW_KINDS and dtype.kind != "O":
        raise ValueError(f"dtype {text!r} is not allowed")
    return dtype


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _short(doc: Any) -> str:
    text = json.dumps(doc)[:80]
    return text + ("..." if len(text) == 80 else "")


def _keras():
    from .backend import import_keras

    return import_keras()


def _is_lr_schedule(value: Any) -> bool:
    module = type(value).__module__
    if not module.startswith("keras"):
        return False
    keras = _keras()
    return isinstance(value, keras.optimizers.schedules.LearningRateSchedule)


# -- whole files ------------------------------------------------------------------
def load_members(members: dict[str, bytes], params: dict[str, Any]) -> Any:
    """The estimator stored in the members of a first-format archive."""
    manifest = _json(members, "manifest.json")
    _check_manifest(manifest, members)
    name = manifest.get("estimator")
    if name not in _ESTIMATORS:
        raise FormatError(
            f"it names the class {name!r}, which is not one the safe format "
            f"loads (known: {list(_ESTIMATORS)})."
        )
    cls = resolve(name, CLASSES)
    reader = Reader(members, CLASSES)
    params_doc = _json(members, "params.json")
    state_doc = _json(members, "state.json")
    if not isinstance(params_doc, dict) or not isinstance(state_doc, dict):
        raise FormatError("params.json and state.json must hold JSON objects.")
    stored = {k: reader.decode(v) for k, v in params_doc.items()}
    try:
        estimator = cls(**{**stored, **params})
    except TypeError as exc:
        raise FormatError(
            f"its parameters do not fit {cls.__name__} of this skdl ({exc})."
        ) from exc
    state = {k: reader.decode(v) for k, v in state_doc.items()}
    try:
        estimator.__setstate__({**estimator.__dict__, **state})
    except Exception as exc:
        raise FormatError(
            f"its fitted state (Keras network loaded in safe mode) could not "
            f"be restored ({type(exc).__name__}: {exc})."
        ) from exc
    return estimator


def _json(members: dict[str, bytes], name: str) -> Any:
    if name not in members:
        raise FormatError(f"it is not a complete skdl file (no {name} inside).")
    try:
        return json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{name} is not valid JSON ({exc}).") from exc


def _check_manifest(manifest: Any, members: dict[str, bytes]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise FormatError("it is not an skdl file (its manifest has another format).")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise FormatError(
            f"its manifest gives format version {version!r}; files with a "
            f"manifest.json are of format version {FORMAT_VERSION}."
        )
    checksums = manifest.get("members")
    if not isinstance(checksums, dict):
        raise FormatError("its manifest lists no members.")
    for name, digest in checksums.items():
        if name not in members:
            raise FormatError(f"member {name!r} listed in the manifest is missing.")
        if hashlib.sha256(members[name]).hexdigest() != digest:
            raise FormatError(f"member {name!r} is corrupted (checksum mismatch).")
