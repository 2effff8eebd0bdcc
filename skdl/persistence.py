"""Save and load estimators in a format that runs no code when loaded.

A file written by :func:`save` is a zip archive holding:

* ``manifest.json``: format name and version, the estimator's class (a
  name from a fixed allow-list), the versions of skdl, Keras, scikit-learn,
  NumPy and Python that wrote it, and a SHA-256 of every other member;
* ``params.json``: ``get_params(deep=False)``, encoded as tagged JSON;
* ``state.json``: the fitted attributes (what ``__getstate__`` returns, less
  the parameters), encoded as tagged JSON;
* ``model.keras`` (and ``model_<n>.keras`` for nested networks): the Keras
  network, reloaded with Keras' ``safe_mode=True``.

Nothing in the file is ever unpickled or imported by name: classes are
looked up in :data:`ESTIMATOR_CLASSES` / :data:`COMPONENT_CLASSES` (fixed
tables of this module), arrays are rebuilt from their dtype, shape and raw
bytes, and the Keras network goes through Keras' safe loader.

The format is generic over what an estimator's ``__getstate__`` returns. A
new estimator family plugs in by (1) adding its public class to
:data:`ESTIMATOR_CLASSES` (and any helper classes its state holds to
:data:`COMPONENT_CLASSES`), and (2) keeping its ``__getstate__`` to values
this module encodes: ``None``, ``bool``, ``int``, ``float``, ``str``,
``bytes``, lists, tuples, dicts, slices, NumPy arrays, scalars and dtypes,
Keras learning-rate schedules and allow-listed estimators. Caches are
dropped in ``__getstate__`` (as pickling needs anyway).
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import math
import os
import platform
import secrets
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["COMPONENT_CLASSES", "ESTIMATOR_CLASSES", "FORMAT_VERSION", "load", "save"]

FORMAT_NAME = "skdl-estimator"
#: Version of the file layout this skdl writes and the newest it reads.
FORMAT_VERSION = 1

#: Estimators that may be the top object of a file: name -> (module, attr).
ESTIMATOR_CLASSES: dict[str, tuple[str, str]] = {
    "skdl.ChurnPipeline": ("skdl.pipelines", "ChurnPipeline"),
    "skdl.MLPClassifier": ("skdl.mlp", "MLPClassifier"),
    "skdl.MLPRegressor": ("skdl.mlp", "MLPRegressor"),
}

#: Helper objects that may appear inside an estimator's state.
COMPONENT_CLASSES: dict[str, tuple[str, str]] = {
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

_MANIFEST = "manifest.json"
_PARAMS = "params.json"
_STATE = "state.json"
_MODEL_KEY = "_model_keras_bytes"
_RAW_KINDS = set("biufcSUmM")
# Python types that parameters may hold (e.g. ``OneHotEncoder(dtype=float)``).
_PY_TYPES = {t.__name__: t for t in (bool, int, float, complex, str, bytes, object)}


class _FileError(ValueError):
    """A problem with the file's content (turned into a message naming it)."""


