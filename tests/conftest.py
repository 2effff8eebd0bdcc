"""Shared fixtures: seeds, data locations and the fast test parameters."""

from __future__ import annotations

import json
import os
import random
import zipfile
from pathlib import Path

import numpy as np
import pytest
from packaging.version import Version

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

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


def skip_if_written_by_newer(folder: Path) -> None:
    """Skip where the folder's files come from a newer Keras or NumPy.

    skdl promises that files of its older releases keep loading; a file
    written by a newer Keras (or pickled under a newer NumPy) loading in an
    older one is no promise of Keras' nor of NumPy's. The oldest-versions
    run of the suite meets exactly that case.
    """
    import keras

    manifest = next(folder.glob("*.skdl"), None)
    if manifest is None:
        return
    with zipfile.ZipFile(manifest) as zf:
        written = json.loads(zf.read("manifest.json"))["versions"]
    installed = {"keras": keras.__version__, "numpy": np.__version__}
    for name, version in installed.items():
        if Version(version) < Version(written[name]):
            pytest.skip(
                f"written with {name} {written[name]}; {name} {version} is "
                "older, and files of a newer version are not promised to "
                "load in an older one"
            )
