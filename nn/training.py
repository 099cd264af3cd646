"""Keras's training API for models: compile, fit, evaluate, predict and the per-batch steps.

A training step is: forward on the batch, ``loss = loss_fn(y, y_pred) + sum(regularization)``,
``loss.backward()``, ``optimizer.step()``. The whole data set is converted to arrays once; each
epoch shuffles it with one fancy index and then takes batches as views.
"""
from __future__ import annotations

import math
import time
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

import autograd as ag
from autograd.numeric import all_finite
import optim
from nn import losses as losses_module
from nn import metrics as metrics_module
from nn.callbacks import Callback, CallbackList, History
from nn.progress import ProgressBar, summary_line
from nn.utils import get_rng


class Training:
    """Mixed into models that define ``__call__``, ``built``, ``build``, ``trainable_weights`` and
    ``losses``; holds the compile settings and runs the loops."""

    def __init__(self) -> None:
        self.optimizer: Optional[optim.Optimizer] = None
        self.loss: Any = None
        self.compiled = False
        self.stop_training = False
        self.history: Optional[History] = None
        self.compiled_metrics = metrics_module.CompiledMetrics([])
        self._attached: Optional[list[int]] = None

    # ---- compile -------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None,
                metrics: Optional[Sequence[Any]] = None) -> None:
        """Choose the optimizer, the loss and the metrics to report (names or objects).

        Example: ``model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        metrics=["accuracy"])``.
        """
        if isinstance(metrics, (str, bytes)) or (metrics is not None and not isinstance(metrics, (list, tuple))):
            raise TypeError(f"metrics must be a list such as ['accuracy'], got {metrics!r}.")
        self.optimizer = optim.get(optimizer)
        self.loss = losses_module.get(loss)
        self.compiled_metrics = metrics_module.CompiledMetrics(metrics or [])
        self.metrics_names = self.compiled_metrics.names
        self._attached = None
        self.compiled = True

    def get_compile_config(self) -> Optional[dict]:
        """The compile arguments as JSON values (None before compile)."""
        if not self.compiled:
            return None
        return {"optimizer": self.optimizer.get_config(),
                "loss": None if self.loss is None else losses_module.serialize(self.loss),
                "metrics": self.compiled_metrics.get_config()}

    def compile_from_config(self, config: dict) -> None:
        """Compile from `get_compile_config()`; a built model's weights are handed to the optimizer
        at once (as Keras builds it), so saved optimizer state can be loaded into it."""
        self.compile(optimizer=optim.from_config(config["optimizer"]),
                     loss=losses_module.get(config.get("loss")), metrics=config.get("metrics") or None)
        if self.built and self.trainable_weights:
            self._attach_optimizer()

    # ---- the steps -----------------------------------------------------------------------------
    def _prepare(self, x_shape: tuple, action: str, training: bool) -> None:
        """Check compile, build from the data's shape, hand the weights to the optimizer."""
        if not self.compiled or (self.loss is None and action != "predict"):
            raise RuntimeError(f"call compile(optimizer=..., loss=...) before {action}(): the model needs "
                               f"a loss{' and an optimizer' if training else ''} first.")
        if not self.built:
            self.build((None, *x_shape[1:]))
        if training:
            if not self.trainable_weights:
                raise ValueError(f"model {self.name!r} has no trainable weights, so {action}() has "
                                 f"nothing to learn; add a layer such as Dense.")
            self._attach_optimizer()

    def _attach_optimizer(self) -> None:
        """Hand the trainable weights to the optimizer, unless it already holds exactly these."""
        params = self.trainable_weights
        if self._attached != [id(p) for p in params]:
            self.optimizer.attach(params)
            self._attached = [id(p) for p in params]

    def _total_loss(self, y_true: np.ndarray, y_pred: ag.Tensor) -> ag.Tensor:
        with ag.name_scope("loss"):
            loss = self.loss(y_true, y_pred)
            for penalty in self.losses:
                loss = loss + penalty
        return loss

    def _batch_logs(self, loss: float, y_true: np.ndarray, y_pred: np.ndarray) -> dict:
        """The logs of one batch on its own (metrics reset first, as Keras's *_on_batch do)."""
        self.compiled_metrics.reset_state()
        self.compiled_metrics.update_state(y_true, y_pred)
        return self._logs(loss)

    def _train_step(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        self.optimizer.zero_grad()
        y_pred = self(x, training=True)
        loss = self._total_loss(y, y_pred)
        loss.backward()
        self.optimizer.step()
        return float(loss.data), y_pred.data

    def _test_step(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        with ag.no_grad():
            y_pred = self(x, training=False)
            return float(self._total_loss(y, y_pred).data), y_pred.data

    def _logs(self, loss: float, prefix: str = "") -> dict:
        """The mean loss and every metric's value over the batches since the last reset."""
        logs = {prefix + "loss": loss}
        for name, value in self.compiled_metrics.result().items():
            logs[prefix + name] = value
        return logs

    def _run_batches(self, x: np.ndarray, y: np.ndarray, batch_size: int, training: bool,
                     callbacks: CallbackList) -> dict:
        """One pass over (x, y) in batches; the loss averaged by batch size, and the metrics over
        every sample of the pass (stateful: an AUC of the pass, not a mean of batch AUCs)."""
        step_fn = self._train_step if training else self._test_step
        begin_hook, end_hook = ("on_train_batch_begin", "on_train_batch_end") if training else \
            ("on_test_batch_begin", "on_test_batch_end")
        call_begin, call_end = callbacks.wants(begin_hook), callbacks.wants(end_hook)
        loss_sum, seen = 0.0, 0
        self.compiled_metrics.reset_state()
        for step, start in enumerate(range(0, len(x), batch_size)):
            if call_begin:
                callbacks.call(begin_hook, step, None)
            x_batch, y_batch = x[start:start + batch_size], y[start:start + batch_size]
            loss, y_pred = step_fn(x_batch, y_batch)
            count = len(x_batch)
            loss_sum += loss * count
            self.compiled_metrics.update_state(y_batch, y_pred)
            seen += count
            if call_end:
                callbacks.call(end_hook, step, self._logs(loss_sum / seen))
            if training and self.stop_training:
                break
        return self._logs(loss_sum / seen)

    # ---- the loops -----------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int = 32, epochs: int = 1, verbose: int = 1,
            validation_split: float = 0.0, validation_data: Optional[tuple] = None, shuffle: bool = True,
            callbacks: Optional[Iterable[Callback]] = None, initial_epoch: int = 0) -> History:
        """Train for `epochs` passes over (x, y); returns a `History` of per-epoch logs.

        `validation_split` holds out the LAST fraction of the samples (before shuffling), as
        Keras does; `validation_data=(x_val, y_val)` gives them explicitly. Logged values:
        ``loss`` (with regularization), each metric, and ``val_`` versions of both.
        """
        _check_positive_int(batch_size, "batch_size")
        _check_positive_int(epochs, "epochs")
        x, y = as_arrays(x, y, "fit")
        x_val = y_val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (x_val, y_val).")
            x_val, y_val = as_arrays(*validation_data, "fit (validation_data)")
        elif validation_split:
            x, y, x_val, y_val = _split_last(x, y, validation_split)
        self._prepare(x.shape, "fit", training=True)
        steps = math.ceil(len(x) / batch_size)
        history = History()
        extras = [ProgressBar(verbose, steps, epochs)] if verbose else []
        params = {"verbose": verbose, "epochs": epochs, "steps": steps}
        callback_list = CallbackList([*(callbacks or []), history, *extras], self, params)
        self.stop_training = False
        self.history = history
        rng = get_rng()
        callback_list.call("on_train_begin", None)
        logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            callback_list.call("on_epoch_begin", epoch, None)
            if shuffle:
                order = rng.permutation(len(x))
                x_epoch, y_epoch = x[order], y[order]
            else:
                x_epoch, y_epoch = x, y
            logs = self._run_batches(x_epoch, y_epoch, batch_size, True, callback_list)
            if x_val is not None:
                logs.update(self._evaluate_arrays(x_val, y_val, batch_size, callback_list, prefix="val_"))
            callback_list.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        callback_list.call("on_train_end", logs)
        return history

    def _evaluate_arrays(self, x: np.ndarray, y: np.ndarray, batch_size: int, callbacks: CallbackList,
                         prefix: str = "") -> dict:
        callbacks.call("on_test_begin", None)
        logs = self._run_batches(x, y, batch_size, False, callbacks)
        callbacks.call("on_test_end", logs)
        return {prefix + key: value for key, value in logs.items()}

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int = 32, verbose: int = 1,
                 return_dict: bool = False, callbacks: Optional[Iterable[Callback]] = None
                 ) -> Union[float, list[float], dict]:
        """The loss (with regularization) and metrics on (x, y), without training.

        Returns the loss alone when no metric was compiled, else ``[loss, *metrics]``, or a dict
        with ``return_dict=True``.
        """
        _check_positive_int(batch_size, "batch_size")
        x, y = as_arrays(x, y, "evaluate")
        self._prepare(x.shape, "evaluate", training=False)
        callback_list = CallbackList(callbacks or [], self, {"verbose": verbose})
        started = time.perf_counter()
        logs = self._evaluate_arrays(x, y, batch_size, callback_list)
        if verbose:
            steps = math.ceil(len(x) / batch_size)
            print(summary_line(steps, steps, time.perf_counter() - started, logs), flush=True)
        return _as_result(logs, return_dict)

    def predict(self, x: Any, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """The model's outputs for `x` as a numpy array, computed in batches without a graph."""
        _check_positive_int(batch_size, "batch_size")
        x = _features(x, "predict")
        if not self.built:
            self.build((None, *x.shape[1:]))
        with ag.no_grad():
            outputs = [self(x[start:start + batch_size], training=False).data
                       for start in range(0, len(x), batch_size)]
        return np.concatenate(outputs, axis=0)

    def train_on_batch(self, x: Any, y: Any, return_dict: bool = False) -> Union[float, list[float], dict]:
        """One training step on exactly this batch; returns its loss (and metrics)."""
        x, y = as_arrays(x, y, "train_on_batch")
        self._prepare(x.shape, "train_on_batch", training=True)
        loss, y_pred = self._train_step(x, y)
        return _as_result(self._batch_logs(loss, y, y_pred), return_dict)

    def test_on_batch(self, x: Any, y: Any, return_dict: bool = False) -> Union[float, list[float], dict]:
        """The loss (and metrics) on this batch, without training."""
        x, y = as_arrays(x, y, "test_on_batch")
        self._prepare(x.shape, "test_on_batch", training=False)
        loss, y_pred = self._test_step(x, y)
        return _as_result(self._batch_logs(loss, y, y_pred), return_dict)


def _features(x: Any, action: str) -> np.ndarray:
    """x as an array of the default float dtype, with a batch axis and finite values."""
    if x is None:
        raise ValueError(f"{action}() needs input data x.")
    array = np.asarray(x.data if isinstance(x, ag.Tensor) else x)
    if array.ndim == 0:
        raise ValueError(f"{action}(): x must have a batch axis (shape (samples, ...)), got a scalar.")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{action}(): x must hold numbers, got dtype {array.dtype}.")
    return array.astype(ag.get_default_dtype(), copy=False)


def as_arrays(x: Any, y: Any, action: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) as arrays, converted once: x float, y integer labels or float targets; checked."""
    x = _features(x, action)
    if y is None:
        raise ValueError(f"{action}() needs targets y as well as x.")
    y = np.asarray(y.data if isinstance(y, ag.Tensor) else y)
    if y.ndim == 0:
        raise ValueError(f"{action}(): y must have one target per sample, got a scalar.")
    if y.dtype.kind == "f":
        y = y.astype(ag.get_default_dtype(), copy=False)
    if len(x) != len(y):
        raise ValueError(f"{action}(): x has {len(x)} samples but y has {len(y)}; they must match "
                         f"(one target per sample).")
    if len(x) == 0:
        raise ValueError(f"{action}(): the data is empty (0 samples); pass at least one sample.")
    for name, array in (("x", x), ("y", y)):
        if array.dtype.kind == "f" and not all_finite(array):
            bad = int(np.argwhere(~np.isfinite(array))[0][0])
            raise ValueError(f"{action}(): {name} contains NaN or infinite values (first at sample {bad}); "
                             f"clean or impute them before training.")
    return x, y


def _split_last(x: np.ndarray, y: np.ndarray, fraction: float) -> tuple[np.ndarray, ...]:
    """The first (1 - fraction) of the samples for training, the rest for validation (Keras)."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation_split is the fraction of samples held out and must lie in [0, 1), "
                         f"got {fraction}.")
    split_at = int(math.floor(len(x) * (1.0 - fraction)))
    if split_at == 0 or split_at == len(x):
        raise ValueError(f"validation_split={fraction} of {len(x)} samples leaves "
                         f"{split_at} for training and {len(x) - split_at} for validation; both need "
                         f"at least one sample.")
    return x[:split_at], y[:split_at], x[split_at:], y[split_at:]


def _check_positive_int(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def _as_result(logs: dict, return_dict: bool) -> Union[float, list[float], dict]:
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
