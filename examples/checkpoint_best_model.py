"""
Keep the best model seen during training
========================================

:class:`~skdl.callbacks.BestModelCheckpoint` watches a validation metric,
writes the best model to its own file (names never collide between parallel
fits) and restores the best weights at the end. A Keras ``ModelCheckpoint``
works the same way in ``callbacks``.

Run it: ``python examples/checkpoint_best_model.py``
"""

# %%
# Train with the checkpoint
# -------------------------

from _util import epochs, output_path, use_agg
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import scale

from skdl import MLPClassifier
from skdl.backend import import_keras
from skdl.callbacks import BestModelCheckpoint

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

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

# %%
# Where the best epoch lies
# -------------------------
# The validation accuracy per epoch, and the epoch whose weights were kept.

val = model.history_["val_accuracy"]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(range(1, len(val) + 1), val, marker=".", label="val_accuracy")
ax.axvline(best.best_epoch_ + 1, color="tab:red", linestyle="--", label="kept")
ax.set(xlabel="epoch", ylabel="validation accuracy")
ax.legend()

# %%
# Load the saved file back
# ------------------------
# The file is an ordinary ``.keras`` archive.

reloaded = keras.saving.load_model(best.filepath_)
print("reloaded network has", reloaded.count_params(), "parameters")
