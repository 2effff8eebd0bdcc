"""Silence the native log lines TensorFlow writes while it starts.

TensorFlow 2.21 prints absl lines (oneDNN notices, "could not find cuda
drivers", "failed call to cuInit") straight to file descriptor 2 while it
loads and looks for devices, whatever ``TF_CPP_MIN_LOG_LEVEL`` says. skdl
loads the backend inside :func:`native_stderr_silenced`, so ``verbose=0``
really prints nothing. Python-level errors still surface: only the native
descriptor is redirected, and only for the duration of the block. Set
``SKDL_BACKEND_LOGS=1`` to see those lines.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

__all__ = ["native_stderr_silenced"]


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Redirect file descriptor 2 to ``/dev/null`` for the block."""
    if os.environ.get("SKDL_BACKEND_LOGS") == "1":
        yield
        return
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        # No real descriptor (e.g. captured in a notebook): nothing to do.
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)