# -- public API ------------------------------------------------------------------
def save(
    estimator: Any, path: str | os.PathLike, *, exclude: Iterable[str] = ()
) -> None:
    """Save an estimator to ``path`` in skdl's safe format.

    The file is a zip archive of JSON and a Keras ``.keras`` archive; loading
    it with :func:`load` executes no code from the file, so it is the format
    to share models in. The file is written to a temporary name first and
    renamed at the end, so an interrupted save never leaves a truncated file.

    Parameters
    ----------
    estimator : estimator
        A skdl estimator, fitted or not (see ``ESTIMATOR_CLASSES``).
    path : str or path-like
        Where to write (``.skdl`` is the suggested suffix).
    exclude : iterable of str, default=()
        Parameters (or fitted attributes) to leave out, for values the safe
        format cannot hold (Keras callback objects, build functions).
        Leaving out a parameter also leaves out its fitted counterpart
        (``callbacks`` -> ``callbacks_``). Left-out parameters load as their
        defaults unless given back through ``load(..., params=...)``;
        left-out attributes are absent. Predictions do not depend on them.

    Raises
    ------
    TypeError
        If the class is not one the safe format knows, or a parameter or
        fitted attribute holds a value it cannot store (the message names
        it).
    ValueError
        If ``exclude`` names neither a parameter nor a fitted attribute.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import skdl
    >>> X = np.random.RandomState(0).normal(size=(40, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = skdl.MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "clf.skdl")
    >>> skdl.save(clf, path)
    >>> same = skdl.load(path)
    >>> bool(np.array_equal(same.predict_proba(X), clf.predict_proba(X)))
    True
    """
    name = _class_key(type(estimator), ESTIMATOR_CLASSES)
    if name is None:
        raise TypeError(
            f"skdl.save cannot store a {_qualname(type(estimator))}: the safe "
            f"format holds only {sorted(ESTIMATOR_CLASSES)}. Use joblib.dump "
            "for other objects (and load such files only from trusted sources)."
        )
    exclude = sorted({exclude} if isinstance(exclude, str) else set(exclude))
    params = estimator.get_params(deep=False)
    state = {k: v for k, v in estimator.__getstate__().items() if k not in params}
    unknown = [p for p in exclude if p not in params and p not in state]
    if unknown:
        raise ValueError(
            f"exclude={unknown} names no parameter or fitted attribute of "
            f"{type(estimator).__name__}."
        )
    # Leaving out a parameter also leaves out its fitted counterpart
    # (``callbacks`` -> ``callbacks_``, the copies used in fit).
    dropped = set(exclude) | {f"{p}_" for p in exclude if p in params}
    writer = _Writer(type(estimator).__name__)
    params_doc = {
        key: writer.encode(value, f"parameter {key!r}", param=key)
        for key, value in params.items()
        if key not in dropped
    }
    state_doc = {
        key: writer.encode(value, f"fitted attribute {key!r}", param=key)
        for key, value in state.items()
        if key not in dropped
    }
    members = {
        _PARAMS: _dumps(params_doc),
        _STATE: _dumps(state_doc),
        **writer.blobs,
    }
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "estimator": name,
        "fitted": _MODEL_KEY in state,
        "excluded_params": exclude,
        "versions": _versions(),
        "members": {k: hashlib.sha256(v).hexdigest() for k, v in members.items()},
    }
    _write_zip(Path(path), {_MANIFEST: _dumps(manifest), **members})


def load(path: str | os.PathLike, *, params: Mapping[str, Any] | None = None) -> Any:
    """Load an estimator written by :func:`save`, running no code from the file.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    params : dict, default=None
        Parameter values to set on the loaded estimator, typically the ones
        left out with ``save(..., exclude=...)``.

    Returns
    -------
    estimator : estimator
        The estimator, in the state it was saved in; a fitted one predicts
        bit-identically.

    Raises
    ------
    ValueError
        If the file is not an skdl file, is truncated or corrupted, or was
        written by a newer skdl in a format version this one cannot read.
        The message names the file and the problem.

    Examples
    --------
    See :func:`save`.
    """
    path = Path(path)
    try:
        return _load(path, dict(params or {}))
    except _FileError as exc:
        raise ValueError(f"Cannot load {str(path)!r}: {exc}") from exc.__cause__
    except RecursionError as exc:
        raise ValueError(
            f"Cannot load {str(path)!r}: its JSON is nested too deeply."
        ) from exc


# -- writing --------------------------------------------------------------------
class _Writer:
    """Encode Python values as tagged JSON; ``bytes`` become zip members."""

    def __init__(self, owner: str):
        self.owner = owner
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
        key = _class_key(type(value), {**ESTIMATOR_CLASSES, **COMPONENT_CLASSES})
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
            f"Cannot save {self.owner}: {where} holds a {_qualname(type(value))}, "
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


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    # Write beside the target and rename: a crash mid-write never leaves a
    # truncated file under ``path``. (Plain ``open`` keeps the user's umask.)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with (
            open(tmp, "xb") as fh,
            zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        ):
            for name, payload in members.items():
                zf.writestr(name, payload)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- reading --------------------------------------------------------------------
