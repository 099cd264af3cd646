"""Metric names: what `compile(metrics=[...])` may name, and how a metric is saved and restored.

Names follow Keras: each class by its name ("AUC", "Precision") and in snake case ("auc",
"precision", "root_mean_squared_error"), plus the aliases "mse", "mae", "bce" and "acc"; look-up
ignores case. `get` turns a name, class, config or object into a `Metric`; `resolve` does what
`compile` does with a metric on the first batch ("accuracy" by shapes, functions wrapped).
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Union

from nn.metrics.accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                         SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
                                         TopKCategoricalAccuracy, accuracy, binary_accuracy,
                                         categorical_accuracy, resolve_accuracy,
                                         sparse_categorical_accuracy,
                                         sparse_top_k_categorical_accuracy,
                                         top_k_categorical_accuracy)
from nn.metrics.base import MeanMetricWrapper, Metric
from nn.metrics.confusion_metrics import AUC, Precision, Recall
from nn.metrics.f_score_metrics import F1Score, FBetaScore
from nn.metrics.probabilistic_metrics import (BinaryCrossentropy, CategoricalCrossentropy,
                                              SparseCategoricalCrossentropy)
from nn.metrics.regression_metrics import (MeanAbsoluteError, MeanSquaredError,
                                           RootMeanSquaredError, mean_absolute_error,
                                           mean_squared_error)
from nn import saving
from nn.utils import config_of, from_config, type_name

METRIC_CLASSES: tuple[type, ...] = (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError, MeanAbsoluteError,
    RootMeanSquaredError, AUC, Precision, Recall, F1Score, FBetaScore,
)
_CLASSES: dict[str, type] = {cls.__name__: cls for cls in METRIC_CLASSES}
# Keras's snake-case names of the classes, and its aliases.
_SNAKE_NAMES: dict[str, type] = {
    "accuracy": Accuracy, "acc": Accuracy, "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
    "root_mean_squared_error": RootMeanSquaredError, "auc": AUC, "precision": Precision,
    "recall": Recall, "f1_score": F1Score, "f_beta_score": FBetaScore, "fbeta_score": FBetaScore,
}
_NAMES: dict[str, type] = {**_CLASSES, **_SNAKE_NAMES}

# The metric functions, each with the class that averages it over an epoch.
_FUNCTION_CLASSES: dict[Callable[..., float], type] = {
    binary_accuracy: BinaryAccuracy, categorical_accuracy: CategoricalAccuracy,
    sparse_categorical_accuracy: SparseCategoricalAccuracy,
    top_k_categorical_accuracy: TopKCategoricalAccuracy,
    sparse_top_k_categorical_accuracy: SparseTopKCategoricalAccuracy,
    mean_squared_error: MeanSquaredError, mean_absolute_error: MeanAbsoluteError,
}

Identifier = Union[str, dict, type, Metric, Callable[..., Any]]


def _find(name: str) -> type:
    """The metric class called `name` (any case), or a ValueError listing the names."""
    folded = name.lower()
    for key, cls in _NAMES.items():
        if key.lower() == folded:
            return cls
    valid = ", ".join(repr(key) for key in sorted(_SNAKE_NAMES))
    raise ValueError(f"unknown metric {name!r}. Valid names are: {valid}, and the class names "
                     f"such as 'AUC' or 'BinaryAccuracy'.")


def _is_accuracy(identifier: Any) -> bool:
    return identifier is accuracy or (isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"))


def get(identifier: Optional[Identifier]) -> Union[Metric, Callable[..., Any], None]:
    """A metric from a name ("auc": `AUC()`), a class (instantiated with its defaults, as Keras
    does), a `serialize` dict, a Metric (as is), a function (as is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _find(identifier)()
    if isinstance(identifier, dict):
        if "registered_name" in identifier:  # a metric of your own, as `serialize` wrote it
            return saving.deserialize_custom(identifier)
        return from_config(_CLASSES, identifier, "metric")
    if isinstance(identifier, type):
        if not issubclass(identifier, Metric):
            raise TypeError(f"{identifier.__name__} is not a metric class; pass a subclass of "
                            f"nn.metrics.Metric such as nn.metrics.AUC, or a name such as 'auc'.")
        return identifier()
    if isinstance(identifier, Metric) or callable(identifier):
        return identifier
    raise TypeError(f"a metric must be a name such as 'accuracy', a Metric object or class, or a "
                    f"function, got {type_name(identifier)}.")


def prepare(identifier: Identifier) -> Union[str, Metric, Callable[..., Any]]:
    """What `compile` keeps of a metric: a name (checked now, built on the first batch, when the
    shapes are known), a Metric (classes and configs built now) or a function."""
    if isinstance(identifier, str):
        if not _is_accuracy(identifier):
            _find(identifier)
        return identifier
    return get(identifier)


def history_name(prepared: Union[str, Metric, Callable[..., Any]]) -> str:
    """The key Keras logs a compiled metric under: the name given, the object's name, or the
    function's name."""
    if isinstance(prepared, str):
        return prepared
    if isinstance(prepared, Metric):
        return prepared.name
    return getattr(prepared, "__name__", type(prepared).__name__)


def resolve(prepared: Union[str, Metric, Callable[..., Any]], y_true: Any, y_pred: Any) -> Metric:
    """The Metric object `compile` runs for `prepared` on this data: "accuracy"/"acc" (and the
    `accuracy` function) become binary, categorical or sparse categorical accuracy by shape;
    other names and built-in functions become their class; other functions are averaged by a
    `MeanMetricWrapper`. Each is named with `history_name`."""
    name = history_name(prepared)
    if isinstance(prepared, Metric):
        return prepared
    if _is_accuracy(prepared):
        return resolve_accuracy(y_true, y_pred)(name=name)
    if isinstance(prepared, str):
        metric = get(prepared)
        metric.name = name
        return metric
    if prepared in _FUNCTION_CLASSES:
        return _FUNCTION_CLASSES[prepared](name=name)
    return MeanMetricWrapper(prepared, name=name)


def serialize(metric: Union[str, Metric, Callable[..., Any], None]) -> Union[str, dict, None]:
    """A name as is, {"class_name", "config"} for a built-in Metric, a built-in function's name;
    `get`/`prepare` turn each back into the same metric. None for None. A metric of your own is
    described by `nn.saving.serialize_custom` and found again among the registered objects or a
    load's ``custom_objects``."""
    if metric is None or isinstance(metric, str):
        return metric
    if isinstance(metric, Metric) and type(metric).__name__ in _CLASSES:
        return config_of(type(metric).__name__, metric.get_config())
    if metric is accuracy or metric in _FUNCTION_CLASSES:
        return metric.__name__
    return saving.serialize_custom(metric)


def deserialize(config: Union[str, dict]) -> Union[str, Metric]:
    """The metric `serialize` described, as `compile` keeps it."""
    return prepare(config)
