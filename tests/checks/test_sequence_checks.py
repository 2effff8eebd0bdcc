"""scikit-learn's estimator checks for the sequence estimators.

sklearn's checks pass 2-D numeric data, which the sequence estimators read
as univariate sequences (one value per step); texts and variable-length
sequences have their own tests in tests/unit/test_sequence.py.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdl import SequenceClassifier, SequenceRegressor
from tests.params import fast

# check name -> reason; kept empty unless a check is truly impossible.
EXPECTED_FAILED: dict[str, str] = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Networks train in float32: weighted and repeated fits agree to "
        "float32 rounding, but this check demands rtol=1e-7 (same reason as "
        "MLPClassifier in tests/checks/test_sklearn_checks.py)."
    ),
}


@parametrize_with_checks(
    [fast(SequenceClassifier), fast(SequenceRegressor)],
    expected_failed_checks=lambda est: EXPECTED_FAILED,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
