"""pytest plugin: run scikeras' own tests against skdl's wrappers.

Loaded with ``-p skdl_scikeras_shim`` (this folder on ``PYTHONPATH``) before
any test file is collected. It makes ``scikeras.wrappers`` a module holding
skdl's ``KerasClassifier``, ``KerasRegressor`` and ``BaseWrapper``, and
leaves the rest of scikeras (``scikeras.utils``) as installed.

Importing scikeras replaces ``__reduce__`` / ``__deepcopy__`` of Keras'
``Model``, ``Loss``, ``Metric`` and ``Optimizer`` for the whole process; this
plugin puts Keras' own methods back, so what passes does so on stock Keras.
"""

from __future__ import annotations

import sys
import types

import keras

_PATCHED = {
    keras.Model: ("__reduce__", "__deepcopy__"),
    keras.losses.Loss: ("__reduce__",),
    keras.metrics.Metric: ("__reduce__",),
    keras.optimizers.Optimizer: ("__reduce__",),
}
_ORIGINAL = {
    (cls, name): cls.__dict__.get(name)
    for cls, names in _PATCHED.items()
    for name in names
}

import scikeras  # noqa: E402  (its import patches Keras; undone below)

for (cls, name), value in _ORIGINAL.items():
    if value is None:
        if name in cls.__dict__:
            delattr(cls, name)
    else:
        setattr(cls, name, value)

from skdl import wrappers  # noqa: E402

_module = types.ModuleType("scikeras.wrappers")
_module.__doc__ = "skdl's wrappers, standing in for scikeras' (compatibility tests)."
for _name in ("BaseWrapper", "KerasClassifier", "KerasRegressor"):
    setattr(_module, _name, getattr(wrappers, _name))
sys.modules["scikeras.wrappers"] = _module
scikeras.wrappers = _module
