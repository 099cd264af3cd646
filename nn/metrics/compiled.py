"""`CompiledMetrics`: the metrics a model was compiled with, as `fit` and `evaluate` run them.

Built on the first batch (when the shapes are known, for "accuracy"), reset at the start of
every epoch and evaluation, updated with every batch, and logged under the names Keras gives:
the name passed to compile, or the object's or function's name; a name already taken gets
"_1", "_2", ... (two `AUC()` objects log "auc" and "auc_1").
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from nn.metrics.base import Metric, Result
from nn.metrics.registry import history_name, prepare, resolve, serialize


def unique_names(names: Sequence[str]) -> list[str]:
    """`names` with repeats numbered as Keras numbers them: "auc", "auc_1", "auc_2", ..."""
    taken: set[str] = set()
    unique = []
    for name in names:
        candidate, index = name, 1
        while candidate in taken:
            candidate, index = f"{name}_{index}", index + 1
        taken.add(candidate)
        unique.append(candidate)
    return unique


class CompiledMetrics:
    """The compiled metrics of a model, in the order given.

    Args:
        metrics: names ("accuracy", "auc", ...), Metric objects or classes, functions
            `fn(y_true, y_pred)`, or saved configs; unknown names fail here, at compile.
        prefix: put before each log name (a model's output name and "_" when it has several).
    """

    def __init__(self, metrics: Sequence[Any], prefix: str = "") -> None:
        self._prepared = [prepare(metric) for metric in metrics]
        self.names = [prefix + name for name in unique_names([history_name(metric) for metric in self._prepared])]
        self._metrics: Optional[list[Metric]] = None

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add one batch to every metric (built from this batch's shapes the first time)."""
        if self._metrics is None:
            self._metrics = [resolve(metric, y_true, y_pred) for metric in self._prepared]
        for metric in self._metrics:
            metric.update_state(y_true, y_pred, sample_weight)

    def reset_state(self) -> None:
        """Start every metric afresh (each epoch, and each evaluation, begins with this)."""
        for metric in self._metrics or []:
            metric.reset_state()

    def result(self) -> dict[str, Result]:
        """{history name: value over every batch since the last reset}."""
        return {name: metric.result() for name, metric in zip(self.names, self._metrics or [])}

    def get_config(self) -> list:
        """The metrics as JSON values that `CompiledMetrics(config)` restores."""
        return [serialize(metric) for metric in self._prepared]
