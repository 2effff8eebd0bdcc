"""
A recurrent network learns binary addition, one bit at a time
=============================================================

    python examples/rnn_binary_addition.py

The classic RNN exercise: to add two 8-bit numbers, read their bits from
the least significant one, a pair per step, and output the sum's bit at
each step. Bit ``k`` of the sum depends on bits ``k`` of both numbers and
on the carry from every step before, which the network has to keep in its
state. Each training sample is the first ``k + 1`` bit pairs of two numbers
(a variable-length sequence) and its label the sum's bit ``k``; a ninth
step of zeros gives the final carry. Adding two new numbers then asks the
network for each of their nine sum bits.
"""

# %%
from __future__ import annotations

import numpy as np
from _util import FAST, epochs

from skdl import SequenceClassifier

BITS = 8
rng = np.random.RandomState(0)


def bit_pairs(a: int, b: int) -> np.ndarray:
    """Shape (BITS + 1, 2): the bits of a and b, least significant first."""
    steps = np.arange(BITS + 1)
    return np.stack([(a >> steps) & 1, (b >> steps) & 1], axis=1).astype(float)


def prefixes(numbers: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """One sample per sum bit: the first k + 1 bit pairs, and bit k of a + b."""
    X, y = [], []
    for a, b in numbers:
        pairs = bit_pairs(a, b)
        for k in range(BITS + 1):
            X.append(pairs[: k + 1])
            y.append(((a + b) >> k) & 1)
    return X, np.array(y)


def add(clf: SequenceClassifier, a: int, b: int) -> int:
    """a + b, bit by bit, as the network computes it."""
    pairs = bit_pairs(a, b)
    bits = clf.predict([pairs[: k + 1] for k in range(BITS + 1)])
    return int(sum(int(bit) << k for k, bit in enumerate(bits)))


# %%
# Train on the prefixes of 8-bit additions
# ----------------------------------------

train = rng.randint(0, 2**BITS, size=(150 if FAST else 1000, 2))
test = rng.randint(0, 2**BITS, size=(20 if FAST else 200, 2))
X, y = prefixes(train)
clf = SequenceClassifier(
    hidden_units=16,
    learning_rate_init=0.01,
    batch_size=64,
    max_iter=epochs(30, 2),
    random_state=0,
)
clf.fit(X, y)

# %%
# Add new numbers
# ---------------

X_test, y_test = prefixes(test)
print(f"{len(X)} training sequences of 1 to {BITS + 1} steps, {clf.n_iter_} epochs")
print(f"sum bits right on new numbers: {clf.score(X_test, y_test):.3f}")
right = sum(add(clf, a, b) == a + b for a, b in test)
print(f"whole sums right: {right} of {len(test)}")
a, b = (int(v) for v in test[0])
print(f"{a} + {b} = {add(clf, a, b)} (true: {a + b})")
