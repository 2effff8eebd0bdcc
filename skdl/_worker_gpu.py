"""A stable slot number for each parallel worker process.

``GridSearchCV(..., n_jobs=4)`` and ``cross_val_score(..., n_jobs=2)`` run
fits in joblib's worker processes (loky), and a Dask nanny runs each worker
in a process of its own. On a machine with several GPUs, skdl gives each
such worker its own GPU: ``skdl.backend.resolve_device('auto')`` maps the
worker's slot onto the GPUs it sees. This module only hands out the slots;
nothing here knows about Keras or its backends.

How a slot is taken: the workers of one parent process share a folder in
the temporary directory, named after the user and the parent's process id.
A worker locks the lowest numbered file there that no other live worker
holds (a non-blocking ``flock``) and keeps it open for as long as it lives.
The operating system drops the lock when the worker ends, however it ends,
so a worker started later in place of a finished one takes the freed slot.
Where ``fcntl`` is missing (Windows), no slot is taken and every worker
keeps the first GPU; there ``device='gpu:N'`` or ``CUDA_VISIBLE_DEVICES``
choose the GPU per worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["claim_slot", "is_worker_process", "slot_folder", "worker_slot"]

_GUARD = threading.Lock()
# (pid, slot, open file descriptor) of this process's claim, once made.
_CLAIM: tuple[int, int | None, int | None] | None = None


def is_worker_process() -> bool:
    """Whether this process was started by another Python process.

    True in loky workers (joblib's default backend), ``multiprocessing``
    children (pools, ``Process``) and Dask worker processes started by a
    nanny; false in the process the user started (a script, a notebook
    kernel, a pytest run).
    """
    return multiprocessing.parent_process() is not None


def slot_folder() -> Path:
    """The folder this worker and its sibling workers take slots in."""
    parent = multiprocessing.parent_process()
    parent_pid = os.getppid() if parent is None else parent.pid
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"skdl-worker-slots-{user}-{parent_pid}"


def claim_slot(folder: str | os.PathLike) -> tuple[int, int]:
    """Lock the lowest free slot in ``folder``.

    Returns ``(slot, fd)``: the slot stays this process's until ``fd`` is
    closed or the process ends. Raises ``OSError`` when the folder cannot be
    written or the file system cannot lock files.
    """
    if fcntl is None:
        raise OSError("file locks (fcntl) are not available on this platform")
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    slot = 0
    while True:
        fd = os.open(folder / f"{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live process holds this slot
            os.close(fd)
            slot += 1
        except OSError:
            os.close(fd)
            raise
        else:
            return slot, fd


def worker_slot() -> int | None:
    """This worker's slot (0, 1, ...), or ``None`` outside worker processes.

    The slot is claimed on the first call and kept for the life of the
    process. ``None`` also where slots cannot be taken (no ``fcntl``, or a
    temporary folder that cannot be written or locked).
    """
    global _CLAIM
    if fcntl is None or not is_worker_process():
        return None
    with _GUARD:
        if _CLAIM is None or _CLAIM[0] != os.getpid():
            try:
                slot, fd = claim_slot(slot_folder())
            except OSError:
                slot, fd = None, None
            _CLAIM = (os.getpid(), slot, fd)
        return _CLAIM[1]


def _forget_claim_after_fork() -> None:
    """A forked child holds no slot of its own: drop the inherited one.

    Closing the inherited descriptor leaves the parent's lock in place (the
    parent still holds its own descriptor). The guard is made anew in case
    another thread of the parent held it at the fork.
    """
    global _CLAIM, _GUARD
    if _CLAIM is not None and _CLAIM[2] is not None:
        with contextlib.suppress(OSError):
            os.close(_CLAIM[2])
    _CLAIM = None
    _GUARD = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_claim_after_fork)
