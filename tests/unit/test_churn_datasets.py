"""make_churn and load_churn: schema, realism, and clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from skdl.datasets import (
    CATEGORICAL_COLUMNS,
    CHURN_COLUMNS,
    FEATURE_COLUMNS,
    ID_COLUMNS,
    NUMERIC_COLUMNS,
    TARGET_COLUMN,
    load_churn,
    make_churn,
)
from skdl.datasets.churn import check_churn_frame
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def big():
    return make_churn(20000, random_state=0)


def test_column_constants_partition_the_schema():
    assert len(CHURN_COLUMNS) == 14
    assert set(FEATURE_COLUMNS) == set(NUMERIC_COLUMNS) | set(CATEGORICAL_COLUMNS)
    assert set(CHURN_COLUMNS) == set(ID_COLUMNS) | set(FEATURE_COLUMNS) | {
        TARGET_COLUMN
    }


def test_make_churn_schema_and_dtypes():
    df = make_churn(300, random_state=1)
    assert list(df.columns) == list(CHURN_COLUMNS)
    assert df.shape == (300, 14)
    for name in ("Surname", "Geography", "Gender"):
        assert not pd.api.types.is_numeric_dtype(df[name])
    for name in (*NUMERIC_COLUMNS, "RowNumber", "CustomerId", TARGET_COLUMN):
        assert pd.api.types.is_numeric_dtype(df[name]), name
    assert df["Age"].dtype == np.int64 and df["Balance"].dtype == np.float64
    assert df["RowNumber"].tolist() == list(range(1, 301))
    assert df["CustomerId"].is_unique
    assert not df.isna().any().any()


def test_make_churn_dtypes_match_the_real_file():
    real = load_churn(shared_file("Churn_Modelling.csv"))
    synthetic = make_churn(100, random_state=0)
    assert list(real.columns) == list(synthetic.columns)
    assert real.dtypes.tolist() == synthetic.dtypes.tolist()


def test_make_churn_is_reproducible():
    pd.testing.assert_frame_equal(make_churn(200, 5), make_churn(200, 5))
    assert not make_churn(200, 5).equals(make_churn(200, 6))


def test_make_churn_value_ranges(big):
    assert big["CreditScore"].between(350, 850).all()
    assert big["Age"].between(18, 92).all()
    assert set(big["Tenure"]) == set(range(11))
    assert set(big["NumOfProducts"]) == {1, 2, 3, 4}
    for flag in ("HasCrCard", "IsActiveMember", "Exited"):
        assert set(big[flag]) == {0, 1}
    assert set(big["Geography"]) == {"France", "Germany", "Spain"}
    assert set(big["Gender"]) == {"Female", "Male"}
    assert big["EstimatedSalary"].between(0, 200_000).all()
    assert big["Balance"].between(0, 260_000).all()


def test_make_churn_marginals_are_realistic(big):
    shares = big["Geography"].value_counts(normalize=True)
    assert shares["France"] == pytest.approx(0.5, abs=0.02)
    assert shares["Germany"] == pytest.approx(0.25, abs=0.02)
    assert shares["Spain"] == pytest.approx(0.25, abs=0.02)
    assert big["Exited"].mean() == pytest.approx(0.20, abs=0.03)
    zero = big["Balance"] == 0
    assert zero.mean() == pytest.approx(0.36, abs=0.03)
    assert not zero[big["Geography"] == "Germany"].any()
    assert big["NumOfProducts"].isin([1, 2]).mean() > 0.95


def _rate(df, mask) -> float:
    return float(df.loc[mask, "Exited"].mean())


def test_make_churn_relationships(big):
    d = big
    germany = d["Geography"] == "Germany"
    assert _rate(d, germany) > 1.5 * _rate(d, d["Geography"] == "France")
    assert _rate(d, d["Gender"] == "Female") > _rate(d, d["Gender"] == "Male")
    inactive = d["IsActiveMember"] == 0
    assert _rate(d, inactive) > 1.5 * _rate(d, ~inactive)
    middle_aged = d["Age"].between(45, 60)
    assert _rate(d, middle_aged) > 2 * _rate(d, d["Age"] < 35)
    products = d["NumOfProducts"]
    assert _rate(d, products >= 3) > 0.6
    assert _rate(d, products == 1) > 2 * _rate(d, products == 2)
    assert _rate(d, d["Balance"] > 0) > _rate(d, d["Balance"] == 0)
    # Tenure and the card flag carry no signal, as in the real data.
    card = d["HasCrCard"] == 1
    assert abs(_rate(d, card) - _rate(d, ~card)) < 0.02


@pytest.mark.parametrize("n", [0, -3])
def test_make_churn_rejects_too_few_rows(n):
    with pytest.raises(ValueError, match="n_samples must be at least 1"):
        make_churn(n)


@pytest.mark.parametrize("n", [2.5, "10", True])
def test_make_churn_rejects_non_int_rows(n):
    with pytest.raises(TypeError, match="n_samples must be an int"):
        make_churn(n)


# -- load_churn ------------------------------------------------------------------
def test_load_churn_round_trip(tmp_path):
    df = make_churn(80, random_state=3)
    path = tmp_path / "churn.csv"
    df.to_csv(path, index=False)
    pd.testing.assert_frame_equal(load_churn(path), df)
    pd.testing.assert_frame_equal(load_churn(str(path)), df)


def test_load_churn_real_file():
    df = load_churn(shared_file("Churn_Modelling.csv"))
    assert df.shape == (10000, 14)
    assert int(df["Exited"].sum()) == 2037


def test_load_churn_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.csv.*does not exist"):
        load_churn(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError, match="is a directory"):
        load_churn(tmp_path)


def test_load_churn_names_missing_columns(tmp_path):
    path = tmp_path / "churn.csv"
    make_churn(20, random_state=0).drop(columns=["Age", "Gender"]).to_csv(
        path, index=False
    )
    with pytest.raises(
        ValueError, match=r"Missing churn column\(s\) \['Gender', 'Age'\]"
    ):
        load_churn(path)


def test_load_churn_target_optional_on_request(tmp_path):
    path = tmp_path / "new.csv"
    make_churn(20, random_state=0).drop(columns=["Exited", *ID_COLUMNS]).to_csv(
        path, index=False
    )
    with pytest.raises(ValueError, match="'Exited'"):
        load_churn(path)
    assert load_churn(path, require_target=False).shape == (20, 10)


def test_load_churn_rejects_text_in_numeric_column(tmp_path):
    df = make_churn(20, random_state=0)
    df["Age"] = df["Age"].astype(str)
    df.loc[3, "Age"] = "forty"
    path = tmp_path / "churn.csv"
    df.to_csv(path, index=False)
    with pytest.raises(ValueError, match="'Age' must hold numbers; found 'forty'"):
        load_churn(path)


def test_load_churn_rejects_missing_values(tmp_path):
    df = make_churn(20, random_state=0)
    df.loc[[2, 5], "Balance"] = np.nan
    path = tmp_path / "churn.csv"
    with warnings.catch_warnings():
        # pandas 1.5 under NumPy 1.24 warns while writing NaN (its own cast);
        # this test reads the file.
        warnings.filterwarnings("ignore", "invalid value encountered in cast")
        df.to_csv(path, index=False)
    with pytest.raises(ValueError, match="'Balance' has 2 missing value"):
        load_churn(path)


@pytest.mark.parametrize(
    "value, match",
    [
        ("inf", "'Balance' has 1 infinite value"),
        ("-inf", "'Balance' has 1 infinite value"),
        ("1e300", "'Balance' holds values too large for the network"),
    ],
)
def test_load_churn_rejects_infinite_or_huge_numbers(tmp_path, value, match):
    df = make_churn(20, random_state=0)
    df["Balance"] = df["Balance"].astype(object)
    df.loc[4, "Balance"] = value
    path = tmp_path / "churn.csv"
    df.to_csv(path, index=False)
    with pytest.raises(ValueError, match=match):
        load_churn(path)


def test_check_churn_frame_accepts_numbers_in_object_columns():
    df = make_churn(20, random_state=0)
    df["Age"] = df["Age"].astype(object)
    check_churn_frame(df)  # no error: every value is a number
    df.loc[0, "Age"] = "forty"
    with pytest.raises(ValueError, match="'Age' must hold numbers; found 'forty'"):
        check_churn_frame(df)


def test_load_churn_rejects_bad_target(tmp_path):
    df = make_churn(20, random_state=0)
    df.loc[0, "Exited"] = 2
    path = tmp_path / "churn.csv"
    df.to_csv(path, index=False)
    with pytest.raises(ValueError, match="'Exited' must hold 0"):
        load_churn(path)


@pytest.mark.parametrize(
    "content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", b'a,b\n1,"2\n']
)
def test_load_churn_rejects_files_that_are_not_csv(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"bad\.csv"):
        load_churn(path)
