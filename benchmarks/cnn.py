"""The MNIST lesson's CNN: skdl's ConvClassifier against the same Keras model.

    python -m benchmarks.cnn [--mnist PATH] [--epochs 10] [--device auto]
                             [--cpu-rows 10000] [--out FILE]

Trains the tutorials' "larger CNN" (two conv blocks, 30 and 15 filters of
5x5, dense 128 and 50) through ``ConvClassifier``, then the very same
network (cloned from skdl's) through plain ``model.fit`` with the same
batches and epochs, on the chosen device. Prints test accuracy and training
samples per second for both, plus skdl on the CPU (one epoch on
``--cpu-rows`` images) for the GPU/CPU ratio. MNIST comes from a local
``mnist.npz`` (``--mnist``, or ``$SKDL_SHARED_DATA/mnist.npz``, or
``../shared/data/mnist.npz``); without one, sklearn's 8x8 digits stand in.
Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

LARGER_CNN = dict(
    filters=(30, 15),
    kernel_size=5,
    dense_layer_sizes=(128, 50),
    dropout=[0.0, 0.2, 0.0, 0.0],
    batch_size=200,
)


def _find_mnist(path: str | None) -> Path | None:
    candidates = [path] if path else []
    shared = os.environ.get("SKDL_SHARED_DATA")
    if shared:
        candidates.append(str(Path(shared) / "mnist.npz"))
    candidates.append(
        str(Path(__file__).resolve().parents[2] / "shared/data/mnist.npz")
    )
    for c in candidates:
        if c and Path(c).exists():
            return Path(c)
    return None


def load(path: str | None):
    """``(X_train, y_train, X_test, y_test, source)`` as uint8 images."""
    found = _find_mnist(path)
    if found is not None:
        from skdl.datasets import load_mnist

        (X_tr, y_tr), (X_te, y_te) = load_mnist(found)
        return X_tr, y_tr, X_te, y_te, f"MNIST ({found.name})"
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X.reshape(-1, 8, 8) * 16).clip(0, 255).astype(np.uint8)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)
    return X_tr, y_tr, X_te, y_te, "sklearn digits (no mnist.npz found)"


def _skdl(X, y, X_te, y_te, epochs: int, device: str) -> tuple[dict, object]:
    from skdl import ConvClassifier

    clf = ConvClassifier(
        **LARGER_CNN, max_iter=epochs, tol=0.0, random_state=0, device=device
    )
    start = time.perf_counter()
    clf.fit(X, y)
    seconds = time.perf_counter() - start
    row = {
        "tool": f"skdl ConvClassifier ({device})",
        "fit_s": seconds,
        "samples_per_s": len(X) * clf.n_iter_ / seconds,
        "test_accuracy": float(clf.score(X_te, y_te)),
    }
    return row, clf


def _raw_keras(clf, X, y, X_te, y_te, epochs: int, device: str) -> dict:
    from skdl.backend import device_scope, import_keras

    keras = import_keras()
    x = (X.astype(np.float32) / 255.0)[..., None]
    x_te = (X_te.astype(np.float32) / 255.0)[..., None]
    with device_scope(device):
        keras.utils.set_random_seed(0)
        model = keras.models.clone_model(clf.model_)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-3),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        start = time.perf_counter()
        model.fit(x, y, batch_size=LARGER_CNN["batch_size"], epochs=epochs, verbose=0)
        seconds = time.perf_counter() - start
        _, acc = model.evaluate(x_te, y_te, verbose=0)
    return {
        "tool": f"raw Keras model.fit ({device})",
        "fit_s": seconds,
        "samples_per_s": len(X) * epochs / seconds,
        "test_accuracy": float(acc),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cnn")
    parser.add_argument("--mnist", default=None, help="path to mnist.npz")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--cpu-rows", type=int, default=10000)
    parser.add_argument("--out", default=None, help="JSON file to write")
    args = parser.parse_args(argv)

    from skdl.backend import backend_name, resolve_device

    X, y, X_te, y_te, source = load(args.mnist)
    device = resolve_device(args.device)
    print(
        f"{source}: {len(X)} training / {len(X_te)} test images; "
        f"backend {backend_name()}, device {device}, {args.epochs} epochs",
        flush=True,
    )
    rows = []
    row, clf = _skdl(X, y, X_te, y_te, args.epochs, device)
    rows.append(row)
    rows.append(_raw_keras(clf, X, y, X_te, y_te, args.epochs, device))
    if device != "cpu:0" and args.cpu_rows > 0:
        n = min(args.cpu_rows, len(X))
        cpu_row, _ = _skdl(X[:n], y[:n], X_te, y_te, 1, "cpu")
        cpu_row["tool"] += f", 1 epoch on {n} images"
        rows.append(cpu_row)
    print(f"{'tool':55} {'fit s':>8} {'samples/s':>11} {'test acc':>9}")
    for r in rows:
        print(
            f"{r['tool']:55} {r['fit_s']:8.1f} {r['samples_per_s']:11.0f} "
            f"{r['test_accuracy']:9.4f}"
        )
    skdl_rate, keras_rate = rows[0]["samples_per_s"], rows[1]["samples_per_s"]
    print(f"skdl / raw Keras throughput: {skdl_rate / keras_rate:.2f}x")
    if len(rows) > 2:
        print(
            f"GPU / CPU throughput (skdl): {skdl_rate / rows[2]['samples_per_s']:.1f}x"
        )
    if args.out:
        payload = {
            "source": source,
            "backend": backend_name(),
            "device": device,
            "epochs": args.epochs,
            "rows": rows,
        }
        Path(args.out).write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
