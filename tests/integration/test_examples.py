"""Every example script runs, offline, in fast mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_runs_in_fast_mode(script, tmp_path):
    env = {
        **os.environ,
        "SKDL_EXAMPLES_FAST": "1",
        "SKDL_EXAMPLES_OUT": str(tmp_path),
        "MPLBACKEND": "Agg",
        "PYTHONPATH": str(EXAMPLES.parent),
    }
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert done.stdout.strip(), "an example should report what it did"


def test_every_example_is_listed_in_the_docs():
    page = (EXAMPLES.parent / "docs" / "examples.md").read_text()
    missing = [p.name for p in SCRIPTS if p.name not in page]
    assert not missing, f"add these examples to docs/examples.md: {missing}"
