"""
A scikeras script moved to skdl: only the import changes
========================================================

The build function takes scikeras' ``meta`` dict; ``model__*`` and
``optimizer__*`` parameters are routed to the build function and the
optimizer, and GridSearchCV searches them like any other parameter. Being a
real classifier, the estimator gets stratified folds, and one-row
predictions skip ``Model.predict``.

Run it: ``python examples/scikeras_migration.py``
"""

# %%
# The scikeras build function, unchanged
# --------------------------------------

import os
import pickle
import time

import keras
import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import KerasClassifier  # was: from scikeras.wrappers import ...

FAST = os.environ.get("SKDL_EXAMPLES_FAST") == "1"
EPOCHS = 3 if FAST else 20


def get_clf(meta, hidden_layer_sizes, dropout):
    """Build the network from what skdl learned about the data."""
    model = keras.Sequential()
    model.add(keras.Input((meta["n_features_in_"],)))
    for size in hidden_layer_sizes:
        model.add(keras.layers.Dense(size, activation="relu"))
        model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(meta["n_classes_"], activation="softmax"))
    return model


# %%
# The estimator
# -------------

X, y = load_iris(return_X_y=True)
clf = KerasClassifier(
    model=get_clf,
    loss="sparse_categorical_crossentropy",
    optimizer="adam",
    optimizer__learning_rate=0.01,
    model__hidden_layer_sizes=(16,),
    model__dropout=0.1,
    epochs=EPOCHS,
    batch_size=16,
    random_state=0,
)

# %%
# Cross-validation and grid search
# --------------------------------
# 5-fold cross-validation: stratified, because this is a classifier.
pipe = make_pipeline(StandardScaler(), clf)
scores = cross_val_score(pipe, X, y, cv=3 if FAST else 5)
print(f"cross-validated accuracy: {scores.mean():.3f} (+/- {scores.std():.3f})")

# Grid search over routed parameters; every other setting is kept.
grid = {"kerasclassifier__model__hidden_layer_sizes": [(8,), (16,)]}
if not FAST:
    grid["kerasclassifier__optimizer__learning_rate"] = [0.01, 0.03]
search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
best = search.best_estimator_[-1]
print(f"best {search.best_params_}: {search.best_score_:.3f}")
print(f"best estimator still trains for epochs={best.epochs}")

# %%
# Pickle, reload and predict one row, timed
# -----------------------------------------
restored = pickle.loads(pickle.dumps(search.best_estimator_))
assert np.array_equal(restored.predict(X), search.predict(X))
restored.predict(X[:1])
start = time.perf_counter()
for _ in range(10):
    restored.predict(X[:1])
print(f"one-row predict: {100 * (time.perf_counter() - start):.1f} ms")
