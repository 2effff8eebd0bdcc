"""Backend plumbing: importing Keras, devices, precision and seeding.

Estimators, networks and callbacks talk to ``keras`` and ``keras.ops``.
What differs between backends lives in two places: the compiled epochs,
one module per backend in :mod:`skdl._training` (beside its
``keras_compat`` module, which holds every private Keras name skdl uses),
and this module, which owns the rest: importing Keras
lazily (``import skdl`` must stay cheap), quieting backend log spam,
choosing the device a block of code runs on (with GPU memory taken as
needed rather than all at once, one GPU per parallel worker process on
machines with several, and optional mixed precision), and running
a block of code under a seed without leaving any process-wide random state
changed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = [
    "backend_name",
    "device_scope",
    "float_dtype_scope",
    "gpu_count",
    "import_keras",
    "resolve_device",
    "seeded",
]

_KERAS: Any = None


def import_keras() -> Any:
    """Import and return the ``keras`` module, quietly, on first use.

    TensorFlow's C++ logging is turned down to errors unless the user set
    ``TF_CPP_MIN_LOG_LEVEL`` themselves.
    """
    global _KERAS
    if _KERAS is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # JAX: take GPU memory as needed, not 75% of the card up front.
        os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
        from ._quiet import native_stderr_silenced

        with native_stderr_silenced():
            import keras

            if keras.backend.backend() != "tensorflow":
                # Keras imports TensorFlow, when installed, on any backend:
                # the first serialization of a Keras object (every fit
                # reads its network's configuration) checks for TensorFlow
                # types. The import logs to stderr: do it now, silenced.
                _import_if_installed("tensorflow")
            if keras.backend.backend() == "jax":
                _jax_compilation_cache()
            else:
                import tensorflow as tf

                tf.get_logger().setLevel("ERROR")
                # Device discovery logs too; do it now, while silenced.
                tf.config.list_physical_devices()
                _tf_memory_growth(tf)
        _KERAS = keras
    return _KERAS


def jax_cache_dir() -> str | None:
    """The folder of JAX's persistent compilation cache skdl turns on.

    ``SKDL_JAX_CACHE_DIR``, else ``skdl/jax`` in the user's cache folder
    (``XDG_CACHE_HOME``, else ``~/.cache``); ``None`` when
    ``SKDL_JAX_CACHE=0`` opts out.
    """
    if os.environ.get("SKDL_JAX_CACHE", "1") == "0":
        return None
    if os.environ.get("SKDL_JAX_CACHE_DIR"):
        return os.environ["SKDL_JAX_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return os.path.join(base, "skdl", "jax")


def _jax_compilation_cache() -> None:
    """Keep compiled XLA programs across processes (JAX backend).

    A later process that trains the same network on data of the same
    shape loads the compiled epoch instead of compiling it again. A cache
    folder the user configured for JAX (``JAX_COMPILATION_CACHE_DIR`` or
    ``jax.config``) is left as it is; ``SKDL_JAX_CACHE=0`` turns this off.
    """
    import jax

    path = jax_cache_dir()
    if path is None or jax.config.jax_compilation_cache_dir:
        return
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return  # an unwritable home: compile in every process, as before
    jax.config.update("jax_compilation_cache_dir", path)
    # skdl's epoch programs compile in 0.2-2 s: below JAX's default floor.
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def _import_if_installed(name: str) -> None:
    import importlib.util

    if importlib.util.find_spec(name) is not None:
        importlib.import_module(name)


def compile_jit() -> bool | str:
    """The ``jit_compile`` setting skdl compiles networks with.

    On TensorFlow ``False``: Keras' own XLA step would be compiled again for
    every new network and is slower for small networks than a graph, and
    skdl's compiled epoch chooses by itself whether a fit runs through XLA
    (:func:`skdl._training.tf_epoch.xla_refusal`). On JAX and PyTorch,
    Keras' default (``'auto'``): without it JAX would run every training
    step op by op.
    """
    return False if backend_name() == "tensorflow" else "auto"


def backend_name() -> str:
    """Return the name of the active Keras backend (``'tensorflow'``, ...)."""
    return import_keras().backend.backend()


def _tf_memory_growth(tf) -> None:
    """Let TensorFlow grow its use of each GPU instead of taking it whole."""
    for gpu in tf.config.list_physical_devices("GPU"):
        # Raises once the GPU is initialized: then leave it as it is.
        with contextlib.suppress(RuntimeError, ValueError):
            tf.config.experimental.set_memory_growth(gpu, True)


def gpu_count() -> int:
    """Number of GPUs the active Keras backend can use."""
    name = backend_name()
    if name == "tensorflow":
        import tensorflow as tf

        return len(tf.config.list_physical_devices("GPU"))
    if name == "jax":
        import jax

        return sum(d.platform == "gpu" for d in jax.devices())
    if name == "torch":
        import torch

        return int(torch.cuda.device_count())
    return 0


_DEVICE = re.compile(r"^(auto|cpu|gpu)(?::(\d+))?$")
_PRECISIONS = (None, "float32", "mixed_float16", "mixed_bfloat16")


def resolve_device(device: str = "auto") -> str:
    """Turn a ``device`` setting into Keras' device name.

    Parameters
    ----------
    device : {'auto', 'cpu', 'gpu'} or 'gpu:N', default='auto'
        ``'auto'``: the CPU when the backend sees no GPU, else the first
        GPU; in a parallel worker process (joblib/loky, ``multiprocessing``,
        a Dask nanny's worker) on a machine with several GPUs, the GPU of
        the worker's slot, so that each worker trains on its own GPU.
        ``'gpu'`` is ``'gpu:0'``; ``'cpu'`` and ``'gpu:N'`` are used as
        given.

    Returns
    -------
    name : str
        ``'cpu:0'`` or ``'gpu:N'``.

    Raises
    ------
    ValueError
        For an unknown setting, or a GPU that is not there.

    Examples
    --------
    >>> from skdl.backend import resolve_device
    >>> resolve_device("cpu")
    'cpu:0'
    """
    match = _DEVICE.match(device.strip().lower()) if isinstance(device, str) else None
    if match is None or (match.group(1) == "auto" and match.group(2) is not None):
        raise ValueError(
            "device must be 'auto', 'cpu', 'gpu' or 'gpu:N' (N a GPU index); "
            f"got {device!r}."
        )
    kind, index = match.group(1), int(match.group(2) or 0)
    if kind == "cpu":
        return "cpu:0"
    n_gpus = gpu_count()
    if kind == "auto":
        return _auto_device(n_gpus)
    if index >= n_gpus:
        seen = f"{n_gpus} GPU(s)" if n_gpus else "no GPU"
        raise ValueError(
            f"device={device!r} asks for GPU {index}, but the {backend_name()} "
            f"backend sees {seen}. Use device='auto' (GPU when present) or "
            "'cpu', or install the GPU build of the backend."
        )
    return f"gpu:{index}"


def _auto_device(n_gpus: int) -> str:
    """``device='auto'``: the CPU, the only GPU, or the worker's own GPU.

    With several GPUs, each parallel worker process takes a slot (0, 1, ...)
    and trains on GPU ``slot % n_gpus``; the process the user started, and
    workers where no slot can be taken, use GPU 0.
    """
    if n_gpus == 0:
        return "cpu:0"
    if n_gpus == 1:
        return "gpu:0"
    from ._worker_gpu import worker_slot

    slot = worker_slot()
    return f"gpu:{0 if slot is None else slot % n_gpus}"


@contextlib.contextmanager
def device_scope(device: str = "auto", precision: str | None = None) -> Iterator[str]:
    """Run a block on one device, optionally in mixed precision.

    Networks built and trained inside the block keep their variables on
    that device. With ``precision='mixed_float16'`` (GPUs) or
    ``'mixed_bfloat16'`` (recent CPUs and TPUs), layers built inside the
    block compute in 16 bits and keep float32 weights; the process-wide
    dtype policy is restored on exit, so nothing outside the block changes.

    Parameters
    ----------
    device : {'auto', 'cpu', 'gpu'} or 'gpu:N', default='auto'
        Where to run, as in :func:`resolve_device`.
    precision : {None, 'float32', 'mixed_float16', 'mixed_bfloat16'}, default=None
        Dtype policy inside the block (``None``: leave it as it is).

    Yields
    ------
    name : str
        The device used, such as ``'cpu:0'``.

    Examples
    --------
    >>> from skdl.backend import device_scope
    >>> with device_scope("cpu") as name:
    ...     print(name)
    cpu:0
    """
    if precision not in _PRECISIONS:
        raise ValueError(f"precision must be one of {_PRECISIONS}; got {precision!r}.")
    keras = import_keras()
    name = resolve_device(device)
    previous = keras.config.dtype_policy()
    try:
        if precision is not None:
            keras.config.set_dtype_policy(precision)
        with keras.device(name):
            yield name
    finally:
        keras.config.set_dtype_policy(previous)


@contextlib.contextmanager
def float_dtype_scope(dtype: str | None) -> Iterator[None]:
    """Build, compile and train networks in ``dtype`` inside the block.

    Keras takes the dtype of new layers and of a compiled loss from the
    process-wide float type; both are restored on exit. ``None`` (or
    ``'float32'`` when that is already the default) changes nothing.

    Parameters
    ----------
    dtype : {'float32', 'float64'} or None
        Float type of the networks made inside the block.

    Examples
    --------
    >>> from skdl.backend import float_dtype_scope
    >>> with float_dtype_scope(None):
    ...     pass
    """
    if dtype is None:
        yield
        return
    keras = import_keras()
    previous = keras.config.floatx(), keras.config.dtype_policy()
    try:
        keras.config.set_floatx(str(dtype))
        keras.config.set_dtype_policy(str(dtype))
        yield
    finally:
        keras.config.set_floatx(previous[0])
        keras.config.set_dtype_policy(previous[1])


def _keras_global_seed_state() -> tuple[Any, Any]:
    from ._training.keras_compat import global_seed_state

    return global_seed_state()


def _set_keras_global_seed_state(state: tuple[Any, Any]) -> None:
    from ._training.keras_compat import set_global_seed_state

    set_global_seed_state(state)


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run a block with every random source Keras draws from seeded.

    Keras draws the default seeds of initializers, dropout layers and
    ``keras.random`` from Python's ``random`` module and from its global seed
    generator. Inside the block both are seeded from ``seed`` (and NumPy's
    legacy global generator too, for user build functions that use it); on
    exit all of them are put back exactly as they were, so a seeded fit
    leaves no trace on the rest of the process. No determinism switch is
    turned on. With ``seed=None`` the block runs unchanged.
    """
    if seed is None:
        yield
        return
    keras = import_keras()
    py_state = random.getstate()
    np_state = np.random.get_state()
    keras_state = _keras_global_seed_state()
    try:
        random.seed(seed)
        np.random.seed(seed % (2**32))
        _set_keras_global_seed_state((seed, keras.random.SeedGenerator(seed)))
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        _set_keras_global_seed_state(keras_state)
