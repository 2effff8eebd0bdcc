"""``skdl churn``: train, evaluate and use a bank-churn model from the shell.

User errors (a bad path, bad JSON, missing columns, a file that is no
model) are raised as :class:`CommandError`, ``ValueError`` or ``OSError``;
``skdl.cli.main`` prints them in one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

__all__ = ["CommandError", "add_churn_parser"]

DEFAULT_MODEL = "churn_model.skops"
_LABELS = {0: "stays", 1: "leaves"}


class CommandError(Exception):
    """A mistake in how the command was called; printed without traceback."""


def _say(message: str) -> None:
    print(message, flush=True)


# -- data -----------------------------------------------------------------------
def _load_table(args: argparse.Namespace, *, require_target: bool, seed: int):
    """The customers of ``--data``, or built-in synthetic ones."""
    from .datasets import load_churn, make_churn

    if args.data is not None:
        frame = load_churn(args.data, require_target=require_target)
        _say(f"Data: {args.data} ({len(frame)} customers)")
        return frame
    frame = make_churn(args.samples, random_state=seed)
    _say(
        f"Data: built-in synthetic customers ({len(frame)} rows, seed {seed}); "
        "pass --data CSV for your own"
    )
    return frame


def _load_model(path: str, *, allow_pickle: bool = False):
    """The ChurnPipeline saved at ``path``: a safe skdl file, or a pickle
    when the caller allows it."""
    from . import persistence
    from .pipelines import ChurnPipeline

    file = Path(path)
    if not file.is_file():
        raise CommandError(
            f"Model file {path!r} does not exist; train one with "
            f"`skdl churn train --model {path}`."
        )
    with open(file, "rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"
    if is_zip:
        model = persistence.load(file)
    elif allow_pickle:
        model = _unpickle(path)
    else:
        raise CommandError(
            f"{path!r} is not a model saved by `skdl churn train` (not a safe "
            "skdl file). If it is a joblib pickle from a source you trust, "
            "add --allow-pickle (loading a pickle can run code from the file)."
        )
    if not isinstance(model, ChurnPipeline):
        raise CommandError(
            f"{path!r} holds a {type(model).__name__}, not a fitted "
            "ChurnPipeline saved by `skdl churn train`."
        )
    return model


def _unpickle(path: str):
    import joblib

    print(
        f"skdl: warning: loading {path!r} as a pickle, which runs code from "
        "the file; load pickles from trusted sources only, and save the model "
        "again with `skdl churn train` for the safe format.",
        file=sys.stderr,
        flush=True,
    )
    try:
        return joblib.load(path)
    except Exception as exc:  # any unpickling failure
        raise CommandError(
            f"{path!r} is not a model saved by `skdl churn train` "
            f"({type(exc).__name__}: {exc})."
        ) from None


def _read_customers(text: str) -> list[dict[str, Any]]:
    """Customers from ``--customer``: JSON text or a JSON file's path."""
    source = "--customer"
    file = Path(text)
    if not text.lstrip().startswith(("{", "[")):
        if not file.is_file():
            raise CommandError(
                f"--customer must be a JSON object or the path of a JSON "
                f"file; {text!r} is neither."
            )
        source, text = str(file), file.read_text(encoding="utf-8")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{source} is not valid JSON: {exc}.") from None
    rows = value if isinstance(value, list) else [value]
    if not rows or not all(isinstance(r, dict) for r in rows):
        raise CommandError(
            f"{source} must hold one JSON object of column values (or a list "
            'of them), such as {"Geography": "Spain", "Age": 40, ...}.'
        )
    return rows


