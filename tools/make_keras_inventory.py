"""Write docs/_inventories/keras.inv, the intersphinx inventory for Keras.

keras.io is not built with Sphinx and publishes no ``objects.inv``, so this
inventory is written here: each Keras name that skdl's documentation may
mention, linked to its page on keras.io. The page paths are those of the
site's own API index (``scripts/api_master.py`` in the keras-io repository,
which lays out ``https://keras.io/api/``). Links go to the page, which holds
one class (or one small group of functions). Each name's kind (class,
function, method) is read from the installed Keras.

Run it after adding names: ``python tools/make_keras_inventory.py``.
"""

from __future__ import annotations

import importlib
import inspect
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_inventories" / "keras.inv"

#: keras.io page (under https://keras.io/api/) -> the names documented there.
PAGES = {
    "models/model/": ["keras.Model"],
    "models/sequential/": ["keras.Sequential"],
    "models/model_training_apis/": [
        "keras.Model.compile",
        "keras.Model.fit",
        "keras.Model.evaluate",
        "keras.Model.predict",
        "keras.Model.predict_on_batch",
    ],
    "models/model_saving_apis/model_saving_and_loading/": [
        "keras.Model.save",
        "keras.saving.save_model",
        "keras.saving.load_model",
    ],
    "models/model_saving_apis/model_config_serialization/": [
        "keras.models.clone_model"
    ],
    "models/model_saving_apis/serialization_utils/": [
        "keras.saving.register_keras_serializable"
    ],
    "layers/base_layer/": ["keras.layers.Layer"],
    "layers/core_layers/input/": ["keras.Input"],
    "layers/core_layers/dense/": ["keras.layers.Dense"],
    "layers/core_layers/embedding/": ["keras.layers.Embedding"],
    "layers/regularization_layers/dropout/": ["keras.layers.Dropout"],
    "layers/convolution_layers/convolution1d/": ["keras.layers.Conv1D"],
    "layers/convolution_layers/convolution2d/": ["keras.layers.Conv2D"],
    "layers/pooling_layers/max_pooling1d/": ["keras.layers.MaxPooling1D"],
    "layers/pooling_layers/max_pooling2d/": ["keras.layers.MaxPooling2D"],
    "layers/pooling_layers/global_average_pooling1d/": [
        "keras.layers.GlobalAveragePooling1D"
    ],
    "layers/pooling_layers/global_average_pooling2d/": [
        "keras.layers.GlobalAveragePooling2D"
    ],
    "layers/recurrent_layers/lstm/": ["keras.layers.LSTM"],
    "layers/recurrent_layers/gru/": ["keras.layers.GRU"],
    "layers/recurrent_layers/bidirectional/": ["keras.layers.Bidirectional"],
    "layers/preprocessing_layers/text/text_vectorization/": [
        "keras.layers.TextVectorization"
    ],
    "layers/preprocessing_layers/numerical/normalization/": [
        "keras.layers.Normalization"
    ],
    "layers/preprocessing_layers/image_preprocessing/rescaling/": [
        "keras.layers.Rescaling"
    ],
    "layers/preprocessing_layers/image_augmentation/random_flip/": [
        "keras.layers.RandomFlip"
    ],
    "layers/preprocessing_layers/image_augmentation/random_rotation/": [
        "keras.layers.RandomRotation"
    ],
    "layers/preprocessing_layers/image_augmentation/random_crop/": [
        "keras.layers.RandomCrop"
    ],
    "layers/preprocessing_layers/image_augmentation/random_contrast/": [
        "keras.layers.RandomContrast"
    ],
    "callbacks/base_callback/": ["keras.callbacks.Callback"],
    "callbacks/model_checkpoint/": ["keras.callbacks.ModelCheckpoint"],
    "callbacks/backup_and_restore/": ["keras.callbacks.BackupAndRestore"],
    "callbacks/early_stopping/": ["keras.callbacks.EarlyStopping"],
    "callbacks/learning_rate_scheduler/": ["keras.callbacks.LearningRateScheduler"],
    "callbacks/reduce_lr_on_plateau/": ["keras.callbacks.ReduceLROnPlateau"],
    "callbacks/lambda_callback/": ["keras.callbacks.LambdaCallback"],
    "callbacks/terminate_on_nan/": ["keras.callbacks.TerminateOnNaN"],
    "callbacks/csv_logger/": ["keras.callbacks.CSVLogger"],
    "callbacks/callback_utilities/": ["keras.callbacks.History"],
    "optimizers/": ["keras.Optimizer", "keras.optimizers.Optimizer"],
    "optimizers/sgd/": ["keras.optimizers.SGD"],
    "optimizers/rmsprop/": ["keras.optimizers.RMSprop"],
    "optimizers/adam/": ["keras.optimizers.Adam"],
    "optimizers/adamw/": ["keras.optimizers.AdamW"],
    "optimizers/adagrad/": ["keras.optimizers.Adagrad"],
    "optimizers/learning_rate_schedules/learning_rate_schedule/": [
        "keras.optimizers.schedules.LearningRateSchedule"
    ],
    "optimizers/learning_rate_schedules/exponential_decay/": [
        "keras.optimizers.schedules.ExponentialDecay"
    ],
    "optimizers/learning_rate_schedules/piecewise_constant_decay/": [
        "keras.optimizers.schedules.PiecewiseConstantDecay"
    ],
    "optimizers/learning_rate_schedules/polynomial_decay/": [
        "keras.optimizers.schedules.PolynomialDecay"
    ],
    "optimizers/learning_rate_schedules/inverse_time_decay/": [
        "keras.optimizers.schedules.InverseTimeDecay"
    ],
    "optimizers/learning_rate_schedules/cosine_decay/": [
        "keras.optimizers.schedules.CosineDecay"
    ],
    "losses/": ["keras.Loss", "keras.losses.Loss"],
    "losses/probabilistic_losses/": [
        "keras.losses.BinaryCrossentropy",
        "keras.losses.CategoricalCrossentropy",
        "keras.losses.SparseCategoricalCrossentropy",
    ],
    "losses/regression_losses/": [
        "keras.losses.MeanSquaredError",
        "keras.losses.MeanAbsoluteError",
        "keras.losses.Huber",
    ],
    "metrics/base_metric/": ["keras.Metric", "keras.metrics.Metric"],
    "metrics/accuracy_metrics/": [
        "keras.metrics.Accuracy",
        "keras.metrics.BinaryAccuracy",
        "keras.metrics.CategoricalAccuracy",
        "keras.metrics.SparseCategoricalAccuracy",
    ],
    "metrics/classification_metrics/": [
        "keras.metrics.AUC",
        "keras.metrics.Precision",
        "keras.metrics.Recall",
    ],
    "metrics/regression_metrics/": [
        "keras.metrics.MeanSquaredError",
        "keras.metrics.R2Score",
    ],
    "datasets/mnist/": ["keras.datasets.mnist.load_data"],
    "datasets/cifar10/": ["keras.datasets.cifar10.load_data"],
}


def _resolve(name: str):
    """The object a public Keras name stands for, and the object holding it."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        owner = obj
        for attr in parts[cut:]:
            owner, obj = obj, getattr(obj, attr)
        return owner, obj
    raise ImportError(name)


def _role(name: str) -> str:
    owner, obj = _resolve(name)
    if inspect.isclass(obj):
        return "py:class"
    if inspect.isclass(owner):
        return "py:method"
    if callable(obj):
        return "py:function"
    raise TypeError(f"{name} is neither a class nor a function: {obj!r}")


def main() -> None:
    import keras

    lines = [
        f"{name} {_role(name)} 1 {page} -"
        for page, names in PAGES.items()
        for name in names
    ]
    header = (
        "# Sphinx inventory version 2\n"
        "# Project: Keras\n"
        f"# Version: {keras.__version__.rsplit('.', 1)[0]}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = zlib.compress(("\n".join(sorted(lines)) + "\n").encode())
    OUT.write_bytes(header.encode() + body)
    print(f"wrote {len(lines)} names to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
