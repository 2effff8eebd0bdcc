"""Bank-churn prediction with ChurnPipeline, from the raw customer table.

Usage::

    python examples/churn_pipeline.py                        # synthetic data
    python examples/churn_pipeline.py Churn_Modelling.csv    # the real file

Trains on 80% of the customers (stratified), reports accuracy and ROC AUC on
the other 20%, saves a confusion-matrix PNG beside the working directory, and
predicts one new customer given as a dict. ``SKDL_EXAMPLES_FAST=1`` runs a
quick version (fewer customers and epochs) for smoke tests.
"""

from __future__ import annotations

import os
import sys
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

from skdl import ChurnPipeline
from skdl.datasets import load_churn, make_churn
from skdl.plotting import save_confusion_matrix

FAST = os.environ.get("SKDL_EXAMPLES_FAST") == "1"
if FAST:  # 30 epochs are too few to converge; that is the point of FAST.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

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


def main(argv: list[str]) -> None:
    if argv:
        df = load_churn(argv[0])
        print(f"{argv[0]}: {len(df)} customers")
    else:
        df = make_churn(2000 if FAST else 10000, random_state=0)
        print(f"Synthetic data: {len(df)} customers (skdl.datasets.make_churn)")

    # The raw table goes in as it is: ChurnPipeline drops the identifier
    # columns, encodes Geography and Gender and scales the numbers itself.
    train, test = train_test_split(
        df, test_size=0.2, stratify=df["Exited"], random_state=0
    )
    # FAST: few epochs, so smaller batches (more steps per epoch).
    quick = {"max_iter": 30, "batch_size": 32} if FAST else {}
    clf = ChurnPipeline(random_state=0, **quick)
    start = time.perf_counter()
    clf.fit(train, train["Exited"])
    print(f"Trained in {time.perf_counter() - start:.1f} s")

    churn = clf.predict_proba(test)[:, 1]
    print(f"Holdout accuracy: {accuracy_score(test['Exited'], clf.predict(test)):.4f}")
    print(f"Holdout ROC AUC:  {roc_auc_score(test['Exited'], churn):.4f}")

    # Catch more leavers by lowering the decision threshold (no refit).
    clf.set_params(threshold=0.3)
    pred = clf.predict(test)
    print(f"At threshold 0.3: {int(pred.sum())} of {len(test)} flagged to leave")
    path = save_confusion_matrix(
        test["Exited"],
        pred,
        "churn_confusion_matrix.png",
        display_labels=["stays", "leaves"],
        title="Churn, threshold 0.3",
    )
    print(f"Saved {path}")
    clf.set_params(threshold=0.5)

    proba = clf.predict_proba(NEW_CUSTOMER)[0, 1]
    verdict = "leaves" if clf.predict(NEW_CUSTOMER)[0] == 1 else "stays"
    print(f"New customer: churn probability {proba:.3f} -> {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
