"""Models saved by earlier skdl versions still load and predict identically.

``tests/data/compat/<version>/`` holds models written by
``tests/data/make_artifacts.py`` at that version, in the safe format and as
joblib pickles, with the predictions they gave then. A new release adds a
folder; old folders are never regenerated.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import InconsistentVersionWarning

import skdl
from tests.conftest import skip_if_written_by_newer

COMPAT = Path(__file__).resolve().parents[1] / "data" / "compat"
VERSIONS = sorted(p.name for p in COMPAT.iterdir() if p.is_dir())
MODELS = [
    "mlp_classifier_binary",
    "mlp_classifier_multiclass",
    "mlp_regressor_multioutput",
    "churn_pipeline",
]


def _inputs(cases: dict, name: str):
    if name != "churn_pipeline":
        return cases["X"]
    columns = cases["churn__columns"].tolist()
    return pd.DataFrame({c: cases[f"churn__X__{c}"] for c in columns})


def _load(path: Path):
    # Nested scikit-learn helpers (the label encoder) carry the version of
    # scikit-learn that saved them and warn when it differs; that warning is
    # about scikit-learn's internals, while this test checks the predictions.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistentVersionWarning)
        if path.suffix in (".skdl", ".skops"):
            return skdl.load(path)
        return joblib.load(path)


def test_artifacts_are_committed_and_small():
    assert VERSIONS, f"no compat artefacts under {COMPAT}"
    total = sum(p.stat().st_size for p in COMPAT.rglob("*") if p.is_file())
    assert total < 200 * 1024


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("suffix", [".skdl", ".skops", ".joblib"])
def test_saved_model_predicts_as_when_saved(version, name, suffix):
    skip_if_written_by_newer(COMPAT / version)
    folder = COMPAT / version
    with np.load(folder / "cases.npz", allow_pickle=False) as cases:
        expected = {k: cases[k] for k in cases.files}
    if not (folder / f"{name}{suffix}").exists():
        pytest.skip(f"{name}{suffix} was not saved by skdl {version}")
    est = _load(folder / f"{name}{suffix}")
    X = _inputs(expected, name)
    predicted = est.predict(X)
    assert predicted.dtype == expected[f"{name}__predict"].dtype
    np.testing.assert_array_equal(predicted, expected[f"{name}__predict"])
    if f"{name}__predict_proba" in expected:
        np.testing.assert_array_equal(
            est.predict_proba(X), expected[f"{name}__predict_proba"]
        )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("suffix", [".skdl", ".skops", ".joblib"])
def test_parameters_added_since_take_their_defaults(version, name, suffix):
    skip_if_written_by_newer(COMPAT / version)
    path = COMPAT / version / f"{name}{suffix}"
    if not path.exists():
        pytest.skip(f"{name}{suffix} was not saved by skdl {version}")
    est = _load(path)
    nested = [est] + ([est.network_] if hasattr(est, "network_") else [])
    for model in nested:
        defaults = type(model)().get_params(deep=False)
        params = model.get_params(deep=False)  # fails on a missing attribute
        assert params.keys() == defaults.keys()
        assert clone(model).get_params(deep=False).keys() == defaults.keys()
