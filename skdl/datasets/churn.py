"""The bank-churn table: a synthetic generator and a loader for the real CSV.

The table is the one of the classic bank-churn teaching set: one row per
customer, ten descriptive columns, three identifier columns and the target
``Exited`` (1 when the customer left the bank).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

__all__ = [
    "CATEGORICAL_COLUMNS",
    "CHURN_COLUMNS",
    "FEATURE_COLUMNS",
    "ID_COLUMNS",
    "NUMERIC_COLUMNS",
    "TARGET_COLUMN",
    "load_churn",
    "make_churn",
]

#: Columns that identify a customer and carry no signal.
ID_COLUMNS = ("RowNumber", "CustomerId", "Surname")
#: Descriptive columns holding text categories.
CATEGORICAL_COLUMNS = ("Geography", "Gender")
#: Descriptive columns holding numbers (flags included).
NUMERIC_COLUMNS = (
    "CreditScore",
    "Age",
    "Tenure",
    "Balance",
    "NumOfProducts",
    "HasCrCard",
    "IsActiveMember",
    "EstimatedSalary",
)
#: The target: 1 when the customer left the bank.
TARGET_COLUMN = "Exited"
#: The columns a churn model reads, in the order of the file.
FEATURE_COLUMNS = (
    "CreditScore",
    "Geography",
    "Gender",
    "Age",
    "Tenure",
    "Balance",
    "NumOfProducts",
    "HasCrCard",
    "IsActiveMember",
    "EstimatedSalary",
)
#: Every column of the table, in the order of the file.
CHURN_COLUMNS = (*ID_COLUMNS, *FEATURE_COLUMNS, TARGET_COLUMN)

_INT_COLUMNS = (
    "RowNumber",
    "CustomerId",
    "CreditScore",
    "Age",
    "Tenure",
    "NumOfProducts",
    "HasCrCard",
    "IsActiveMember",
    "Exited",
)
_FLOAT_COLUMNS = ("Balance", "EstimatedSalary")
_STR_COLUMNS = ("Surname", "Geography", "Gender")


_GEOGRAPHIES = np.array(["France", "Germany", "Spain"])
_SURNAMES = np.array(
    [
        "Abbott", "Alvarez", "Andersen", "Baker", "Bauer", "Becker", "Bianchi",
        "Blanco", "Bonnet", "Brennan", "Carter", "Castillo", "Chen", "Costa",
        "Dubois", "Duval", "Evans", "Fischer", "Fontaine", "Garcia", "Girard",
        "Gomez", "Hartmann", "Herrera", "Hoffmann", "Hughes", "Ivanov",
        "Jensen", "Keller", "Klein", "Kowalski", "Lambert", "Laurent", "Lopez",
        "Marchand", "Martin", "Medina", "Meyer", "Molina", "Moreau", "Morgan",
        "Navarro", "Nguyen", "Novak", "Ortega", "Owens", "Perez", "Petit",
        "Quinn", "Ramos", "Reed", "Richter", "Rossi", "Roux", "Ruiz", "Sanchez",
        "Schmidt", "Schneider", "Silva", "Stewart", "Suarez", "Thomas",
        "Torres", "Vasquez", "Vogel", "Wagner", "Walsh", "Weber", "Wolf",
        "Wright", "Young", "Zimmermann",
    ]
)  # fmt: skip


def make_churn(n_samples: int = 10000, random_state=None) -> pd.DataFrame:
    """Generate a synthetic bank-churn table.

    The table has the columns, types and value ranges of the bank-churn
    teaching set (:data:`CHURN_COLUMNS`), so code written for the real file
    runs on it unchanged, offline. The relationships are realistic: about
    half the customers are in France and a quarter each in Germany and
    Spain; a third hold a zero balance (none in Germany); about 20% leave.
    Leaving is more likely for older customers (up to about 60), in
    Germany, for inactive members (the more so with age), for women, with a
    non-zero balance and with three or four products, and less likely with
    two products. Tenure, the credit card flag and the salary carry no
    signal, as in the real data.

    Parameters
    ----------
    n_samples : int, default=10000
        Number of customers (rows).
    random_state : int, RandomState instance or None, default=None
        Seed of the generator; an int gives the same table every time.

    Returns
    -------
    frame : pandas.DataFrame of shape (n_samples, 14)
        The customers, columns in the order of :data:`CHURN_COLUMNS`.

    See Also
    --------
    load_churn : Read the real file.

    Examples
    --------
    >>> from skdl.datasets import make_churn
    >>> df = make_churn(1000, random_state=0)
    >>> df.shape
    (1000, 14)
    >>> list(df.columns[:4])
    ['RowNumber', 'CustomerId', 'Surname', 'CreditScore']
    >>> bool(0.1 < df["Exited"].mean() < 0.3)
    True
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise TypeError(f"n_samples must be an int; got {type(n_samples).__name__}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1; got {n_samples}.")
    rng = check_random_state(random_state)
    n = int(n_samples)
    cols = _draw_features(rng, n)
    cols["Exited"] = (rng.uniform(size=n) < _churn_probability(cols)).astype(np.int64)
    ids = rng.choice(max(250_000, 2 * n), size=n, replace=False)
    cols["RowNumber"] = np.arange(1, n + 1, dtype=np.int64)
    cols["CustomerId"] = (15_565_000 + ids).astype(np.int64)
    cols["Surname"] = _SURNAMES[rng.randint(len(_SURNAMES), size=n)]
    frame = pd.DataFrame({name: cols[name] for name in CHURN_COLUMNS})
    return _with_schema_dtypes(frame)