def _load(path: Path, params: dict[str, Any]):
    members = _read_zip(path)
    manifest = _json(members, _MANIFEST)
    _check_manifest(manifest, members)
    cls = _resolve(manifest.get("estimator"), ESTIMATOR_CLASSES)
    reader = _Reader(members)
    params_doc = _json(members, _PARAMS)
    state_doc = _json(members, _STATE)
    if not isinstance(params_doc, dict) or not isinstance(state_doc, dict):
        raise _FileError("params.json and state.json must hold JSON objects.")
    stored = {k: reader.decode(v) for k, v in params_doc.items()}
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise ValueError(f"params={unknown} names no parameter of {cls.__name__}.")
    try:
        estimator = cls(**{**stored, **params})
    except TypeError as exc:
        raise _FileError(
            f"its parameters do not fit {cls.__name__} of this skdl ({exc})."
        ) from exc
    state = {k: reader.decode(v) for k, v in state_doc.items()}
    try:
        estimator.__setstate__({**estimator.__dict__, **state})
    except Exception as exc:
        raise _FileError(
            f"its fitted state (Keras network loaded in safe mode) could not "
            f"be restored ({type(exc).__name__}: {exc})."
        ) from exc
    return estimator


def _read_zip(path: Path) -> dict[str, bytes]:
    if not path.is_file():
        raise FileNotFoundError(f"No such file: {str(path)!r}")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic != b"PK\x03\x04":
        raise _FileError(
            "it is not an skdl file (not a zip archive; skdl.save writes zip "
            "archives). Files from joblib.dump or pickle load with joblib.load, "
            "from trusted sources only."
        )
    try:
        with zipfile.ZipFile(path) as zf:
            return {info.filename: zf.read(info) for info in zf.infolist()}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _FileError(
            "the file is truncated or corrupted (its zip archive cannot be "
            f"read: {exc}). Save the estimator again with skdl.save."
        ) from exc


def _json(members: dict[str, bytes], name: str) -> Any:
    if name not in members:
        what = "an skdl file" if name == _MANIFEST else "a complete skdl file"
        raise _FileError(f"it is not {what} (no {name} inside).")
    try:
        return json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _FileError(f"{name} is not valid JSON ({exc}).") from exc


def _check_manifest(manifest: Any, members: dict[str, bytes]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise _FileError("it is not an skdl file (its manifest has another format).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _FileError(f"its format version {version!r} is not an integer.")
    if version > FORMAT_VERSION:
        written = manifest.get("versions", {}).get("skdl", "a newer version")
        raise _FileError(
            f"it was written by skdl {written} in format version {version}, "
            f"but this skdl ({_skdl_version()}) reads format versions up to "
            f"{FORMAT_VERSION}. Upgrade skdl to load it."
        )
    checksums = manifest.get("members")
    if not isinstance(checksums, dict):
        raise _FileError("its manifest lists no members.")
    for name, digest in checksums.items():
        if name not in members:
            raise _FileError(f"member {name!r} listed in the manifest is missing.")
        if hashlib.sha256(members[name]).hexdigest() != digest:
            raise _FileError(f"member {name!r} is corrupted (checksum mismatch).")


class _Reader:
    """Rebuild Python values from the tagged JSON written by :class:`_Writer`."""

    def __init__(self, members: dict[str, bytes]):
        self.members = members

    def decode(self, doc: Any) -> Any:
        if doc is None or isinstance(doc, bool | int | float | str):
            return doc
        if isinstance(doc, list):
            return [self.decode(v) for v in doc]
        if not isinstance(doc, dict) or len(doc) != 1:
            raise _FileError(f"unexpected JSON value {_short(doc)}.")
        ((tag, body),) = doc.items()
        method = self._TAGS.get(tag)
        if method is None:
            raise _FileError(f"unknown tag {tag!r}.")
        try:
            return method(self, body)
        except _FileError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise _FileError(f"bad {tag} entry {_short(body)} ({exc}).") from exc

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
            raise _FileError(f"member {body!r} is missing.")
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
        cls = _resolve(body["class"], {**ESTIMATOR_CLASSES, **COMPONENT_CLASSES})
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
def _dumps(doc: Any) -> bytes:
    return json.dumps(doc, allow_nan=False, indent=1).encode("utf-8")


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _class_key(cls: type, table: dict[str, tuple[str, str]]) -> str | None:
    for key, (module, attr) in table.items():
        # Cheap test first: only import modules the class could come from.
        if (
            attr == cls.__name__
            and cls.__module__.startswith(module.split(".")[0])
            and getattr(importlib.import_module(module), attr, None) is cls
        ):
            return key
    return None


def _resolve(name: Any, table: dict[str, tuple[str, str]]) -> type:
    if not isinstance(name, str) or name not in table:
        raise _FileError(
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


def _skdl_version() -> str:
    from . import __version__

    return __version__


def _versions() -> dict[str, str]:
    import keras
    import sklearn

    return {
        "skdl": _skdl_version(),
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
