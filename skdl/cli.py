"""The ``skdl`` command (also ``python -m skdl``).

``skdl churn train|evaluate|predict|export`` is the bank-churn job: train a
:class:`~skdl.pipelines.ChurnPipeline` on a churn CSV (or built-in synthetic
customers) and save it in skdl's safe format, score a saved model, predict
new customers, export the model to ONNX.

``skdl demo`` trains an :class:`~skdl.MLPClassifier` in a scikit-learn
pipeline on the bundled breast-cancer data and prints its cross-validated
accuracy.

Mistakes in the call (a bad path, bad JSON, missing columns) print one line
``skdl: error: ...`` and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._churn_cli import CommandError, add_churn_parser

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from . import MLPClassifier

    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(
        StandardScaler(), MLPClassifier(max_iter=args.epochs, random_state=args.seed)
    )
    cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    print(
        f"Breast cancer ({X.shape[0]} rows, {X.shape[1]} features): "
        f"{args.folds}-fold CV of StandardScaler + MLPClassifier...",
        flush=True,
    )
    scores = cross_val_score(model, X, y, cv=cv)
    for i, s in enumerate(scores, 1):
        print(f"  fold {i}: accuracy {s:.4f}")
    print(f"accuracy: {scores.mean():.4f} +/- {scores.std():.4f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``skdl``."""
    parser = argparse.ArgumentParser(
        prog="skdl", description="scikit-learn compatible deep learning."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_churn_parser(sub)
    demo = sub.add_parser("demo", help="cross-validate an MLP on bundled data")
    demo.add_argument("--folds", type=int, default=5, help="CV folds (default 5)")
    demo.add_argument("--epochs", type=int, default=200, help="epochs (default 200)")
    demo.add_argument("--seed", type=int, default=0, help="random seed")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``skdl`` command; return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return 0 if exc.code is None else int(exc.code)
    try:
        return int(args.func(args))
    except (CommandError, ValueError, TypeError, OSError) as exc:
        print(f"skdl: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skdl: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