def _draw_features(rng: np.random.RandomState, n: int) -> dict[str, np.ndarray]:
    """Descriptive columns, drawn with the marginals of the real table."""
    geo = _GEOGRAPHIES[rng.choice(3, size=n, p=[0.5, 0.25, 0.25])]
    gender = np.where(rng.uniform(size=n) < 0.545, "Male", "Female")
    age = np.clip(np.round(15 + np.exp(rng.normal(3.09, 0.40, size=n))), 18, 92)
    p_active = 0.49 + 0.42 / (1 + np.exp(-(age - 62) / 5))
    active = (rng.uniform(size=n) < p_active).astype(np.int64)
    zero = (geo != "Germany") & (rng.uniform(size=n) < 0.483)
    balance = np.where(
        geo == "Germany",
        rng.normal(119_700, 27_000, size=n),
        rng.normal(119_900, 32_000, size=n),
    )
    balance = np.where(zero, 0.0, np.round(np.clip(balance, 3_500, 251_000), 2))
    p_products = np.where(
        zero[:, None], [0.25, 0.72, 0.026, 0.004], [0.655, 0.312, 0.026, 0.007]
    )
    cumulative = np.cumsum(p_products, axis=1)
    products = 1 + (rng.uniform(size=(n, 1)) > cumulative[:, :3]).sum(axis=1)
    tenure_p = np.r_[0.5, np.ones(9), 0.5]
    return {
        "CreditScore": np.clip(np.round(rng.normal(650, 97, size=n)), 350, 850),
        "Geography": geo,
        "Gender": gender,
        "Age": age,
        "Tenure": rng.choice(11, size=n, p=tenure_p / tenure_p.sum()),
        "Balance": balance,
        "NumOfProducts": products,
        "HasCrCard": (rng.uniform(size=n) < 0.7055).astype(np.int64),
        "IsActiveMember": active,
        "EstimatedSalary": np.round(rng.uniform(11.5, 200_000, size=n), 2),
    }


def _churn_probability(cols: dict[str, np.ndarray]) -> np.ndarray:
    """Probability of leaving, from a hand-set logistic model."""
    age_bump = np.exp(-(((cols["Age"] - 56) / 13) ** 2))
    products = cols["NumOfProducts"]
    has_balance = cols["Balance"] > 0
    logit = (
        -2.45
        + 4.3 * age_bump
        - cols["IsActiveMember"] * (0.6 + 2.3 * age_bump)
        + 0.75 * (cols["Geography"] == "Germany")
        + 0.5 * (cols["Gender"] == "Female")
        + 0.3 * has_balance
        + np.select(
            [products == 2, products == 3, products == 4],
            [-1.7 + 0.9 * has_balance, 3.4, 6.0],
            0.0,
        )
        - 0.003 * (cols["CreditScore"] - 650)
    )
    return 1.0 / (1.0 + np.exp(-logit))


