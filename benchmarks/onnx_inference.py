"""Inference through the exported ONNX graph against ``predict_proba``.

    python -m benchmarks.onnx_inference [--repeats 7] [--out FILE]

Fits the three exported models of the deployment docs (StandardScaler +
MLPClassifier on breast cancer, ChurnPipeline on synthetic customers, a
ConvClassifier on 8x8 digits), exports each with :func:`skdl.onnx.to_onnx`
and reports, for 1 row and 10,000 rows: the largest absolute difference of
the probabilities, and the median seconds of ``predict_proba`` and of
``onnxruntime`` (one session, one thread per core), timed round-robin so
that both see the same machine load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings

import numpy as np


def _models():
    """name -> (fitted estimator, inputs of 10,000 rows)."""
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skdl import ChurnPipeline, ConvClassifier, MLPClassifier
    from skdl.datasets import make_churn

    rng = np.random.RandomState(0)
    X, y = load_breast_cancer(return_X_y=True)
    mlp = make_pipeline(StandardScaler(), MLPClassifier(max_iter=50, random_state=0))
    churn = make_churn(10_000, random_state=0)
    digits = load_digits()
    images = (digits.images / 16.0)[..., None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of short fits
        return {
            "breast cancer MLP": (mlp.fit(X, y), X[rng.randint(0, len(X), 10_000)]),
            "ChurnPipeline": (
                ChurnPipeline(max_iter=20, random_state=0).fit(churn),
                churn,
            ),
            "ConvClassifier 8x8": (
                ConvClassifier(max_iter=5, random_state=0).fit(images, digits.target),
                images[rng.randint(0, len(images), 10_000)],
            ),
        }


def _head(X, n):
    return X.iloc[:n] if hasattr(X, "iloc") else X[:n]


def _time(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def run(repeats: int) -> list[dict]:
    import onnxruntime

    from skdl.onnx import input_feed, to_onnx

    rows = []
    for name, (est, X) in _models().items():
        graph = to_onnx(est, _head(X, 5))
        session = onnxruntime.InferenceSession(graph.SerializeToString())
        for n in (1, 10_000):
            part = _head(X, n)
            feed = input_feed(part, session)
            diff = np.abs(session.run(None, feed)[1] - est.predict_proba(part)).max()
            skdl_times, onnx_times = [], []
            for _ in range(repeats):  # round-robin: same load for both
                skdl_times += _time(lambda p=part, e=est: e.predict_proba(p), 1)
                onnx_times += _time(lambda f=feed, s=session: s.run(None, f), 1)
            rows.append(
                {
                    "model": name,
                    "rows": n,
                    "max_abs_diff": float(diff),
                    "predict_proba_s": statistics.median(skdl_times),
                    "onnxruntime_s": statistics.median(onnx_times),
                }
            )
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", help="write the rows as JSON here")
    args = parser.parse_args(argv)
    rows = run(args.repeats)
    print("| model | rows | max abs diff | predict_proba | onnxruntime | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        ratio = r["predict_proba_s"] / r["onnxruntime_s"]
        print(
            f"| {r['model']} | {r['rows']} | {r['max_abs_diff']:.2e} | "
            f"{r['predict_proba_s'] * 1e3:.2f} ms | {r['onnxruntime_s'] * 1e3:.2f} ms "
            f"| {ratio:.1f}x |"
        )
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
