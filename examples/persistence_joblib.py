"""
Save a fitted pipeline with joblib and load it back
===================================================

Pickles (joblib) can run code when loaded: only load files you trust. For
files from elsewhere, :func:`skdl.save` and :func:`skdl.load` use a safe
format.

Run it: ``python examples/persistence_joblib.py``
"""

# %%
# Fit, dump, load, compare
# ------------------------

import joblib
import numpy as np
from _util import epochs, output_path
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

X, y = load_breast_cancer(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(), MLPClassifier((16,), max_iter=epochs(50, 3), random_state=0)
).fit(X, y)
path = output_path("breast_cancer_mlp.joblib")
joblib.dump(pipe, path)
loaded = joblib.load(path)
same = np.array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
print(f"saved to {path.name}; identical predictions after loading: {same}")
