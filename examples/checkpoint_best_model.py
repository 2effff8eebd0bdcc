"""Keep the best model seen during training ("checkpoint the best model").

``BestModelCheckpoint`` watches a validation metric, writes the best model
to its own file (names never collide between parallel fits) and restores the
best weights at the end. A Keras ``ModelCheckpoint`` works the same way in
``callbacks``.

    python examples/checkpoint_best_model.py
"""

from __future__ import annotations

from _util import epochs, output_path
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import scale

from skdl import MLPClassifier
from skdl.backend import import_keras
from skdl.callbacks import BestModelCheckpoint

# Keras through skdl: loaded once, without the backend's start-up log lines.
keras = import_keras()

X, y = load_breast_cancer(return_X_y=True)
folder = output_path("checkpoints")
model = MLPClassifier(
    (12, 8),
    batch_size=10,
    max_iter=epochs(60, 5),
    validation_fraction=0.33,
    random_state=7,
    callbacks=[("best", BestModelCheckpoint(monitor="val_accuracy", directory=folder))],
).fit(scale(X), y)
best = model.callbacks_[0][1]
print(f"best val_accuracy {best.best_:.3f} at epoch {best.best_epoch_ + 1}")
print(f"best model file: {best.filepath_}")
reloaded = keras.saving.load_model(best.filepath_)
print("reloaded network has", reloaded.count_params(), "parameters")
