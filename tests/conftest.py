"""Shared fixtures: seeds, data locations and the fast test parameters."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# JAX runs keep their compiled programs out of the user's cache folder.
os.environ.setdefault(
    "SKDL_JAX_CACHE_DIR", os.path.join(tempfile.gettempdir(), "skdl-tests-jax-cache")
)

# The real tutorial datasets live beside the checkout (never committed);
# SKDL_SHARED_DATA points elsewhere (a checkout in another place).
SHARED_DATA = Path(
    os.environ.get("SKDL_SHARED_DATA")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)


def shared_file(name: str) -> Path:
    """Path of a shared dataset, or skip the test with the reason."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{name} not found in {SHARED_DATA} (shared datasets absent)")
    return path


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same global random state."""
    random.seed(0)
    np.random.seed(0)
    yield
