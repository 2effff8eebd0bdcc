"""
Learning-rate schedules: time-based decay, and scikit-learn's modes
===================================================================

The tutorial's time-based decay (SGD, rate 0.1, momentum 0.9, decay 1e-4) is
Keras' ``InverseTimeDecay`` with ``decay_steps=1``: the rate after ``t``
updates is ``0.1 / (1 + 1e-4 * t)``. scikit-learn's ``learning_rate`` modes
(``'invscaling'``, ``'adaptive'``) work as in its own MLP.

Run it: ``python examples/learning_rate_schedule.py``
"""

# %%
# Time-based decay, a Keras schedule
# ----------------------------------

import numpy as np
from _util import epochs, use_agg
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import scale

from skdl import MLPClassifier
from skdl.backend import import_keras

use_agg()
import matplotlib.pyplot as plt  # noqa: E402

# Keras through skdl: loaded once, without the backend's start-up log lines.
keras = import_keras()

X, y = load_breast_cancer(return_X_y=True)
X = scale(X)
decay = keras.optimizers.schedules.InverseTimeDecay(
    initial_learning_rate=0.1, decay_steps=1, decay_rate=1e-4
)
model = MLPClassifier(
    (34,),
    solver="sgd",
    momentum=0.9,
    nesterovs_momentum=False,
    learning_rate=decay,
    batch_size=28,
    max_iter=epochs(50, 3),
    random_state=7,
).fit(X, y)
steps = int(model.model_.optimizer.iterations)
print(f"time-based decay: {steps} updates, rate now {float(decay(steps)):.5f}")
print(f"accuracy {model.score(X, y):.3f}")

# %%
# The rate the optimizer used at each update
# ------------------------------------------

updates = np.arange(steps + 1)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(updates, [float(decay(int(t))) for t in updates])
ax.set(xlabel="update", ylabel="learning rate", title="InverseTimeDecay(0.1, 1, 1e-4)")
fig.tight_layout()

# %%
# scikit-learn's modes
# --------------------

for mode in ("invscaling", "adaptive"):
    m = MLPClassifier(
        (34,),
        solver="sgd",
        learning_rate=mode,
        learning_rate_init=0.1,
        max_iter=epochs(50, 3),
        random_state=7,
    ).fit(X, y)
    rate = float(np.asarray(m.model_.optimizer.learning_rate))
    print(
        f"{mode:10}: {m.n_iter_} epochs, final rate {rate:.5f}, "
        f"accuracy {m.score(X, y):.3f}"
    )
