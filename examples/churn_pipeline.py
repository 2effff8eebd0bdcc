"""
Bank-churn prediction with ChurnPipeline, from the raw customer table
=====================================================================

:class:`~skdl.ChurnPipeline` trains on 80% of the customers (stratified);
the example reports accuracy and ROC AUC on the other 20%, draws the
confusion matrix at a lower decision threshold and the ROC curve, and
predicts one new customer given as a dict.

Run it: ``python examples/churn_pipeline.py [Churn_Modelling.csv]``
(without the file: synthetic customers from
:func:`skdl.datasets.make_churn`).
"""

# %%
# The customer table
# ------------------

import sys
import time
import warnings
from pathlib import Path

from _util import FAST, output_path, use_agg
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    RocCurveDisplay,
    accuracy_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split

from skdl import ChurnPipeline
from skdl.datasets import load_churn, make_churn

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

if FAST:  # 30 epochs are too few to converge; that is the point of FAST.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

if len(sys.argv) > 1:
    df = load_churn(sys.argv[1])
    print(f"{Path(sys.argv[1]).name}: {len(df)} customers")
    if FAST:  # fewer customers for the short run
        df = df.sample(n=min(len(df), 3000), random_state=0)
else:
    df = make_churn(2000 if FAST else 10000, random_state=0)
    print(f"Synthetic data: {len(df)} customers (skdl.datasets.make_churn)")

# %%
# Train on the raw table
# ----------------------
# The raw table goes in as it is: ChurnPipeline drops the identifier columns,
# encodes Geography and Gender and scales the numbers itself.

train, test = train_test_split(df, test_size=0.2, stratify=df["Exited"], random_state=0)
# FAST: few epochs, so smaller batches (more steps per epoch).
quick = {"max_iter": 30, "batch_size": 32} if FAST else {}
clf = ChurnPipeline(random_state=0, **quick)
start = time.perf_counter()
clf.fit(train, train["Exited"])
print(f"Trained in {time.perf_counter() - start:.1f} s")

churn = clf.predict_proba(test)[:, 1]
print(f"Holdout accuracy: {accuracy_score(test['Exited'], clf.predict(test)):.4f}")
print(f"Holdout ROC AUC:  {roc_auc_score(test['Exited'], churn):.4f}")

# %%
# A lower threshold catches more leavers
# --------------------------------------
# ``threshold`` is a parameter: changing it needs no refit.

clf.set_params(threshold=0.3)
pred = clf.predict(test)
print(f"At threshold 0.3: {int(pred.sum())} of {len(test)} flagged to leave")
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
ConfusionMatrixDisplay.from_predictions(
    test["Exited"], pred, display_labels=["stays", "leaves"], ax=left, colorbar=False
)
left.set_title("Churn, threshold 0.3")
RocCurveDisplay.from_predictions(test["Exited"], churn, ax=right, name="ChurnPipeline")
right.set_title("ROC curve, holdout customers")
fig.tight_layout()
fig.savefig(output_path("churn_confusion_matrix.png"))
clf.set_params(threshold=0.5)

# %%
# One new customer, as a dict
# ---------------------------
# The new customer of the "Python Deep Learning" tutorial.

NEW_CUSTOMER = {
    "Geography": "Spain",
    "CreditScore": 500,
    "Gender": "Female",
    "Age": 40,
    "Tenure": 3,
    "Balance": 50000,
    "NumOfProducts": 2,
    "HasCrCard": 1,
    "IsActiveMember": 1,
    "EstimatedSalary": 40000,
}
proba = clf.predict_proba(NEW_CUSTOMER)[0, 1]
verdict = "leaves" if clf.predict(NEW_CUSTOMER)[0] == 1 else "stays"
print(f"New customer: churn probability {proba:.3f} -> {verdict}")
