"""What `compile` keeps of the loss and the metrics, per output, as `fit` and `evaluate` apply them.

A model with one output has one loss and a list of metrics, logged as "loss", "accuracy", ....
A model with several outputs takes them per output, as a list in output order or a dict keyed by
output name: ``loss=["sparse_categorical_crossentropy", "mse"]``, ``loss_weights={"price": 0.5}``,
``metrics={"digit": ["accuracy"]}``; one loss alone serves every output. The training loss is
``sum_i w_i loss_i`` (plus the model's own losses), and each output's loss and metrics are logged
under the output's name as Keras logs them: "digit_loss", "price_loss", "digit_accuracy". An
output is named after the layer that makes it (a dict of outputs: by its keys).
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

import autograd as ag
from nn import losses as losses_module
from nn import tree
from nn.metrics import CompiledMetrics, Mean, serialize as serialize_metric
from nn.metrics.registry import prepare


def is_config(value: Any) -> bool:
    """True for a saved loss or metric (a dict with "class_name"), which is one value, not a dict
    of per-output values."""
    return isinstance(value, dict) and "class_name" in value


def per_output(spec: Any, names: Sequence[str], what: str) -> list:
    """`spec` (one value for all outputs, a list in output order, or a dict by output name) as a
    list with one entry per output, None where the dict names none."""
    if isinstance(spec, dict) and not is_config(spec):
        unknown = [key for key in spec if key not in names]
        if unknown:
            raise ValueError(f"compile(): {what} names the outputs {unknown}, but the model's outputs are "
                             f"{list(names)}; use these names as the keys.")
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise ValueError(f"compile(): {what} is a list of {len(spec)} but the model has {len(names)} outputs "
                             f"({', '.join(names)}); give one entry per output (None for none), or a dict keyed "
                             f"by output name.")
        return list(spec)
    return [spec] * len(names)


def output_names(y_pred: Any, known: Optional[Sequence[str]]) -> list[str]:
    """The names the outputs are logged under: a dict's keys, the model's output names, or
    "output_0", "output_1", ... for a model that does not name them."""
    if isinstance(y_pred, dict):
        return list(y_pred)
    count = len(tree.flatten(y_pred))
    if known is not None and len(known) == count:
        return list(known)
    return [f"output_{i}" for i in range(count)]


def flat_targets(y: Any, names: Sequence[str]) -> list:
    """The targets as a list in output order, from one array (one output), a list or a dict."""
    if y is None:
        return [None] * len(names)
    if len(names) == 1:
        if isinstance(y, dict):
            return per_output(y, names, "y") if set(y) <= set(names) else [next(iter(y.values()))]
        return [y[0]] if isinstance(y, (list, tuple)) and len(y) == 1 else [y]
    if isinstance(y, dict):
        if set(y) != set(names):
            raise ValueError(f"the targets are a dict with keys {list(y)}, but the model's outputs are {list(names)}; "
                             f"give one target per output under these names.")
        return [y[name] for name in names]
    if not isinstance(y, (list, tuple)) or len(y) != len(names):
        raise ValueError(f"the model has {len(names)} outputs ({', '.join(names)}), so the targets must be a list of "
                         f"{len(names)} arrays in that order, or a dict keyed by output name; got {tree.describe(y)}.")
    return list(y)


def weighted_loss(loss: Callable, y_true: Any, y_pred: ag.Tensor, sample_weight: Optional[np.ndarray]) -> ag.Tensor:
    """One output's loss on a batch; with weights, Keras's "sum_over_batch_size": sum_i w_i l_i / n.

    A custom loss may return one value per sample (as Keras's custom losses do); it is averaged
    (or weighted) over the batch like a built-in one.
    """
    if isinstance(loss, losses_module.Loss):  # it weighs and reduces as its reduction says
        value = loss(y_true, y_pred, sample_weight=sample_weight)
        return value if value.ndim == 0 else ag.mean(value)
    if sample_weight is None:
        value = loss(y_true, y_pred)
        return value if value.ndim == 0 else ag.mean(value)
    per_sample = losses_module.per_sample_losses(loss, y_true, y_pred)
    if per_sample is None:
        per_sample = loss(y_true, y_pred)
        if per_sample.ndim == 0 or per_sample.shape[0] != len(sample_weight):
            raise ValueError(f"the custom loss {getattr(loss, '__name__', loss)!r} returned shape "
                             f"{per_sample.shape}, but sample_weight and class_weight weigh samples one by one: "
                             f"return one loss per sample, shape ({len(sample_weight)},), e.g. a mean over "
                             f"axis=-1 instead of over everything.")
        if per_sample.ndim > 1:
            per_sample = ag.mean(per_sample, axis=tuple(range(1, per_sample.ndim)))
    return ag.mean(per_sample * ag.Tensor(sample_weight, dtype=per_sample.dtype))


def map_entries(fn: Callable[[Any], Any], spec: Any) -> Any:
    """`fn` applied to each loss or metric of a compile argument, keeping its lists and dicts."""
    if isinstance(spec, dict) and not is_config(spec):
        return {key: map_entries(fn, value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [map_entries(fn, value) for value in spec]
    return None if spec is None else fn(spec)


class CompileLoss:
    """The loss of each output, its weight, and a running mean of each output's loss (logged as
    "<output>_loss" when more than one output has a loss).

    Args:
        loss: one loss (names, functions, objects or classes, as `nn.losses.get` takes), or a
            list or dict of them per output.
        loss_weights: a number per output (list or dict; default 1 each).
        known_names: the output names, when the model knows them before it runs.
    """

    def __init__(self, loss: Any, loss_weights: Any = None, known_names: Optional[Sequence[str]] = None) -> None:
        self.loss = map_entries(losses_module.get, loss)  # an unknown name fails here, at compile
        for weight in tree.flatten(loss_weights if loss_weights is not None else []):
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise TypeError(f"compile(): loss_weights must hold numbers, got {weight!r}.")
        self.loss_weights = loss_weights
        self.known_names = known_names
        self.names: Optional[list[str]] = None
        self._losses: list = []
        self._weights: list[float] = []
        self.trackers: list[Mean] = []

    def build(self, names: Sequence[str]) -> None:
        """Match the losses and weights to the outputs `names` (on the first batch)."""
        self._losses = per_output(self.loss, names, "loss")
        weights = per_output(self.loss_weights, names, "loss_weights") if self.loss_weights is not None \
            else [1.0] * len(names)
        self._weights = [1.0 if w is None else float(w) for w in weights]
        active = [name for name, loss in zip(names, self._losses) if loss is not None]
        self.trackers = [Mean(name=f"{name}_loss") for name in active] if len(active) > 1 else []
        self.names = list(names)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Optional[np.ndarray]) -> Optional[ag.Tensor]:
        """``sum_i w_i loss_i`` over the outputs that have a loss (None when none has), each output's
        unweighted loss added to its running mean. `y_true` and `y_pred` come as the model takes
        and gives them (one, a list or a dict)."""
        names = output_names(y_pred, self.known_names)
        if self.names is None:
            self.build(names)
        total = None
        trackers = iter(self.trackers)
        for loss, weight, target, prediction in zip(self._losses, self._weights, flat_targets(y_true, names),
                                                    tree.flatten(y_pred)):
            if loss is None:
                continue
            if target is None:
                raise ValueError("the model has a loss for an output whose target y is None; pass its target or "
                                 "compile that output's loss as None.")
            value = weighted_loss(loss, target, prediction, sample_weight)
            tracker = next(trackers, None)
            if tracker is not None:
                tracker.update_state(value.data, sample_weight=len(prediction))
            term = value if weight == 1.0 else value * weight
            total = term if total is None else total + term
        return total

    def get_config(self) -> Any:
        return map_entries(losses_module.serialize, self.loss)


class CompileMetrics:
    """The metrics of each output, reported together (Keras's "compile_metrics").

    Args:
        metrics: for one output a list (names, objects, classes or functions); for several, a
            list with one list per output, or a dict from output name to a list (or one metric).
        known_names: the output names, when the model knows them before it runs.
    """

    name = "compile_metrics"

    def __init__(self, metrics: Any, known_names: Optional[Sequence[str]] = None) -> None:
        if metrics is not None and not isinstance(metrics, (list, tuple, dict)):
            raise TypeError(f"metrics must be a list such as ['accuracy'] (or a list or dict per output), "
                            f"got {metrics!r}.")
        self.spec = map_entries(prepare, metrics)  # an unknown name fails here, at compile; classes are made once
        self.known_names = known_names
        self._outputs: Optional[list[CompiledMetrics]] = None
        if known_names is not None:
            self.build(known_names)

    def build(self, names: Sequence[str]) -> None:
        """One CompiledMetrics per output, its log names prefixed with the output's name when
        there are several outputs."""
        spec = self.spec or []
        if len(names) == 1:
            if isinstance(spec, dict):
                groups = [_as_list(per_output(spec, names, "metrics")[0])]
            else:
                groups = [_as_list(spec[0]) if len(spec) == 1 and isinstance(spec[0], (list, tuple)) else list(spec)]
        else:
            if isinstance(spec, (list, tuple)) and spec and not all(isinstance(s, (list, tuple)) or s is None
                                                                     for s in spec):
                raise ValueError(f"compile(): the model has {len(names)} outputs ({', '.join(names)}), so metrics "
                                 f"must be a list of one list per output, e.g. [['accuracy'], ['mae']], or a dict "
                                 f"keyed by output name; got {spec!r}.")
            groups = [_as_list(group) for group in per_output(spec, names, "metrics")] if spec else [[]] * len(names)
        prefixes = [""] if len(names) == 1 else [f"{name}_" for name in names]
        self._outputs = [CompiledMetrics(group, prefix=prefix) for group, prefix in zip(groups, prefixes)]

    @property
    def built(self) -> bool:
        return self._outputs is not None

    @property
    def names(self) -> list[str]:
        """The log names of every metric (those of a one-output model before it is built too)."""
        if self._outputs is not None:
            return [name for output in self._outputs for name in output.names]
        if isinstance(self.spec, (list, tuple)) and not any(isinstance(s, (list, tuple)) for s in self.spec):
            return CompiledMetrics(self.spec).names
        return []

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add a batch (`y_true` and `y_pred` as the model takes and gives them: one, a list or a
        dict). As Keras's compiled `metrics` (unlike its `weighted_metrics`), they are not weighted
        by `sample_weight`."""
        names = output_names(y_pred, self.known_names)
        if self._outputs is None:
            self.build(names)
        for output, target, prediction in zip(self._outputs, flat_targets(y_true, names), tree.flatten(y_pred)):
            if output.names:
                output.update_state(target, prediction.data if isinstance(prediction, ag.Tensor) else prediction)

    def reset_state(self) -> None:
        for output in self._outputs or []:
            output.reset_state()

    def result(self) -> dict:
        return {name: value for output in self._outputs or [] for name, value in output.result().items()}

    def get_config(self) -> Any:
        return map_entries(serialize_metric, self.spec)


def _as_list(group: Any) -> list:
    if group is None:
        return []
    return list(group) if isinstance(group, (list, tuple)) else [group]
