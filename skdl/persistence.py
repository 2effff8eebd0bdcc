"""Save and load estimators in a format that runs no code when loaded.

:func:`save` writes a `skops <https://skops.readthedocs.io>`_ file (the safe
format of the scikit-learn ecosystem) with one more member,
``skdl-manifest.json``: the format version, the versions of skdl, Keras,
scikit-learn, NumPy and Python that wrote it, and a SHA-256 of every other
member. :func:`load` reads it back with ``skops.io``:

* skdl's own classes are trusted by default; any other type that skops does
  not trust (a user's build function, a custom transformer) is refused unless
  the caller names it in ``trusted=``, and its module is never imported
  before that;
* the Keras network is stored as a ``.keras`` archive and always reloaded
  through Keras' safe loader (``safe_mode=True``), never unpickled; custom
  layers load when they are registered with
  ``keras.saving.register_keras_serializable``;
* files of skdl's first safe format (a ``manifest.json`` with JSON members)
  still load, through :mod:`skdl._legacy_format`.

Any estimator whose ``__getstate__`` holds plain data, NumPy arrays, skdl or
scikit-learn objects and Keras ``.keras`` bytes works without registration;
:mod:`skdl._portable` turns Keras configurable objects (learning-rate
schedules, losses, metrics) and dtypes into plain records.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import io
import json
import os
import platform
import re
import secrets
import sys
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ._legacy_format import FormatError, load_members
from .base import config_network

__all__ = ["FORMAT_VERSION", "load", "save"]

FORMAT_NAME = "skdl-skops"
#: Version of the file layout this skdl writes and the newest it reads.
FORMAT_VERSION = 2
MANIFEST = "skdl-manifest.json"
_SKDL_NAME = re.compile(r"skdl(\.[A-Za-z_][A-Za-z0-9_]*)+")
# What reading a damaged archive or its JSON can raise (in zipfile, zlib,
# json and skops' tree builder); turned into one ValueError naming the file.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    UnicodeDecodeError,
)


# -- public API ------------------------------------------------------------------
def save(
    estimator: Any, path: str | os.PathLike, *, exclude: Iterable[str] = ()
) -> None:
    """Save an estimator to ``path`` in skdl's safe format (a skops file).

    Loading the file with :func:`load` (or ``skops.io.load``) executes no code
    from it. The file is written to a temporary name first and renamed at the
    end, so an interrupted save never leaves a truncated file.

    Parameters
    ----------
    estimator : estimator
        Any skdl estimator, fitted or not, or a scikit-learn ``Pipeline`` or
        meta-estimator holding them.
    path : str or path-like
        Where to write (``.skops`` is the suggested suffix).
    exclude : iterable of str, default=()
        Parameters (or fitted attributes) of ``estimator`` to leave out, for
        values a safe file should not hold (Keras callback objects). Leaving
        out a parameter also leaves out its fitted counterpart (``callbacks``
        -> ``callbacks_``). Left-out parameters load as their defaults unless
        given back through ``load(..., params=...)``. Predictions do not
        depend on them. scikit-learn callbacks set with ``set_callbacks``
        are always left out.

    Raises
    ------
    TypeError
        If the estimator holds a Keras object that only Keras' own format can
        store (a callback), or a function that cannot be imported by its name
        (a lambda, a local function). The message names it.
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
    >>> path = os.path.join(tempfile.mkdtemp(), "clf.skops")
    >>> skdl.save(clf, path)
    >>> same = skdl.load(path)
    >>> bool(np.array_equal(same.predict_proba(X), clf.predict_proba(X)))
    True
    """
    import skops.io

    names = sorted({exclude} if isinstance(exclude, str) else set(exclude))
    obj = _without(estimator, names)
    if "_skl_callbacks" in getattr(obj, "__dict__", {}):
        # scikit-learn's callbacks (``set_callbacks``) watch fits; they are
        # not part of the model and stay out of the file.
        obj = _without(obj, ["_skl_callbacks"])
    try:
        payload = skops.io.dumps(obj, compression=zipfile.ZIP_DEFLATED)
    except (RecursionError, TypeError, ValueError, AttributeError) as exc:
        # e.g. a Keras model given as a parameter: skops cannot walk it.
        raise TypeError(_refusal(obj, _keras_param(obj), exc)) from exc
    _check_loadable(obj, skops.io.get_untrusted_types(data=payload))
    buffer = io.BytesIO(payload)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
        manifest = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "excluded": names,
            "versions": _versions(),
            "members": {k: hashlib.sha256(v).hexdigest() for k, v in members.items()},
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=1))
    _write_atomically(Path(path), buffer.getvalue())


def load(
    path: str | os.PathLike,
    *,
    params: Mapping[str, Any] | None = None,
    trusted: Iterable[str] | None = None,
) -> Any:
    """Load an estimator written by :func:`save`, running no code from the file.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save` (also a plain ``skops.io.dump`` file,
        or one of skdl's first safe format).
    params : dict, default=None
        Parameter values to set on the loaded estimator, typically the ones
        left out with ``save(..., exclude=...)``.
    trusted : iterable of str, default=None
        Fully qualified names of further types or functions the file may
        hold, such as ``'mypackage.nets.build_model'`` for a
        :class:`~skdl.KerasClassifier` built by that function. skdl's classes
        and what skops trusts are always allowed; anything else makes
        :func:`load` raise before importing its module. Name only what you
        know: a trusted function is imported when the file loads.

    Returns
    -------
    estimator : estimator
        The estimator, in the state it was saved in; a fitted one predicts
        bit-identically.

    Raises
    ------
    ValueError
        If the file is not a skops or skdl file, is truncated or corrupted,
        was written in a newer format version, or holds types that are
        neither skdl's nor in ``trusted`` (the message lists them). The
        message names the file.

    Examples
    --------
    See :func:`save`.
    """
    path = Path(path)
    try:
        estimator = _load(path, set(trusted or ()))
    except FormatError as exc:
        raise ValueError(f"Cannot load {str(path)!r}: {exc}") from exc.__cause__
    except RecursionError as exc:
        raise ValueError(
            f"Cannot load {str(path)!r}: its content is nested too deeply."
        ) from exc
    if params:
        unknown = sorted(set(params) - set(estimator.get_params(deep=False)))
        if unknown:
            raise ValueError(
                f"params={unknown} names no parameter of {type(estimator).__name__}."
            )
        estimator.set_params(**params)
    return estimator


# -- saving -----------------------------------------------------------------------
def _without(estimator: Any, names: list[str]) -> Any:
    """A shallow copy of ``estimator`` without the attributes ``names``."""
    if not names:
        return estimator
    params = estimator.get_params(deep=False)
    unknown = [n for n in names if n not in params and n not in vars(estimator)]
    if unknown:
        raise ValueError(
            f"exclude={unknown} names no parameter or fitted attribute of "
            f"{type(estimator).__name__}."
        )
    signature = inspect.signature(type(estimator).__init__).parameters
    copy = object.__new__(type(estimator))
    copy.__dict__.update(vars(estimator))
    for name in names:
        if name in params:
            setattr(copy, name, signature[name].default)
            copy.__dict__.pop(f"{name}_", None)
        else:
            copy.__dict__.pop(name)
    return copy


def _check_loadable(obj: Any, untrusted: list[str]) -> None:
    """Refuse what a safe load could never rebuild, naming where it is."""
    for name in untrusted:
        if _is_skdl_class(name):
            continue
        where = _where(obj, name)
        if name.startswith("keras."):
            raise TypeError(_refusal(obj, (where, name), None))
        found = _subclassed_network_param(obj) if where == "its state" else None
        if found is not None:
            # Found inside a user's Keras model subclass given as a parameter.
            raise TypeError(_refusal(obj, found, None))
        if _resolve(name) is None:
            raise TypeError(
                f"Cannot save {type(obj).__name__}: {where} holds {name}, "
                "which cannot be imported by that name (a lambda or local "
                "function?). Define it at the top level of a module."
            )


def _refusal(obj: Any, found: tuple[str, str] | None, exc) -> str:
    if found is None:
        return (
            f"Cannot save {type(obj).__name__}: skops cannot store its state "
            f"({_say(exc)}). Use joblib.dump for files you only load yourself."
        )
    where, name = found
    return (
        f"Cannot save {type(obj).__name__}: {where} holds a {name}, which a "
        "safe file cannot store. Leave it out with skdl.save(..., exclude=[...]) "
        "(predictions do not depend on it: the fitted network holds what it "
        "learned), or use joblib.dump for files you only load yourself."
    )


def _keras_param(obj: Any) -> tuple[str, str] | None:
    """The first parameter holding a Keras object (of Keras' own class or a
    user's subclass of one), and that object's type."""
    for key, value in getattr(obj, "get_params", dict)(deep=False).items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if any(k.__module__.split(".")[0] == "keras" for k in type(item).__mro__):
                return f"parameter {key!r}", _qualified(item)
    return None


def _subclassed_network_param(obj: Any) -> tuple[str, str] | None:
    """The first parameter holding a user's subclass of ``keras.Model``."""
    keras = sys.modules.get("keras")
    if keras is None:
        return None
    for key, value in getattr(obj, "get_params", dict)(deep=False).items():
        if isinstance(value, keras.Model) and not config_network(value):
            return f"parameter {key!r}", _qualified(value)
    return None


def _where(obj: Any, name: str) -> str:
    for key, value in getattr(obj, "get_params", dict)(deep=False).items():
        values = value if isinstance(value, list | tuple) else [value]
        if any(_qualified(v) == name for v in values):
            return f"parameter {key!r}"
    return "its state"


def _qualified(value: Any) -> str:
    # skops names functions and classes by module and ``__name__``.
    kind = value if inspect.isfunction(value) else type(value)
    return f"{kind.__module__}.{kind.__name__}"


def _write_atomically(path: Path, payload: bytes) -> None:
    # Write beside the target and rename: a crash mid-write never leaves a
    # truncated file under ``path``. (Plain ``open`` keeps the user's umask.)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- loading ------------------------------------------------------------------------
def _load(path: Path, trusted: set[str]) -> Any:
    data, members = _read_zip(path)
    if "schema.json" not in members:
        if "manifest.json" in members:
            return load_members(members, {})
        raise FormatError(
            "it is not an skdl file (no schema.json or manifest.json inside)."
        )
    if MANIFEST in members:
        _check_manifest(members)
    import skops.io

    try:
        untrusted = skops.io.get_untrusted_types(data=data)
    except _DAMAGE as exc:
        raise FormatError(f"its schema cannot be read ({_say(exc)}).") from exc
    refused = sorted(
        n
        for n in untrusted
        if n not in trusted and n not in _SKLEARN_SAFE and not _is_skdl_class(n)
    )
    if refused:
        raise FormatError(
            f"it holds types that are neither skdl's nor trusted: {refused}. "
            "If you know them, pass skdl.load(..., trusted=[...]) with those "
            "names; their modules are imported only then."
        )
    try:
        return skops.io.loads(data, trusted=untrusted)
    except _DAMAGE as exc:
        raise FormatError(
            f"its content could not be rebuilt (Keras network loaded in safe "
            f"mode) ({_say(exc)})."
        ) from exc


def _read_zip(path: Path) -> tuple[bytes, dict[str, bytes]]:
    if not path.is_file():
        raise FileNotFoundError(f"No such file: {str(path)!r}")
    data = path.read_bytes()
    if data[:4] != b"PK\x03\x04":
        raise FormatError(
            "it is not an skdl file (not a zip archive; skdl.save writes zip "
            "archives). Files from joblib.dump or pickle load with joblib.load, "
            "from trusted sources only."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return data, {info.filename: zf.read(info) for info in zf.infolist()}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise FormatError(
            "the file is truncated or corrupted (its zip archive cannot be "
            f"read: {exc}). Save the estimator again with skdl.save."
        ) from exc


def _check_manifest(members: dict[str, bytes]) -> None:
    try:
        manifest = json.loads(members[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{MANIFEST} is not valid JSON ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise FormatError(f"its {MANIFEST} names another format.")
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
    if not isinstance(checksums, dict) or set(checksums) != set(members) - {MANIFEST}:
        raise FormatError(f"its {MANIFEST} does not list the members it holds.")
    for name, digest in checksums.items():
        if hashlib.sha256(members[name]).hexdigest() != digest:
            raise FormatError(f"member {name!r} is corrupted (checksum mismatch).")


# -- names --------------------------------------------------------------------------
# scikit-learn types that hold only data, which the skops release that
# supports that scikit-learn does not list as trusted yet: a ColumnTransformer
# fitted by scikit-learn 1.6 keeps its remainder columns in this list type.
_SKLEARN_SAFE = frozenset({"sklearn.compose._column_transformer._RemainderColsList"})


def _is_skdl_class(name: str) -> bool:
    """Whether ``name`` is a class defined in skdl (imports only skdl modules)."""
    module, _, attr = name.rpartition(".")
    if not _SKDL_NAME.fullmatch(module) or not attr.isidentifier():
        return False
    try:
        value = getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return False
    return inspect.isclass(value) and value.__module__.split(".")[0] == "skdl"


def _resolve(name: str) -> Any:
    """The object named ``module.attr``, or None (used when saving only)."""
    module, _, attr = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr, None)
    except (ImportError, ValueError):
        return None


def _say(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _skdl_version() -> str:
    from . import __version__

    return __version__


def _versions() -> dict[str, str]:
    import numpy as np
    import sklearn
    import skops

    from .backend import import_keras

    keras = import_keras()
    return {
        "skdl": _skdl_version(),
        "skops": skops.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