def load_churn(path: str | os.PathLike, *, require_target: bool = True) -> pd.DataFrame:
    """Read a bank-churn CSV file and check its schema.

    Parameters
    ----------
    path : str or path-like
        The CSV file, with a header row naming the columns (for example
        ``Churn_Modelling.csv``, the file of the teaching set).
    require_target : bool, default=True
        Whether the ``Exited`` column must be there. Set it to False to read
        new customers to predict.

    Returns
    -------
    frame : pandas.DataFrame
        Every column of the file, as read. The identifier columns
        (:data:`ID_COLUMNS`) are optional; every column of
        :data:`FEATURE_COLUMNS` is there, numeric where it should be, with
        no missing values, and ``Exited`` (when present) holds only 0 and 1.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When the file cannot be read as CSV or does not have the schema;
        the message names the columns at fault.

    See Also
    --------
    make_churn : Synthetic data with the same schema.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skdl.datasets import load_churn, make_churn
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "churn.csv"
    ...     make_churn(50, random_state=0).to_csv(path, index=False)
    ...     df = load_churn(path)
    >>> df.shape
    (50, 14)
    """
    path = Path(path)
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "does not exist"
        raise FileNotFoundError(f"Churn data file {str(path)!r} {what}.")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise ValueError(
            f"Could not read {str(path)!r} as a CSV file with a header row: {e}"
        ) from e
    required = [*FEATURE_COLUMNS, TARGET_COLUMN] if require_target else FEATURE_COLUMNS
    try:
        check_churn_frame(frame, required)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return frame


def check_churn_frame(frame: pd.DataFrame, required=FEATURE_COLUMNS) -> None:
    """Raise ValueError unless ``frame`` holds valid ``required`` columns.

    Checks that every required column is there (the message names the
    missing ones), that numeric columns hold finite numbers of float32 size
    (numbers in an object column are fine), that nothing is missing, and
    that ``Exited`` holds only 0 and 1.
    """
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(
            f"Missing churn column(s) {missing}. A churn table needs the "
            f"columns {list(FEATURE_COLUMNS)} (and {TARGET_COLUMN!r} to "
            f"train or evaluate); got {[str(c) for c in frame.columns]}."
        )
    for name in required:
        column = frame[name]
        numeric = name in NUMERIC_COLUMNS or name == TARGET_COLUMN
        if numeric:
            column = as_numbers(column)
        n_missing = int(column.isna().sum())
        if n_missing:
            raise ValueError(
                f"Column {name!r} has {n_missing} missing value(s); fill or "
                "drop those rows first."
            )
        if numeric:
            _check_magnitude(column)
    if TARGET_COLUMN in required:
        values = set(np.unique(frame[TARGET_COLUMN]).tolist())
        if not values <= {0, 1}:
            raise ValueError(
                f"Column {TARGET_COLUMN!r} must hold 0 (stayed) and 1 (left); "
                f"found {sorted(values)[:5]}."
            )


def as_numbers(column: pd.Series) -> pd.Series:
    """A numeric column as numbers; an error names its first non-number."""
    if pd.api.types.is_numeric_dtype(column):
        return column
    converted = pd.to_numeric(column, errors="coerce")
    bad = column[converted.isna() & column.notna()]
    if len(bad) or pd.api.types.is_object_dtype(converted):
        found = bad.iloc[0] if len(bad) else column.iloc[0]
        raise ValueError(f"Column {column.name!r} must hold numbers; found {found!r}.")
    return converted


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _check_magnitude(column: pd.Series) -> None:
    """Refuse infinite values and values too large for float32 networks."""
    if pd.api.types.is_complex_dtype(column) or column.empty:
        return  # scikit-learn refuses complex data with its own message
    values = np.abs(column.to_numpy(dtype=np.float64))
    n_infinite = int(np.isinf(values).sum())
    if n_infinite:
        raise ValueError(
            f"Column {column.name!r} has {n_infinite} infinite value(s); fix or "
            "drop those rows first."
        )
    if values.max() > _FLOAT32_MAX:
        raise ValueError(
            f"Column {column.name!r} holds values too large for the network "
            f"(largest magnitude {values.max():.3g}; it computes in float32, "
            f"up to {_FLOAT32_MAX:.3g}); check those rows."
        )


def _with_schema_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast the columns to the types ``pandas.read_csv`` gives the real file."""
    for name in _INT_COLUMNS:
        frame[name] = frame[name].astype(np.int64)
    for name in _FLOAT_COLUMNS:
        frame[name] = frame[name].astype(np.float64)
    for name in _STR_COLUMNS:
        frame[name] = frame[name].astype(str)
    return frame
