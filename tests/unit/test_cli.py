"""The ``skdl`` command, run in-process: churn train, evaluate, predict, export."""

from __future__ import annotations

import json
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

import skdl
from skdl.cli import main
from skdl.datasets import make_churn
from skdl.pipelines import ChurnPipeline


def cli(*args) -> int:
    """Run the command in-process with ``args`` (paths and numbers welcome)."""
    return main([str(a) for a in args])


CUSTOMER = {
    "CreditScore": 500,
    "Geography": "Spain",
    "Gender": "Female",
    "Age": 40,
    "Tenure": 3,
    "Balance": 50000,
    "NumOfProducts": 2,
    "HasCrCard": 1,
    "IsActiveMember": 1,
    "EstimatedSalary": 40000,
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def model_path(workdir):
    """A model trained by the command on small built-in data."""
    path = workdir / "model.skops"
    code = cli("churn", "train", "--samples", 400, "--epochs", 4, "--model", path)
    assert code == 0
    return path


@pytest.fixture(scope="module")
def csv_path(workdir):
    path = workdir / "customers.csv"
    make_churn(150, random_state=7).to_csv(path, index=False)
    return path


def test_train_prints_progress_scores_and_saves(tmp_path, capsys):
    out = tmp_path / "m.skops"
    code = cli(
        "churn", "train", "--samples", 300, "--epochs", 10, "--seed", 3, "--model", out
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "built-in synthetic customers (300 rows, seed 3)" in text
    assert "240 customers for training, 60 held out" in text
    assert "epoch 10/10" in text
    assert "Holdout accuracy: 0." in text and "Holdout ROC AUC: 0." in text
    model = skdl.load(out)  # the safe format, by default
    assert isinstance(model, ChurnPipeline)
    assert model.max_iter == 10 and model.random_state == 3
    assert model.callbacks is None and model.network_.callbacks is None


def test_train_on_a_csv(tmp_path, csv_path, capsys):
    out = tmp_path / "m.skops"
    code = cli(
        "churn",
        "train",
        "--data",
        csv_path,
        "--epochs",
        "3",
        "--test-size",
        "0.3",
        "--model",
        out,
    )
    text = capsys.readouterr().out
    assert code == 0, text
    assert f"Data: {csv_path} (150 customers)" in text
    assert "105 customers for training, 45 held out" in text
    assert out.is_file()


def test_evaluate_prints_report_and_saves_plots(model_path, csv_path, tmp_path, capsys):
    plots = tmp_path / "plots"
    code = cli(
        "churn", "evaluate", "--model", model_path, "--data", csv_path, "--plots", plots
    )
    text = capsys.readouterr().out
    assert code == 0, text
    for part in ("Accuracy: ", "ROC AUC: ", "Confusion matrix", "precision", "leaves"):
        assert part in text
    for name in ("confusion_matrix.png", "roc_curve.png"):
        png = plots / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_on_built_in_data_defaults_to_new_customers(model_path, capsys):
    code = cli("churn", "evaluate", "--model", model_path, "--samples", "200")
    assert code == 0
    assert "(200 rows, seed 1)" in capsys.readouterr().out


def test_predict_one_customer_from_json(model_path, capsys):
    code = cli(
        "churn", "predict", "--model", model_path, "--customer", json.dumps(CUSTOMER)
    )
    text = capsys.readouterr().out
    assert code == 0, text
    expected = skdl.load(model_path).predict_proba(CUSTOMER)[0, 1]
    assert f"customer 1: churn probability {expected:.4f}" in text
    assert "of 1 customer(s) predicted to leave" in text


def test_predict_from_json_file_and_csv(model_path, csv_path, tmp_path, capsys):
    customer_file = tmp_path / "c.json"
    customer_file.write_text(json.dumps([CUSTOMER, {**CUSTOMER, "Age": 61}]))
    code = cli("churn", "predict", "--model", model_path, "--customer", customer_file)
    assert code == 0
    assert "customer 2:" in capsys.readouterr().out
    out = tmp_path / "pred.csv"
    code = cli(
        "churn", "predict", "--model", model_path, "--data", csv_path, "--output", out
    )
    assert code == 0
    predictions = pd.read_csv(out)
    assert list(predictions.columns) == ["customer", "churn_probability", "Exited"]
    assert len(predictions) == 150
    ids = pd.read_csv(csv_path)["CustomerId"]
    assert predictions["customer"].tolist() == ids.tolist()


def _error(capsys) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return captured.err


def test_missing_model_file(tmp_path, capsys):
    missing = tmp_path / "none.skops"
    code = cli("churn", "predict", "--model", missing, "--customer", "{}")
    assert code == 2
    assert "does not exist; train one" in _error(capsys)


def test_file_that_is_not_a_model(csv_path, tmp_path, capsys):
    code = cli("churn", "evaluate", "--model", csv_path)
    assert code == 2
    assert "is not a model saved by `skdl churn train`" in _error(capsys)
    code = cli("churn", "evaluate", "--model", csv_path, "--allow-pickle")
    assert code == 2
    assert "is not a model saved by `skdl churn train` (" in _error(capsys)
    other = tmp_path / "other.skops"
    skdl.save({"a": 1}, other)
    code = cli("churn", "evaluate", "--model", other)
    assert code == 2
    assert "holds a dict, not a fitted ChurnPipeline" in _error(capsys)


@pytest.mark.parametrize(
    "customer, message",
    [
        ('{"Age": 40,', "--customer is not valid JSON"),
        ("[1, 2]", "must hold one JSON object"),
        ("no-such-file.json", "is neither"),
        ('{"Age": 40}', "Missing churn column(s) ['CreditScore', 'Geography'"),
    ],
)
def test_bad_customer(model_path, capsys, customer, message):
    code = cli("churn", "predict", "--model", model_path, "--customer", customer)
    assert code == 2
    assert message in _error(capsys)


def test_bad_data_path_and_columns(model_path, tmp_path, capsys):
    code = cli("churn", "train", "--data", str(tmp_path / "absent.csv"))
    assert code == 2
    assert "absent.csv' does not exist" in _error(capsys)
    wrong = tmp_path / "wrong.csv"
    make_churn(30, random_state=0).drop(columns="Exited").to_csv(wrong, index=False)
    code = cli("churn", "evaluate", "--model", model_path, "--data", wrong)
    assert code == 2
    assert "Missing churn column(s) ['Exited']" in _error(capsys)


def test_plots_path_that_is_a_file(model_path, csv_path, capsys):
    code = cli("churn", "evaluate", "--model", model_path, "--data", csv_path,
               "--plots", csv_path)  # fmt: skip
    assert code == 2
    assert "is a file, not a folder" in _error(capsys)


@pytest.mark.parametrize(
    "argv",
    [
        ["churn"],
        ["churn", "train", "--epochs", "0"],
        ["churn", "train", "--test-size", "1.5"],
        ["churn", "predict", "--model", "m.joblib"],
        ["churn", "predict", "--model", "m", "--customer", "{}", "--data", "x.csv"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "usage: skdl" in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert cli("churn", "train", "--help") == 0
    assert "--model OUT" in capsys.readouterr().out


def test_python_dash_m_skdl():
    result = subprocess.run(
        [sys.executable, "-m", "skdl", "churn", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "{train,evaluate,predict,export}" in result.stdout


def test_train_on_the_cpu(tmp_path, capsys):
    out = tmp_path / "m.skops"
    code = cli("churn", "train", "--samples", 200, "--epochs", 2, "--device", "cpu",
               "--model", out)  # fmt: skip
    assert code == 0
    assert "up to 2 epochs on cpu:0..." in capsys.readouterr().out
    model = skdl.load(out)
    assert model.device == "cpu" and model.network_.device == "cpu"


def test_bad_device_fails_before_training(tmp_path, capsys):
    out = tmp_path / "m.skops"
    code = cli("churn", "train", "--device", "tpu", "--model", out)
    assert code == 2
    assert "device must be 'auto', 'cpu', 'gpu' or 'gpu:N'" in _error(capsys)
    assert not out.exists()


def test_pickles_load_only_with_the_flag_and_a_warning(model_path, tmp_path, capsys):
    pickled = tmp_path / "old.joblib"
    joblib.dump(skdl.load(model_path), pickled)
    customer = json.dumps(CUSTOMER)
    code = cli("churn", "predict", "--model", pickled, "--customer", customer)
    assert code == 2
    assert "add --allow-pickle" in _error(capsys)
    code = cli("churn", "predict", "--model", pickled, "--customer", customer,
               "--allow-pickle")  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "warning: loading" in captured.err and "runs code" in captured.err
    assert "churn probability" in captured.out


def test_export_writes_an_onnx_graph_of_the_model(model_path, tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    from skdl.backend import import_keras
    from skdl.onnx import input_feed

    if import_keras().backend.backend() != "tensorflow":
        pytest.skip("the Keras network is exported through tf2onnx (TensorFlow)")
    out = tmp_path / "churn.onnx"
    assert cli("churn", "export", "--model", model_path, "--out", out) == 0
    assert f"Exported the model to {out}" in capsys.readouterr().out
    session = ort.InferenceSession(str(out))
    customers = make_churn(50, random_state=5)
    _, proba = session.run(None, input_feed(customers, session))
    expected = skdl.load(model_path).predict_proba(customers)
    assert np.abs(proba - expected).max() < 1e-4
