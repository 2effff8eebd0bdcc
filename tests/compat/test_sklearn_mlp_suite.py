"""scikit-learn's own MLP test file, run against skdl's MLPs.

The file ships inside the installed scikit-learn. It is read from there at
run time, its import of ``MLPClassifier, MLPRegressor`` is pointed at skdl,
and the rewritten copy runs under pytest in a subprocess: nothing of it is
kept in this repository. Five of its tests read private attributes of
sklearn's implementation; they are the only ones allowed to fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sklearn

REPO = Path(__file__).resolve().parents[2]
SUITE = Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
SKLEARN_IMPORT = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
SKDL_IMPORT = "from skdl import MLPClassifier, MLPRegressor"

# At least this many of the file's 59 tests pass on skdl.
MIN_PASSED = 54
# Tests that read sklearn-private internals (the gradient function of its
# NumPy L-BFGS, the state of its own SGD optimizer object) with no
# counterpart in a Keras network; only these may fail.
ALLOWED_FAILURES = {
    "test_gradient",
    "test_learning_rate_warmstart",
    "test_adaptive_learning_rate",
    "test_n_iter_no_change",
    "test_n_iter_no_change_inf",
}

# sklearn's conftest gives its tests this fixture; the copy runs without it.
_CONFTEST = """
import pytest


@pytest.fixture
def global_random_seed():
    return 42
"""


def _rewritten_suite(tmp_path: Path) -> Path:
    source = SUITE.read_text()
    assert SKLEARN_IMPORT in source, f"import line not found in {SUITE}"
    path = tmp_path / "test_mlp_on_skdl.py"
    path.write_text(source.replace(SKLEARN_IMPORT, SKDL_IMPORT))
    (tmp_path / "conftest.py").write_text(_CONFTEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return path


def _outcomes(report: Path) -> dict[str, str]:
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = {child.tag for child in case} & {"failure", "error", "skipped"}
        outcomes[case.get("name")] = kinds.pop() if kinds else "passed"
    return outcomes


def run_suite(tmp_path: Path) -> dict[str, str]:
    """Outcome of every test of the rewritten file, by test id."""
    suite = _rewritten_suite(tmp_path)
    report = tmp_path / "report.xml"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONHASHSEED": "0",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"--junitxml={report}",
            str(suite),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return _outcomes(report)


@pytest.mark.slow
def test_sklearn_mlp_suite_passes_on_skdl(tmp_path):
    outcomes = run_suite(tmp_path)
    failed = sorted(name for name, kind in outcomes.items() if kind != "passed")
    passed = len(outcomes) - len(failed)
    assert len(outcomes) >= 59, f"expected 59 tests, ran {len(outcomes)}"
    unexpected = [name for name in failed if name.split("[")[0] not in ALLOWED_FAILURES]
    assert not unexpected, f"{passed}/{len(outcomes)} passed; failing: {failed}"
    assert passed >= MIN_PASSED, f"{passed}/{len(outcomes)} passed; failing: {failed}"
