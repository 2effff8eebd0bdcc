"""Training from image files against the same images held in memory.

    python -m benchmarks.images [--n 8000] [--side 96] [--in-memory 512]
                                [--throughput-n 2048] [--repeats 3]
                                [--root DIR] [--out FILE]

Writes ``--n`` RGB PNGs of ``--side`` pixels in ten class folders (sklearn's
digits, enlarged, each drawn in a random colour on a random background;
nothing is downloaded), then measures, each run in a fresh process:

* **memory**: peak resident memory of one epoch of ``ConvClassifier``
  trained from all the paths, against the same network trained on the
  first ``--in-memory`` images decoded into an array. The target is a
  difference of at most 200 MB: decoding happens batch by batch, so the
  peak must not grow with the number of files.
* **throughput**: images per second of training (median epoch after the
  first, which traces the network) from the paths of ``--throughput-n``
  images, against the same images already in memory. Target: at most
  1.5 times slower from files.

Rounds are round-robin (files, memory, files, memory...); medians are
reported. Prints one JSON object per row and writes them to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The network of every measurement: small enough for a CPU, convolutions
# on the full-size images.
NET = dict(filters=(16, 32), dense_layer_sizes=(64,), batch_size=32, random_state=0)


def write_images(root: Path, n: int, side: int, seed: int = 0) -> None:
    """``n`` coloured digits as ``side`` x ``side`` RGB PNGs, a folder per class."""
    from PIL import Image
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        k = i % len(X)
        ink = (X[k].reshape(8, 8) / 16.0)[..., None]
        fg, bg = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        small = (ink * fg + (1 - ink) * bg).astype(np.uint8)
        img = Image.fromarray(small).resize((side, side), Image.Resampling.BILINEAR)
        folder = root / str(y[k])
        folder.mkdir(parents=True, exist_ok=True)
        img.save(folder / f"{i:05d}.png")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _epoch_timer():
    from skdl.backend import import_keras

    keras = import_keras()

    class EpochTimes(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times: list[float] = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    return EpochTimes()


def measure(mode: str, root: Path, n: int | None, epochs: int) -> dict:
    """One fit in this process: ``mode`` is ``'files'`` or ``'memory'``."""
    from skdl import ConvClassifier
    from skdl._training.image_files import decode_image, first_image_size
    from skdl.datasets import load_image_folder

    paths, labels, _ = load_image_folder(root, check_files=False)
    order = np.random.default_rng(0).permutation(len(paths))[:n]
    paths, labels = paths[order], labels[order]
    side = first_image_size(paths[0])
    timer = _epoch_timer()
    clf = ConvClassifier(**NET, max_iter=epochs, callbacks=[timer], tol=0.0)
    if mode == "files":
        X = paths
        clf.set_params(image_size=side)
    else:
        # uint8, as decoded images are usually kept (scaled in fit).
        X = np.stack([decode_image(p, side, "rgb") for p in paths])
    start = time.perf_counter()
    clf.fit(X, labels)
    fitted = clf.callbacks_[0]  # fit trains a copy of the callback
    times = (fitted[1] if isinstance(fitted, tuple) else fitted).times
    later = times[1:] or times
    return {
        "mode": mode,
        "images": len(paths),
        "epochs": len(times),
        "fit_s": time.perf_counter() - start,
        "images_per_s": len(paths) / float(np.median(later)),
        "peak_mb": _peak_mb(),
        "engine": clf.fit_engine_[0],
    }


def _fresh(mode: str, root: Path, n: int | None, epochs: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.images", "--measure", mode]
    cmd += ["--root", str(root), "--epochs", str(epochs)]
    if n is not None:
        cmd += ["--measure-n", str(n)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _median_row(name: str, runs: dict, key: str, target: str) -> dict:
    files = float(np.median([r[key] for r in runs["files"]]))
    memory = float(np.median([r[key] for r in runs["memory"]]))
    return {
        "benchmark": name,
        "files": files,
        "memory": memory,
        "files_images": runs["files"][0]["images"],
        "memory_images": runs["memory"][0]["images"],
        "repeats": len(runs["files"]),
        "target": target,
    }


def run(args) -> list[dict]:
    root = Path(args.root or tempfile.mkdtemp(prefix="skdl-images-"))
    if not any(root.glob("*/*.png")):
        start = time.perf_counter()
        write_images(root, args.n, args.side)
        print(f"wrote {args.n} PNGs in {time.perf_counter() - start:.0f} s", flush=True)
    rows = []
    memory = {"files": [], "memory": []}
    speed = {"files": [], "memory": []}
    for _ in range(args.repeats):
        memory["files"].append(_fresh("files", root, None, 1))
        memory["memory"].append(_fresh("memory", root, args.in_memory, 1))
        speed["files"].append(_fresh("files", root, args.throughput_n, 3))
        speed["memory"].append(_fresh("memory", root, args.throughput_n, 3))
    row = _median_row("peak_mb", memory, "peak_mb", "files - memory <= 200 MB")
    row["difference_mb"] = row["files"] - row["memory"]
    rows.append(row)
    row = _median_row("images_per_s", speed, "images_per_s", "memory / files <= 1.5")
    row["ratio"] = row["memory"] / row["files"]
    rows.append(row)
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.images")
    parser.add_argument("--n", type=int, default=8000, help="PNG files to write")
    parser.add_argument("--side", type=int, default=96, help="image side, pixels")
    parser.add_argument("--in-memory", type=int, default=512)
    parser.add_argument("--throughput-n", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--root", default=None, help="folder of PNGs (reused)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--measure", choices=["files", "memory"], help=argparse.SUPPRESS
    )
    parser.add_argument("--measure-n", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        result = measure(args.measure, Path(args.root), args.measure_n, args.epochs)
        print(json.dumps(result))
        return
    rows = run(args)
    for row in rows:
        print(json.dumps(row))
    if args.out is not None:
        args.out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
