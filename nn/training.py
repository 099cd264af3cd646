"""Keras's training API for models: compile, fit, evaluate, predict and the per-batch steps.

A training step is: forward on the batch, ``loss = loss_fn(y, y_pred) + sum(regularization)``,
``loss.backward()``, ``optimizer.step()``; with sample or class weights ``w``, the loss term is
Keras's ``mean_i(w_i * loss_i)`` over the batch's samples. Arrays are converted once and each
epoch shuffles them with one fancy index, then takes batches as views; generators and
`PyDataset`s give their own batches (see `nn.data_adapters`).
"""
from __future__ import annotations

import time
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Union

import numpy as np

import autograd as ag
import optim
from nn import losses as losses_module
from nn import metrics as metrics_module
from nn.callbacks import Callback, CallbackList, History, as_callback_list
from nn.data_adapters import (ArrayBatches, Batch, IterableBatches, array_batches, check_arrays, check_positive_int,
                              features, is_batch_source, match_input_rank, refuse_beside_batches, sample_weights,
                              split_last, targets, warn_used_up)
from nn.progress import ProgressBar, summary_line
from nn.utils import get_rng

Batches = Union[ArrayBatches, IterableBatches]


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
        # Set by a callback's on_train_begin (BackupAndRestore) to resume fit at this epoch.
        self.resume_at_epoch: Optional[int] = None

    # ---- compile -------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None,
                metrics: Optional[Sequence[Any]] = None) -> None:
        """Choose the optimizer, the loss and the metrics to report (names or objects).

        All-or-nothing: every argument is resolved before any is set, so a bad one (a metric
        typo) raises with the model exactly as it was. Example:
        ``model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        metrics=["accuracy"])``.
        """
        if isinstance(metrics, (str, bytes)) or (metrics is not None and not isinstance(metrics, (list, tuple))):
            raise TypeError(f"metrics must be a list such as ['accuracy'], got {metrics!r}.")
        new_optimizer = optim.get(optimizer)
        new_loss = losses_module.get(loss)
        compiled_metrics = metrics_module.CompiledMetrics(metrics or [])  # unknown names fail here
        if new_optimizer is not self.optimizer:
            self._attached = None  # the same optimizer again keeps its weights and state
        self.optimizer, self.loss = new_optimizer, new_loss
        self.compiled_metrics, self.metrics_names = compiled_metrics, compiled_metrics.names
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
    def _check_compiled(self, action: str, training: bool) -> None:
        if not self.compiled or (self.loss is None and action != "predict"):
            raise RuntimeError(f"call compile(optimizer=..., loss=...) before {action}(): the model needs "
                               f"a loss{' and an optimizer' if training else ''} first.")

    def _model_inputs(self, x: np.ndarray, action: str) -> np.ndarray:
        """x shaped for the model (Keras's rank adjustment); the first data seen builds it."""
        if not self.built:
            match_input_rank(x, None, action)
            self.build((None, *x.shape[1:]))
        return match_input_rank(x, getattr(self, "input_shape", None), action)

    def _prepare_training(self, action: str) -> None:
        """Hand the weights to the optimizer, once the model is built."""
        if not self.trainable_weights:
            raise ValueError(f"model {self.name!r} has no trainable weights, so {action}() has "
                             f"nothing to learn; add a layer such as Dense.")
        self._attach_optimizer()

    def _attach_optimizer(self) -> None:
        """Hand the trainable weights to the optimizer, unless it already holds exactly these.

        When they changed since this model attached them (a layer frozen or unfrozen after
        compile, fit or load_model: Keras's transfer-learning recipe), the optimizer is re-attached
        and keeps the state of the weights that stay trainable.
        """
        params = self.trainable_weights
        ids = [id(p) for p in params]
        if self._attached == ids:
            return
        if self._attached is None:
            self.optimizer.attach(params)
        else:
            self.optimizer.reattach(params)
        self._attached = ids

    def sync_optimizer(self) -> None:
        """Bring the optimizer's weights up to date with `trainable_weights` if this model has
        already handed it weights (``save`` calls it, so the saved state matches what trains)."""
        if self.compiled and self._attached is not None and self.trainable_weights:
            self._attach_optimizer()

    def _total_loss(self, y_true: np.ndarray, y_pred: ag.Tensor,
                    sample_weight: Optional[np.ndarray] = None) -> ag.Tensor:
        with ag.name_scope("loss"):
            loss = self._data_loss(y_true, y_pred, sample_weight)
            for penalty in self.losses:
                loss = loss + penalty
        return loss

    def _data_loss(self, y_true: np.ndarray, y_pred: ag.Tensor, sample_weight: Optional[np.ndarray]) -> ag.Tensor:
        """The compiled loss on a batch; weighted, Keras's "sum_over_batch_size": sum_i w_i l_i / n.

        A custom loss may return one value per sample (as Keras's custom losses do); it is
        averaged (or weighted) over the batch like a built-in one.
        """
        if isinstance(self.loss, losses_module.Loss):  # it weighs and reduces as its reduction says
            loss = self.loss(y_true, y_pred, sample_weight=sample_weight)
            return loss if loss.ndim == 0 else ag.mean(loss)
        if sample_weight is None:
            loss = self.loss(y_true, y_pred)
            return loss if loss.ndim == 0 else ag.mean(loss)
        per_sample = losses_module.per_sample_losses(self.loss, y_true, y_pred)
        if per_sample is None:
            per_sample = self.loss(y_true, y_pred)
            if per_sample.ndim == 0 or per_sample.shape[0] != len(sample_weight):
                raise ValueError(f"the custom loss {getattr(self.loss, '__name__', self.loss)!r} returned shape "
                                 f"{per_sample.shape}, but sample_weight and class_weight weigh samples one by one: "
                                 f"return one loss per sample, shape ({len(sample_weight)},), e.g. a mean over "
                                 f"axis=-1 instead of over everything.")
            if per_sample.ndim > 1:
                per_sample = ag.mean(per_sample, axis=tuple(range(1, per_sample.ndim)))
        return ag.mean(per_sample * ag.Tensor(sample_weight, dtype=per_sample.dtype))

    def _batch_logs(self, loss: float, y_true: np.ndarray, y_pred: np.ndarray) -> dict:
        """The logs of one batch on its own (metrics reset first, as Keras's *_on_batch do)."""
        self.compiled_metrics.reset_state()
        self.compiled_metrics.update_state(y_true, y_pred)
        return self._logs(loss)

    def _train_step(self, x: np.ndarray, y: np.ndarray,
                    sample_weight: Optional[np.ndarray] = None) -> tuple[float, np.ndarray]:
        self.optimizer.zero_grad()
        y_pred = self(x, training=True)
        loss = self._total_loss(y, y_pred, sample_weight)
        loss.backward()
        self.optimizer.step()
        return float(loss.data), y_pred.data

    def _test_step(self, x: np.ndarray, y: np.ndarray,
                   sample_weight: Optional[np.ndarray] = None) -> tuple[float, np.ndarray]:
        with ag.no_grad():
            y_pred = self(x, training=False)
            return float(self._total_loss(y, y_pred, sample_weight).data), y_pred.data

    def _logs(self, loss: float, prefix: str = "") -> dict:
        """The mean loss and every metric's value over the batches since the last reset."""
        logs = {prefix + "loss": loss}
        for name, value in self.compiled_metrics.result().items():
            logs[prefix + name] = value
        return logs

    def _run_batches(self, batches: Iterator[Batch], training: bool, callbacks: CallbackList) -> dict:
        """One pass over the batches; the loss averaged by batch size, and the metrics over every
        sample of the pass (stateful: an AUC of the pass, not a mean of batch AUCs)."""
        step_fn = self._train_step if training else self._test_step
        begin_hook, end_hook = ("on_train_batch_begin", "on_train_batch_end") if training else \
            ("on_test_batch_begin", "on_test_batch_end")
        call_begin, call_end = callbacks.wants(begin_hook), callbacks.wants(end_hook)
        loss_sum, seen = 0.0, 0
        self.compiled_metrics.reset_state()
        for step, (x_batch, y_batch, weights) in enumerate(batches):
            if call_begin:
                callbacks.call(begin_hook, step, None)
            loss, y_pred = step_fn(x_batch, y_batch, weights)
            count = len(x_batch)
            loss_sum += loss * count
            self.compiled_metrics.update_state(y_batch, y_pred)
            seen += count
            if call_end:
                callbacks.call(end_hook, step, self._logs(loss_sum / seen))
            if training and self.stop_training:
                break
        return self._logs(loss_sum / seen)

    # ---- the data ------------------------------------------------------------------------------
    def _arrays(self, x: Any, y: Any, sample_weight: Any, class_weight: Optional[Mapping], action: str
                ) -> tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]:
        """(x, y, per-sample weights) as checked arrays, x shaped for the model (which it builds)."""
        x, y = features(x, action), targets(y, action)
        weights = sample_weights(sample_weight, class_weight, y, action)
        check_arrays(x, y, weights, action)
        return self._model_inputs(x, action), y, weights

    def _batches(self, x: Any, y: Any, sample_weight: Any, class_weight: Optional[Mapping], batch_size: Optional[int],
                 steps: Optional[int], steps_name: str, action: str, shuffle: bool = False) -> Batches:
        """Batches of (x, y, weights) from arrays or from a generator / PyDataset / iterable."""
        if is_batch_source(x):
            if steps is not None:
                check_positive_int(steps, steps_name)
            refuse_beside_batches(action, y, sample_weight, batch_size)
            batches = IterableBatches(x, steps, action, class_weight=class_weight, shuffle=shuffle, rng=get_rng(),
                                      adapt_x=lambda batch: self._model_inputs(batch, action))
            self._model_inputs(batches.first_x, action)
            return batches
        return array_batches(self._arrays(x, y, sample_weight, class_weight, action), batch_size, steps,
                             steps_name, shuffle, get_rng())

    def _validation_batches(self, data: Any, batch_size: Optional[int], steps: Optional[int]) -> Batches:
        action = "fit (validation_data)"
        if is_batch_source(data):
            return self._batches(data, None, None, None, None, steps, "validation_steps", action)
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            raise ValueError("validation_data must be a pair (x_val, y_val), a triple (x_val, y_val, "
                             "sample_weight_val), or a generator / PyDataset of such batches.")
        x, y, weights = (*data, None)[:3]
        return self._batches(x, y, weights, None, batch_size, steps, "validation_steps", action)

    # ---- the loops -----------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None, epochs: int = 1,
            verbose: Union[int, str] = "auto", callbacks: Union[Callback, Iterable[Callback], None] = None,
            validation_split: float = 0.0, validation_data: Any = None, shuffle: bool = True,
            class_weight: Optional[Mapping] = None, sample_weight: Any = None, initial_epoch: int = 0,
            steps_per_epoch: Optional[int] = None, validation_steps: Optional[int] = None,
            validation_batch_size: Optional[int] = None) -> History:
        """Train for `epochs` passes over the data; returns a `History` of per-epoch logs.

        Args:
            x, y: arrays (numpy, lists, Tensors) of samples and targets; or, as x alone, a
                generator, iterator or `nn.utils.PyDataset` of ``(x, y)`` or
                ``(x, y, sample_weight)`` batches. x of shape (n,) feeds a model with one
                input feature as (n, 1).
            batch_size: samples per batch for arrays; None means 32.
            validation_split: the LAST fraction of the arrays (before shuffling) held out, as
                Keras does.
            validation_data: ``(x_val, y_val)``, ``(x_val, y_val, sample_weight_val)``, or
                batches as for x.
            shuffle: reorder array samples (a PyDataset's batches) every epoch.
            class_weight: ``{class: weight}``; each sample's loss is scaled by its class's
                weight (1 for classes left out).
            sample_weight: one weight per sample; the loss becomes ``mean_i(w_i * loss_i)``.
            steps_per_epoch: batches per epoch; needed for an endless generator.
            validation_steps: batches per validation; None means all of them.
            validation_batch_size: batch size for validation arrays; None means batch_size.

        Logged values: ``loss`` (with regularization), each metric, and ``val_`` versions of both.
        """
        check_positive_int(epochs, "epochs")
        if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, (int, np.integer)) or initial_epoch < 0:
            raise ValueError(f"initial_epoch is the epoch to start counting from, an integer from 0 (the "
                             f"default) to epochs - 1, got {initial_epoch!r}.")
        verbose = _verbosity(verbose)
        self._check_compiled("fit", training=True)
        validation: Optional[Batches] = None
        if validation_split and validation_data is None:
            if is_batch_source(x):
                raise ValueError("fit(): validation_split holds out part of arrays, so it cannot be used when x is "
                                 "a generator or PyDataset; pass validation_data instead.")
            train_arrays, validation_arrays = split_last(self._arrays(x, y, sample_weight, None, "fit"),
                                                         validation_split)
            if class_weight is not None:  # as in Keras, the held-out samples are not class-weighted
                x_train, y_train, weights = train_arrays
                train_arrays = (x_train, y_train, sample_weights(weights, class_weight, y_train, "fit"))
            train = array_batches(train_arrays, batch_size, steps_per_epoch, "steps_per_epoch", shuffle, get_rng())
            validation = array_batches(validation_arrays, validation_batch_size or batch_size, validation_steps,
                                       "validation_steps")
        else:
            train = self._batches(x, y, sample_weight, class_weight, batch_size, steps_per_epoch, "steps_per_epoch",
                                  "fit", shuffle)
            if validation_data is not None:
                validation = self._validation_batches(validation_data, validation_batch_size or batch_size,
                                                      validation_steps)
        self._prepare_training("fit")
        history = History()
        extras = [ProgressBar(verbose, train.steps, epochs)] if verbose else []
        params = {"verbose": verbose, "epochs": epochs, "steps": train.steps}
        callback_list = CallbackList([*as_callback_list(callbacks), history, *extras], self, params)
        self.stop_training = False
        self.history = history
        self.resume_at_epoch = None
        callback_list.call("on_train_begin", None)
        if self.resume_at_epoch is not None:
            initial_epoch = self.resume_at_epoch
        logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            if not train.begin_epoch():
                warn_used_up(epoch)
                break
            callback_list.call("on_epoch_begin", epoch, None)
            logs = self._run_batches(train.epoch(), True, callback_list)
            if validation is not None:
                logs.update(self._evaluate_batches(validation, callback_list, prefix="val_"))
            callback_list.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
            if train.used_up:
                warn_used_up(epoch + 1)
                break
        callback_list.call("on_train_end", logs)
        return history

    def _evaluate_batches(self, batches: Batches, callbacks: CallbackList, prefix: str = "") -> dict:
        batches.rewind()
        if not batches.begin_epoch():
            raise ValueError(f"the {'validation ' if prefix else ''}data has no batches left: a generator can be gone "
                             f"through only once. Pass arrays or a PyDataset, or an endless generator with "
                             f"{'validation_steps' if prefix else 'steps'}=....")
        callbacks.call("on_test_begin", None)
        logs = self._run_batches(batches.epoch(), False, callbacks)
        callbacks.call("on_test_end", logs)
        return {prefix + key: value for key, value in logs.items()}

    def evaluate(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
                 verbose: Union[int, str] = "auto", sample_weight: Any = None, steps: Optional[int] = None,
                 callbacks: Union[Callback, Iterable[Callback], None] = None, return_dict: bool = False
                 ) -> Union[float, list[float], dict]:
        """The loss (with regularization) and metrics on the data, without training.

        Takes the data as `fit` does (arrays, or batches as x alone; `steps` limits the batches).
        Returns the loss alone when no metric was compiled, else ``[loss, *metrics]``, or a dict
        with ``return_dict=True``.
        """
        verbose = _verbosity(verbose)
        self._check_compiled("evaluate", training=False)
        batches = self._batches(x, y, sample_weight, None, batch_size, steps, "steps", "evaluate")
        callback_list = CallbackList(as_callback_list(callbacks), self, {"verbose": verbose})
        started = time.perf_counter()
        logs = self._evaluate_batches(batches, callback_list)
        if verbose:
            print(summary_line(batches.taken, batches.taken, time.perf_counter() - started, logs), flush=True)
        return _as_result(logs, return_dict)

    def predict(self, x: Any, batch_size: Optional[int] = None, verbose: Union[int, str] = 0,
                steps: Optional[int] = None) -> np.ndarray:
        """The model's outputs for `x` as a numpy array, computed in batches without a graph.

        x is an array of samples (batch axis first: one sample ``x[0]`` is passed as ``x[None]``
        or ``x[:1]``), or batches as for `fit` (their targets, if any, are ignored).
        """
        _verbosity(verbose)
        if is_batch_source(x):
            if steps is not None:
                check_positive_int(steps, "steps")
            batches = IterableBatches(x, steps, "predict", need_targets=False,
                                      adapt_x=lambda batch: self._model_inputs(batch, "predict"))
            self._model_inputs(batches.first_x, "predict")
        else:
            x = self._model_inputs(features(x, "predict"), "predict")
            if len(x) == 0:  # no predictions, in the shape the outputs would have
                with ag.no_grad():
                    return self(x, training=False).data
            batches = array_batches((x, None, None), batch_size, steps, "steps")
        with ag.no_grad():
            outputs = [self(x_batch, training=False).data for x_batch, _, _ in batches.epoch()]
        return np.concatenate(outputs, axis=0)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                       class_weight: Optional[Mapping] = None, return_dict: bool = False
                       ) -> Union[float, list[float], dict]:
        """One training step on exactly this batch; returns its loss (and metrics)."""
        self._check_compiled("train_on_batch", training=True)
        x, y, weights = self._arrays(x, y, sample_weight, class_weight, "train_on_batch")
        self._prepare_training("train_on_batch")
        loss, y_pred = self._train_step(x, y, weights)
        return _as_result(self._batch_logs(loss, y, y_pred), return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                      return_dict: bool = False) -> Union[float, list[float], dict]:
        """The loss (and metrics) on this batch, without training."""
        self._check_compiled("test_on_batch", training=False)
        x, y, weights = self._arrays(x, y, sample_weight, None, "test_on_batch")
        loss, y_pred = self._test_step(x, y, weights)
        return _as_result(self._batch_logs(loss, y, y_pred), return_dict)


def _verbosity(verbose: Union[int, str]) -> int:
    """Keras's verbose values: "auto" (= 1, a bar), 0 (silent), 1 (a bar), 2 (a line per epoch)."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line per epoch), "
                         f"got {verbose!r}.")
    return int(verbose)


def _as_result(logs: dict, return_dict: bool) -> Union[float, list[float], dict]:
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
