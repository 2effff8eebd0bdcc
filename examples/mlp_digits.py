"""An MLP on handwritten digits (sklearn's 8x8 images, flattened).

python examples/mlp_digits.py
"""

from __future__ import annotations

from _util import epochs, output_path, use_agg
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skdl import MLPClassifier

use_agg()
X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixels in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
model = MLPClassifier((128,), dropout=0.2, max_iter=epochs(100, 5), random_state=0)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
display = ConfusionMatrixDisplay.from_estimator(model, X_test, y_test)
path = output_path("mlp_digits_confusion.png")
display.figure_.savefig(path)
print(f"saved {path}")
