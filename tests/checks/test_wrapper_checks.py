"""scikit-learn's estimator checks over KerasClassifier and KerasRegressor."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdl import KerasClassifier, KerasRegressor
from tests.params import fast

ESTIMATORS = [fast(KerasClassifier), fast(KerasRegressor)]

_FLOAT32_WEIGHTS = (
    "Networks train in float32: weighted and repeated fits agree to float32 "
    "rounding (max abs difference ~1e-5), but this check demands rtol=1e-7. "
    "Same reason as for MLPClassifier/MLPRegressor."
)
_ROUTED_KWARGS = (
    "Routed parameters (model__*, optimizer__*...) arrive through **kwargs "
    "and are stored as attributes of the same name, the scikeras API this "
    "estimator is compatible with. The check only knows named __init__ "
    "arguments; get_params/set_params/clone do list and round-trip them "
    "(tests/unit/test_wrappers.py). It passes when no routed parameter is "
    "given (test_checks_pass_without_routed_params below)."
)
_COMMON = {
    "check_sample_weight_equivalence_on_dense_data": _FLOAT32_WEIGHTS,
    "check_sample_weight_equivalence_on_sparse_data": _FLOAT32_WEIGHTS,
    "check_no_attributes_set_in_init": _ROUTED_KWARGS,
}
EXPECTED_FAILED: dict[str, dict[str, str]] = {
    "KerasClassifier": _COMMON,
    "KerasRegressor": _COMMON,
}


def _expected(est):
    return EXPECTED_FAILED.get(type(est).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_checks_pass_without_routed_params():
    """The init check that routed kwargs fail passes for named parameters."""
    from sklearn.utils.estimator_checks import check_no_attributes_set_in_init

    for cls in (KerasClassifier, KerasRegressor):
        check_no_attributes_set_in_init(cls.__name__, cls(epochs=3, verbose=0))