# -- train ------------------------------------------------------------------------
def _train(args: argparse.Namespace) -> int:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from .backend import resolve_device
    from .datasets import TARGET_COLUMN
    from .pipelines import ChurnPipeline

    device = resolve_device(args.device)  # a bad --device fails before the data
    frame = _load_table(args, require_target=True, seed=args.seed)
    y = frame[TARGET_COLUMN]
    train, test = train_test_split(
        frame, test_size=args.test_size, stratify=y, random_state=args.seed
    )
    _say(
        f"Split: {len(train)} customers for training, {len(test)} held out "
        f"(stratified, seed {args.seed})"
    )
    model = ChurnPipeline(random_state=args.seed, device=args.device)
    if args.epochs is not None:
        model.set_params(max_iter=args.epochs)
    epochs = model.max_iter
    model.set_params(callbacks=[_epoch_progress(epochs)])
    _say(
        f"Training ChurnPipeline: network {tuple(model.hidden_layer_sizes)}, "
        f"up to {epochs} epochs on {device}..."
    )
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(train, train[TARGET_COLUMN])
    seconds = time.perf_counter() - start
    # The progress printer is for this run only: not saved with the model.
    model.set_params(callbacks=None)
    model.pipeline_.set_params(mlp__callbacks=None)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        _say(
            f"Note: training reached the epoch limit ({epochs}) before the "
            "loss settled; more --epochs may help."
        )
    _say(f"Trained in {seconds:.1f} s ({model.network_.n_iter_} epochs)")
    _print_scores(model, test, "Holdout")
    out = Path(args.model)
    from .persistence import save

    save(model, out)
    _say(f"Saved the model to {out}")
    return 0


