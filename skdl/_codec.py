"""Tagged JSON for estimator state: the codec behind :mod:`skdl.persistence`.

Python values become JSON that says what they are, and come back as the
same types: ``{"__tuple__": [...]}``, ``{"__ndarray__": {dtype, shape,
data}}`` (raw bytes, so floats are exact), ``{"__estimator__": {class,
state}}`` for allow-listed helper objects, and so on. Decoding never runs
code: classes are looked up in the allow-list the caller passes, dtypes are
parsed and restricted, ``bytes`` are separate zip members.
"""

from __future__ import annotations

import base64
import importlib
import json
import math
from typing import Any

import numpy as np

__all__ = ["FormatError", "Reader", "Writer", "class_key", "qualname", "resolve"]

_RAW_KINDS = set("biufcSUmM")
# Python types that parameters may hold (e.g. ``OneHotEncoder(dtype=float)``).
_PY_TYPES = {t.__name__: t for t in (bool, int, float, complex, str, bytes, object)}


class FormatError(ValueError):
    """A problem with the file's content (turned into a message naming it)."""


class Writer:
    """Encode Python values as tagged JSON; ``bytes`` become zip members."""

    def __init__(self, owner: str, classes: dict[str, tuple[str, str]]):
        self.owner = owner
        self.classes = classes
        self.blobs: dict[str, bytes] = {}

    def encode(self, value: Any, where: str, param: str | None = None) -> Any:
        # NumPy scalars first: np.float64 and np.str_ subclass float and str,
        # and must come back as the same type.
        if isinstance(value, np.generic):
            return {"__npscalar__": self._array(np.asarray(value), where, param)}
        if value is None or isinstance(value, bool | str):
            return str(value) if isinstance(value, str) else value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            value = float(value)
            return value if math.isfinite(value) else {"__float__": repr(value)}
        if isinstance(value, np.ndarray):
            return {"__ndarray__": self._array(value, where, param)}
        if isinstance(value, np.dtype):
            return {"__dtype__": _dtype_str(value, where)}
        if isinstance(value, list | tuple):
            items = [
                self.encode(v, f"{where}[{i}]", param) for i, v in enumerate(value)
            ]
            return items if isinstance(value, list) else {"__tuple__": items}
        if isinstance(value, dict):
            return {
                "__dict__": [
                    [
                        self.encode(k, f"{where} key", param),
                        self.encode(v, f"{where}[{k!r}]", param),
                    ]
                    for k, v in value.items()
                ]
            }
        if isinstance(value, slice):
            parts = (value.start, value.stop, value.step)
            return {"__slice__": [self.encode(p, where, param) for p in parts]}
        if isinstance(value, bytes | bytearray):
            return {"__bytes__": self._blob(bytes(value))}
        if isinstance(value, type) and issubclass(value, np.generic):
            return {"__nptype__": _dtype_str(np.dtype(value), where)}
        if isinstance(value, type) and value in _PY_TYPES.values():
            return {"__pytype__": value.__name__}
        encoded = self._object(value, where, param)
        if encoded is None:
            raise TypeError(self._refusal(value, where, param))
        return encoded

    def _array(self, arr: np.ndarray, where: str, param) -> dict:
        doc = {"dtype": _dtype_str(arr.dtype, where), "shape": list(arr.shape)}
        if arr.dtype.kind == "O":
            flat = [self.encode(v, f"{where} element", param) for v in arr.ravel()]
            doc["items"] = flat
        else:
            raw = np.ascontiguousarray(arr).tobytes()
            doc["data"] = base64.b64encode(raw).decode("ascii")
        return doc

    def _blob(self, payload: bytes) -> str:
        n = sum(1 for k in self.blobs if k.startswith("model"))
        name = "model.keras" if n == 0 else f"model_{n}.keras"
        self.blobs[name] = payload
        return name

    def _object(self, value: Any, where: str, param) -> dict | None:
        key = class_key(type(value), self.classes)
        if key is not None:
            state = value.__getstate__()
            return {
                "__estimator__": {
                    "class": key,
                    "state": {
                        k: self.encode(v, f"{where}.{k}", param)
                        for k, v in state.items()
                    },
                }
            }
        if _is_lr_schedule(value):
            keras = _keras()
            config = keras.saving.serialize_keras_object(value)
            try:
                json.dumps(config, allow_nan=False)
            except (TypeError, ValueError):
                return None
            return {"__keras__": config}
        return None

    def _refusal(self, value: Any, where: str, param: str | None) -> str:
        msg = (
            f"Cannot save {self.owner}: {where} holds a {qualname(type(value))}, "
            "which the safe format cannot store."
        )
        if param is None:
            return msg + " Teach skdl.persistence an encoding for this type."
        if param.endswith("_"):
            return msg + (
                f" If predictions do not depend on it, leave it out with "
                f"skdl.save(..., exclude=[{param!r}]); or use joblib.dump "
                "for files you only load yourself."
            )
        return msg + (
            f" Leave it out with skdl.save(..., exclude=[{param!r}]) (it "
            "does not affect predictions; give it back with "
            f"skdl.load(..., params={{{param!r}: ...}})), or use "
            "joblib.dump for files you only load yourself."
        )


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
def qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def class_key(cls: type, table: dict[str, tuple[str, str]]) -> str | None:
    for key, (module, attr) in table.items():
        # Cheap test first: only import modules the class could come from.
        if (
            attr == cls.__name__
            and cls.__module__.startswith(module.split(".")[0])
            and getattr(importlib.import_module(module), attr, None) is cls
        ):
            return key
    return None


def resolve(name: Any, table: dict[str, tuple[str, str]]) -> type:
    if not isinstance(name, str) or name not in table:
        raise FormatError(
            f"it names the class {name!r}, which is not one the safe format "
            f"loads (known: {sorted(table)})."
        )
    module, attr = table[name]
    return getattr(importlib.import_module(module), attr)


def _dtype_str(dtype: np.dtype, where: str) -> str:
    if dtype.kind not in _RAW_KINDS and dtype.kind != "O":
        raise TypeError(
            f"{where} has dtype {dtype}, which the safe format cannot store."
        )
    return dtype.str


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
