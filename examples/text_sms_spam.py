"""
Spam filtering on raw text messages with SequenceClassifier
===========================================================

    python examples/text_sms_spam.py [path/to/sms_spam.tsv]

The SMS Spam Collection (tab-separated ``Label<TAB>SMS``, labels ham/spam)
is read from the given path, else from ``$SKDL_SHARED_DATA/sms_spam.tsv``
or ``../shared/data/sms_spam.tsv`` beside the checkout. Without the file
the example generates short messages instead, so it always runs offline.
The estimator takes the strings as they are: it learns the vocabulary in
``fit``, and ``cross_val_score`` or ``GridSearchCV`` split raw texts like
any other data.
"""

# %%
from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import numpy as np
from _util import FAST, epochs, use_agg
from sklearn.metrics import ConfusionMatrixDisplay, classification_report
from sklearn.model_selection import train_test_split

from skdl import SequenceClassifier

use_agg()
import matplotlib.pyplot as plt  # noqa: E402


def find_data() -> Path | None:
    candidates = sys.argv[1:2]
    if os.environ.get("SKDL_SHARED_DATA"):
        candidates.append(str(Path(os.environ["SKDL_SHARED_DATA"]) / "sms_spam.tsv"))
    candidates.append(
        # The script's path: sys.argv[0] (the gallery defines no __file__).
        str(Path(sys.argv[0]).resolve().parents[2] / "shared/data/sms_spam.tsv")
    )
    return next((Path(c) for c in candidates if Path(c).exists()), None)


def generated_messages(n: int = 1500) -> tuple[list[str], list[str]]:
    """Stand-in messages: spam ones offer prizes and ask for a call."""
    rng = np.random.RandomState(0)
    ham = [
        "see you at lunch",
        "running late, home soon",
        "thanks for dinner",
        "can you call mum later",
        "ok see you tomorrow",
        "where are you now",
    ]
    spam = [
        "you won a free prize",
        "claim your cash award now",
        "urgent! call to claim",
        "free entry, text win to",
    ]
    texts, labels = [], []
    for i in range(n):
        is_spam = i % 7 == 0
        text = rng.choice(spam if is_spam else ham)
        if is_spam:
            text += f" call 0{rng.randint(10**9, 10**10)}"
        texts.append(text)
        labels.append("spam" if is_spam else "ham")
    return texts, labels


path = find_data()
if path is not None:
    import pandas as pd

    table = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE)
    texts, labels = list(table["SMS"]), list(table["Label"])
    print(f"{len(texts)} messages from {path.name}")
else:
    texts, labels = generated_messages()
    print(f"no sms_spam.tsv found: {len(texts)} generated messages")

X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.2, stratify=labels, random_state=0
)
if FAST:  # a slice keeps the smoke run short
    X_train, y_train = X_train[:1500], y_train[:1500]

# %%
# Train on the raw strings
# ------------------------

clf = SequenceClassifier(max_iter=epochs(10, 3), random_state=0)
start = time.perf_counter()
clf.fit(X_train, y_train)
print(
    f"fit in {time.perf_counter() - start:.1f} s: {len(clf.vocabulary_)} words, "
    f"{clf.max_length_} tokens per message"
)
predicted = clf.predict(X_test)
print(classification_report(y_test, predicted, digits=3, zero_division=0))
ConfusionMatrixDisplay.from_predictions(y_test, predicted, colorbar=False)
plt.title("SMS spam filter, test messages")

# %%
# New messages
# ------------
new = [
    "WINNER!! claim your free prize now, call 09061701461",
    "are we still on for lunch tomorrow?",
]
for text, label in zip(new, clf.predict(new), strict=True):
    print(f"{label:>4}: {text}")
