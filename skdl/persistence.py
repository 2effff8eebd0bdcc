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
the codec (``skdl/_codec.py``) encodes: ``None``, ``bool``, ``int``,
``float``, ``str``, ``bytes``, lists, tuples, dicts, slices, NumPy arrays,
scalars, dtypes and scalar types, Keras learning-rate schedules and
allow-listed estimators. Caches are dropped in ``__getstate__`` (as
pickling needs anyway).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ._codec import FormatError, Reader, Writer, class_key, qualname, resolve

__all__ = ["COMPONENT_CLASSES", "ESTIMATOR_CLASSES", "FORMAT_VERSION", "load", "save"]

FORMAT_NAME = "skdl-estimator"
#: Version of the file layout this skdl writes and the newest it reads.
FORMAT_VERSION = 1

#: Estimators that may be the top object of a file: name -> (module, attr).
ESTIMATOR_CLASSES: dict[str, tuple[str, str]] = {
    "skdl.AutoencoderTransformer": ("skdl.autoencoder", "AutoencoderTransformer"),
    "skdl.ChurnPipeline": ("skdl.pipelines", "ChurnPipeline"),
    "skdl.ConvClassifier": ("skdl.conv", "ConvClassifier"),
    "skdl.MLPClassifier": ("skdl.mlp", "MLPClassifier"),
    "skdl.MLPRegressor": ("skdl.mlp", "MLPRegressor"),
    "skdl.SequenceClassifier": ("skdl.sequence", "SequenceClassifier"),
    "skdl.SequenceRegressor": ("skdl.sequence", "SequenceRegressor"),
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
    name = class_key(type(estimator), ESTIMATOR_CLASSES)
    if name is None:
        raise TypeError(
            f"skdl.save cannot store a {qualname(type(estimator))}: the safe "
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
    writer = Writer(type(estimator).__name__, _all_classes())
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
    except FormatError as exc:
        raise ValueError(f"Cannot load {str(path)!r}: {exc}") from exc.__cause__
    except RecursionError as exc:
        raise ValueError(
            f"Cannot load {str(path)!r}: its JSON is nested too deeply."
        ) from exc


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
    cls = resolve(manifest.get("estimator"), ESTIMATOR_CLASSES)
    reader = Reader(members, _all_classes())
    params_doc = _json(members, _PARAMS)
    state_doc = _json(members, _STATE)
    if not isinstance(params_doc, dict) or not isinstance(state_doc, dict):
        raise FormatError("params.json and state.json must hold JSON objects.")
    stored = {k: reader.decode(v) for k, v in params_doc.items()}
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise ValueError(f"params={unknown} names no parameter of {cls.__name__}.")
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


def _read_zip(path: Path) -> dict[str, bytes]:
    if not path.is_file():
        raise FileNotFoundError(f"No such file: {str(path)!r}")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic != b"PK\x03\x04":
        raise FormatError(
            "it is not an skdl file (not a zip archive; skdl.save writes zip "
            "archives). Files from joblib.dump or pickle load with joblib.load, "
            "from trusted sources only."
        )
    try:
        with zipfile.ZipFile(path) as zf:
            return {info.filename: zf.read(info) for info in zf.infolist()}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise FormatError(
            "the file is truncated or corrupted (its zip archive cannot be "
            f"read: {exc}). Save the estimator again with skdl.save."
        ) from exc


def _json(members: dict[str, bytes], name: str) -> Any:
    if name not in members:
        what = "an skdl file" if name == _MANIFEST else "a complete skdl file"
        raise FormatError(f"it is not {what} (no {name} inside).")
    try:
        return json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{name} is not valid JSON ({exc}).") from exc


def _check_manifest(manifest: Any, members: dict[str, bytes]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise FormatError("it is not an skdl file (its manifest has another format).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise FormatError(f"its format version {version!r} is not an integer.")
    if version > FORMAT_VERSION:
        versions = manifest.get("versions")
        written = versions.get("skdl") if isinstance(versions, dict) else None
        written = written if isinstance(written, str) else "a newer version"
        raise FormatError(
            f"it was written by skdl {written} in format version {version}, "
            f"but this skdl ({_skdl_version()}) reads format versions up to "
            f"{FORMAT_VERSION}. Upgrade skdl to load it."
        )
    checksums = manifest.get("members")
    if not isinstance(checksums, dict):
        raise FormatError("its manifest lists no members.")
    for name, digest in checksums.items():
        if name not in members:
            raise FormatError(f"member {name!r} listed in the manifest is missing.")
        if hashlib.sha256(members[name]).hexdigest() != digest:
            raise FormatError(f"member {name!r} is corrupted (checksum mismatch).")


# -- helpers ----------------------------------------------------------------------
def _dumps(doc: Any) -> bytes:
    return json.dumps(doc, allow_nan=False, indent=1).encode("utf-8")


def _all_classes() -> dict[str, tuple[str, str]]:
    return {**ESTIMATOR_CLASSES, **COMPONENT_CLASSES}


def _skdl_version() -> str:
    from . import __version__

    return __version__


def _versions() -> dict[str, str]:
    import sklearn

    from .backend import import_keras

    keras = import_keras()
    return {
        "skdl": _skdl_version(),
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
