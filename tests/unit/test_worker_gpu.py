"""One GPU per parallel worker: worker slots and ``device='auto'``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import joblib
import pytest

import skdl.backend as backend
from skdl import _worker_gpu
from skdl._worker_gpu import claim_slot, is_worker_process, slot_folder, worker_slot
from tests.barrier import wait_for_peers

REPO = Path(__file__).resolve().parents[2]


def _in_worker(barrier: Path) -> dict:
    first = worker_slot()
    wait_for_peers(barrier, 2)
    real_count = backend.gpu_count
    backend.gpu_count = lambda: 2  # this worker now "sees" two GPUs
    try:
        device = backend.resolve_device("auto")
    finally:
        backend.gpu_count = real_count
    return {
        "pid": os.getpid(),
        "worker": is_worker_process(),
        "slot": first,
        "again": worker_slot(),
        "device": device,
        "folder": str(slot_folder()),
    }


def test_main_process_is_not_a_worker():
    assert not is_worker_process()
    assert worker_slot() is None


def test_loky_workers_take_distinct_slots(tmp_path):
    results = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_in_worker)(tmp_path) for _ in range(2)
    )
    assert len({r["pid"] for r in results}) == 2
    assert all(r["worker"] for r in results)
    slots = [r["slot"] for r in results]
    assert all(isinstance(s, int) and s >= 0 for s in slots)
    assert len(set(slots)) == 2
    # A worker keeps its slot: asking again gives the same one.
    assert [r["again"] for r in results] == slots
    # Both workers share one folder, named after this (their parent) process.
    folders = {r["folder"] for r in results}
    assert len(folders) == 1
    assert Path(folders.pop()).name.endswith(f"-{os.getpid()}")
    # With two GPUs, the two workers train on different ones.
    assert {r["device"] for r in results} == {f"gpu:{s % 2}" for s in slots}
    if set(slots) == {0, 1}:
        assert {r["device"] for r in results} == {"gpu:0", "gpu:1"}


_HOLDER = (
    "import sys\n"
    "from skdl._worker_gpu import claim_slot\n"
    "slot, fd = claim_slot(sys.argv[1])\n"
    "print(slot, flush=True)\n"
    "sys.stdin.read()\n"  # hold the slot until the parent closes stdin
)


def _start_holder(folder: Path) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(folder)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return proc, int(proc.stdout.readline())


@pytest.mark.skipif(_worker_gpu.fcntl is None, reason="no fcntl file locks")
def test_slot_is_freed_when_its_process_ends(tmp_path):
    first, slot_a = _start_holder(tmp_path)
    second, slot_b = _start_holder(tmp_path)
    try:
        assert (slot_a, slot_b) == (0, 1)
    finally:
        first.communicate("")  # the first holder exits
    assert first.returncode == 0
    third, slot_c = _start_holder(tmp_path)  # takes the freed slot
    second.communicate("")
    third.communicate("")
    assert slot_c == 0


@pytest.mark.skipif(_worker_gpu.fcntl is None, reason="no fcntl file locks")
def test_claim_slot_takes_the_lowest_free_slot(tmp_path):
    a, fd_a = claim_slot(tmp_path)
    b, fd_b = claim_slot(tmp_path)
    c, fd_c = claim_slot(tmp_path)
    assert (a, b, c) == (0, 1, 2)
    os.close(fd_b)
    again, fd = claim_slot(tmp_path)
    assert again == 1
    for descriptor in (fd_a, fd_c, fd):
        os.close(descriptor)


def test_no_slot_where_locks_are_missing(monkeypatch):
    monkeypatch.setattr(_worker_gpu, "fcntl", None)
    monkeypatch.setattr(_worker_gpu, "is_worker_process", lambda: True)
    assert worker_slot() is None
    with pytest.raises(OSError, match="fcntl"):
        claim_slot("unused")


def test_unwritable_slot_folder_means_no_slot(monkeypatch, tmp_path):
    monkeypatch.setattr(_worker_gpu, "is_worker_process", lambda: True)
    monkeypatch.setattr(_worker_gpu, "_CLAIM", None)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(_worker_gpu, "slot_folder", lambda: blocker / "slots")
    assert worker_slot() is None


@pytest.fixture
def gpus(monkeypatch):
    """Pretend the backend sees ``n`` GPUs and this worker holds ``slot``."""

    def pretend(n: int, slot: int | None) -> list[int | None]:
        calls: list[int | None] = []

        def fake_slot() -> int | None:
            calls.append(slot)
            return slot

        monkeypatch.setattr(backend, "gpu_count", lambda: n)
        monkeypatch.setattr(_worker_gpu, "worker_slot", fake_slot)
        return calls

    return pretend


@pytest.mark.parametrize(
    ("n_gpus", "slot", "expected"),
    [
        (2, 0, "gpu:0"),
        (2, 1, "gpu:1"),
        (2, 2, "gpu:0"),
        (2, 3, "gpu:1"),
        (4, 0, "gpu:0"),
        (4, 1, "gpu:1"),
        (4, 2, "gpu:2"),
        (4, 3, "gpu:3"),
        (4, 5, "gpu:1"),
        (4, None, "gpu:0"),  # the main process, or no slot to be had
    ],
)
def test_auto_device_follows_the_worker_slot(gpus, n_gpus, slot, expected):
    calls = gpus(n_gpus, slot)
    assert backend.resolve_device("auto") == expected
    assert calls == [slot]


@pytest.mark.parametrize(("n_gpus", "expected"), [(0, "cpu:0"), (1, "gpu:0")])
def test_no_slot_is_claimed_with_fewer_than_two_gpus(gpus, n_gpus, expected):
    calls = gpus(n_gpus, 3)
    assert backend.resolve_device("auto") == expected
    assert calls == []


@pytest.mark.parametrize(
    ("device", "expected"),
    [("cpu", "cpu:0"), ("gpu", "gpu:0"), ("gpu:0", "gpu:0"), ("gpu:2", "gpu:2")],
)
def test_explicit_devices_are_kept_in_workers(gpus, device, expected):
    calls = gpus(4, 3)
    assert backend.resolve_device(device) == expected
    assert calls == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork")
def test_forked_child_drops_the_inherited_claim(tmp_path, monkeypatch):
    slot, fd = claim_slot(tmp_path)
    monkeypatch.setattr(_worker_gpu, "_CLAIM", (os.getpid(), slot, fd))
    child = os.fork()
    if child == 0:  # the child: no claim, and its copy of the descriptor closed
        try:
            os.fstat(fd)
            fd_closed = False
        except OSError:
            fd_closed = True
        os._exit(0 if _worker_gpu._CLAIM is None and fd_closed else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent still holds its slot after the child closed its copy.
    other, other_fd = claim_slot(tmp_path)
    assert (slot, other) == (0, 1)
    os.close(other_fd)
    os.close(fd)
