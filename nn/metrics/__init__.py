"""Metrics with Keras's names and stateful interface, computed on numpy values (no graph).

Metric objects (`AUC()`, `Precision()`, `BinaryAccuracy(threshold=0.5)`, ...) accumulate over
batches with `update_state`, report with `result` and start afresh with `reset_state`; `fit`
resets them each epoch, so an epoch's value is over all its samples. The functions
(`binary_accuracy(y_true, y_pred)`, ...) give one batch's value as a float. `compile(metrics=)`
takes names, objects, classes or functions (see `nn.metrics.registry` and `compiled`).
"""
from nn.metrics.accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                         SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
                                         TopKCategoricalAccuracy, accuracy, binary_accuracy,
                                         categorical_accuracy, resolve_accuracy,
                                         sparse_categorical_accuracy,
                                         sparse_top_k_categorical_accuracy,
                                         top_k_categorical_accuracy)
from nn.metrics.base import MeanMetricWrapper, Metric
from nn.metrics.compiled import CompiledMetrics
from nn.metrics.confusion_metrics import AUC, Precision, Recall
from nn.metrics.f_score_metrics import F1Score, FBetaScore
from nn.metrics.probabilistic_metrics import (BinaryCrossentropy, CategoricalCrossentropy,
                                              SparseCategoricalCrossentropy)
from nn.metrics.reduction_metrics import Mean
from nn.metrics.registry import deserialize, get, resolve, serialize
from nn.metrics.regression_metrics import (MeanAbsoluteError, MeanSquaredError,
                                           RootMeanSquaredError, mae, mean_absolute_error,
                                           mean_squared_error, mse)

__all__ = [
    "Metric", "MeanMetricWrapper", "Mean", "CompiledMetrics", "Accuracy", "BinaryAccuracy",
    "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy", "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "MeanSquaredError", "MeanAbsoluteError",
    "RootMeanSquaredError", "AUC", "Precision", "Recall", "F1Score", "FBetaScore",
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mean_squared_error",
    "mean_absolute_error", "mse", "mae", "resolve_accuracy", "get", "resolve", "serialize",
    "deserialize",
]