def _epoch_progress(total: int):
    """A Keras callback printing a progress line every tenth of the epochs."""
    from .callbacks import EpochLogger

    return EpochLogger(every=max(1, total // 10), total=total, metrics=["loss"])


def _print_scores(model, frame, label: str) -> tuple[Any, Any]:
    from sklearn.metrics import accuracy_score, roc_auc_score

    from .datasets import TARGET_COLUMN

    y = frame[TARGET_COLUMN].to_numpy()
    churn = model.predict_proba(frame)[:, 1]
    pred = model.predict(frame)
    acc, auc = (
        (f"{label} accuracy", f"{label} ROC AUC") if label else ("Accuracy", "ROC AUC")
    )
    _say(f"{acc}: {accuracy_score(y, pred):.4f}")
    if len(set(y.tolist())) == 2:
        _say(f"{auc}: {roc_auc_score(y, churn):.4f}")
    else:
        _say(f"{auc}: undefined (the data has only one class)")
    return pred, churn


# -- evaluate ---------------------------------------------------------------------
def _evaluate(args: argparse.Namespace) -> int:
    from sklearn.metrics import classification_report, confusion_matrix

    from .datasets import TARGET_COLUMN

    model = _load_model(args.model, allow_pickle=args.allow_pickle)
    _say(f"Model: {args.model} (threshold {model.threshold})")
    frame = _load_table(args, require_target=True, seed=args.seed)
    _say("Predicting...")
    pred, churn = _print_scores(model, frame, "")
    y = frame[TARGET_COLUMN].to_numpy()
    labels = model.classes_.tolist()
    matrix = confusion_matrix(y, pred, labels=labels)
    _say("Confusion matrix (rows: true, columns: predicted):")
    names = [_LABELS.get(c, str(c)) for c in labels]
    _say("          " + "".join(f"{n:>9}" for n in names))
    for name, row in zip(names, matrix, strict=True):
        _say(f"  {name:<8}" + "".join(f"{v:>9}" for v in row))
    _say("Classification report:")
    report = classification_report(
        y, pred, labels=labels, target_names=names, digits=4, zero_division=0
    )
    _say(report)
    if args.plots is not None:
        _save_plots(Path(args.plots), y, pred, churn, names)
    return 0


def _save_plots(folder: Path, y, pred, churn, names) -> None:
    from .plotting import save_confusion_matrix, save_roc_curve

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CommandError(
            "--plots needs matplotlib; install it with `pip install matplotlib`."
        ) from None
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"--plots {str(folder)!r} is a file, not a folder.")
    folder.mkdir(parents=True, exist_ok=True)
    cm = save_confusion_matrix(
        y,
        pred,
        folder / "confusion_matrix.png",
        display_labels=names,
        title="Churn: confusion matrix",
    )
    roc = save_roc_curve(
        y,
        churn,
        folder / "roc_curve.png",
        name="ChurnPipeline",
        title="Churn: ROC curve",
    )
    _say(f"Saved plots: {cm}, {roc}")


# -- predict ----------------------------------------------------------------------
def _predict(args: argparse.Namespace) -> int:
    import pandas as pd

    from .datasets import load_churn

    model = _load_model(args.model, allow_pickle=args.allow_pickle)
    if args.customer is not None:
        frame = pd.DataFrame(_read_customers(args.customer))
    else:
        frame = load_churn(args.data, require_target=False)
        _say(f"Data: {args.data} ({len(frame)} customers)")
    churn = model.predict_proba(frame)[:, 1]
    pred = model.predict(frame)
    names = (
        frame["CustomerId"].astype(str).tolist()
        if "CustomerId" in frame.columns
        else [str(i) for i in range(1, len(frame) + 1)]
    )
    if args.output is not None:
        out = pd.DataFrame(
            {"customer": names, "churn_probability": churn, "Exited": pred}
        )
        out.to_csv(args.output, index=False)
        _say(f"Saved {len(out)} predictions to {args.output}")
    else:
        for name, p, label in zip(names, churn, pred, strict=True):
            verdict = _LABELS.get(label, str(label))
            _say(f"customer {name}: churn probability {p:.4f} -> {verdict}")
    leave = int((pred == model.classes_[1]).sum())
    _say(
        f"{leave} of {len(pred)} customer(s) predicted to leave "
        f"(threshold {model.threshold})"
    )
    return 0


# -- parser -------------------------------------------------------------------------
def _export(args: argparse.Namespace) -> int:
    from .datasets import make_churn
    from .onnx import to_onnx

    model = _load_model(args.model, allow_pickle=args.allow_pickle)
    out = Path(args.out)
    to_onnx(model, make_churn(5, random_state=0), path=out)
    _say(
        f"Exported the model to {out}: one input per customer column, outputs "
        "'label' and 'probabilities'"
    )
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1; got {value}")
    return value


def _add_data_args(parser: argparse.ArgumentParser, default_seed: int) -> None:
    parser.add_argument(
        "--data", metavar="CSV", help="churn CSV file (default: built-in data)"
    )
    parser.add_argument(
        "--samples",
        type=_positive_int,
        default=10000,
        help="rows of built-in data when no --data (default 10000)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=default_seed,
        help=f"random seed (default {default_seed})",
    )


def add_churn_parser(sub) -> None:
    """Add ``churn train|evaluate|predict|export`` to the ``skdl`` subparsers."""
    churn = sub.add_parser(
        "churn", help="bank-churn prediction: train, evaluate, predict, export"
    )
    jobs = churn.add_subparsers(dest="job", required=True)

    train = jobs.add_parser("train", help="train and save a churn model")
    _add_data_args(train, default_seed=0)
    train.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="OUT",
        help=f"where to save the model (default {DEFAULT_MODEL})",
    )
    train.add_argument(
        "--epochs",
        type=_positive_int,
        default=None,
        help="maximum epochs (default: ChurnPipeline's, 200)",
    )
    train.add_argument(
        "--device",
        default="auto",
        help="where to train: auto, cpu, gpu or gpu:N (default auto: the "
        "first GPU when there is one)",
    )
    train.add_argument(
        "--test-size",
        type=_fraction,
        default=0.2,
        help="share of customers held out (default 0.2)",
    )
    train.set_defaults(func=_train)

    evaluate = jobs.add_parser("evaluate", help="score a saved model on labelled data")
    evaluate.add_argument("--model", required=True, metavar="M", help="saved model")
    _add_data_args(evaluate, default_seed=1)
    evaluate.add_argument(
        "--plots", metavar="DIR", help="save confusion matrix and ROC curve PNGs here"
    )
    evaluate.set_defaults(func=_evaluate)

    predict = jobs.add_parser("predict", help="predict new customers")
    predict.add_argument("--model", required=True, metavar="M", help="saved model")
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--customer",
        metavar="JSON",
        help="one customer as a JSON object (or a .json file)",
    )
    source.add_argument("--data", metavar="CSV", help="a CSV file of customers")
    predict.add_argument("--output", metavar="CSV", help="write predictions here")
    predict.set_defaults(func=_predict)

    export = jobs.add_parser("export", help="export a saved model to ONNX")
    export.add_argument("--model", required=True, metavar="M", help="saved model")
    export.add_argument(
        "--out", required=True, metavar="ONNX", help="where to write the graph"
    )
    export.set_defaults(func=_export)
    for job in (evaluate, predict, export):
        job.add_argument(
            "--allow-pickle",
            action="store_true",
            help="also load joblib pickles (they can run code: trusted files only)",
        )
