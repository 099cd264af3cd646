"""Keras's training loops for models: the per-batch steps, fit, evaluate and predict.

`fit` runs `train_step` on each batch and `evaluate` runs `test_step`; both are methods a model
may override (see `train_step` for the contract). The default training step is: forward on the
batch, the loss (`nn.trainer.Trainer.compute_loss`), ``loss.backward()``, ``optimizer.step()``.
Arrays are converted once and each epoch shuffles them with one fancy index, then takes batches
as views; generators and `PyDataset`s give their own batches (see `nn.data_adapters`).
"""
from __future__ import annotations

import time
from typing import Any, Iterable, Iterator, Mapping, Optional, Union

import numpy as np

import autograd as ag
from nn import tree
from nn.callbacks import Callback, CallbackList, History, as_callback_list
from nn.data_adapters import (ArrayBatches, Batch, IterableBatches, array_batches, batch_size_of, check_arrays,
                              check_positive_int, features, is_batch_source, match_input_rank, pack_x_y_sample_weight,
                              refuse_beside_batches, sample_weights, split_last, standardize, targets,
                              unpack_x_y_sample_weight, warn_used_up)
from nn.progress import ProgressBar, summary_line
from nn.trainer import Trainer
from nn.utils import get_rng

Batches = Union[ArrayBatches, IterableBatches]


class Training(Trainer):
    """Mixed into `nn.Model`: the steps and the loops over data. The model gives ``__call__``,
    ``built``, ``build_for`` and the names and shapes of its inputs where it knows them
    (``_input_names``, ``_data_input_shapes``)."""

    # ---- the steps: override train_step / test_step / predict_step to change fit and friends -----
    def train_step(self, data: Any) -> dict:
        """One training step on one batch; `fit` calls it for every batch and logs what it returns.

        `data` is the batch as ``(x, y)`` or ``(x, y, sample_weight)`` (unpack it with
        ``nn.utils.unpack_x_y_sample_weight``). Override it to train differently; the contract,
        PyTorch style:

            >>> def train_step(self, data):
            ...     x, y = data
            ...     self.optimizer.zero_grad()
            ...     y_pred = self(x, training=True)
            ...     loss = self.compute_loss(y=y, y_pred=y_pred)   # compiled loss + self.losses
            ...     loss.backward()
            ...     self.optimizer.step()
            ...     for metric in self.metrics:
            ...         if metric.name == "loss":
            ...             metric.update_state(loss)
            ...         else:
            ...             metric.update_state(y, y_pred)
            ...     return {m.name: m.result() for m in self.metrics}

        Returns:
            the logs so far in the epoch: ``{name: value}`` (a value may be a dict, which is
            merged in); metrics are reset at each epoch's start, so their results are running.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self.optimizer.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
        self._loss_tracker.update_state(loss.data, sample_weight=batch_size_of(x))
        loss.backward()
        self.optimizer.step()
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict:
        """One evaluation step on one batch (no gradients are recorded); returns the logs so far."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss.data, sample_weight=batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        """The model's outputs on one batch ``(x,)``."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # ---- the data ------------------------------------------------------------------------------
    def _model_x(self, x: Any, action: str) -> Any:
        """x as the model takes it (see `_fit_to_model`), from data as the user gives it."""
        return self._fit_to_model(standardize(x, self._input_names, features, "x", action), action)

    def _fit_to_model(self, x: Any, action: str) -> Any:
        """Arrays in the model's input structure, shaped for its inputs (Keras's rank adjustment:
        (n,) for inputs of shape (None, 1) becomes (n, 1)); the first data seen builds the model."""
        arrays = tree.flatten(x)
        if not self.built:
            for array in arrays:
                match_input_rank(array, None, action)
            self.build_for(tree.map_structure(lambda array: (None, *array.shape[1:]), x))
        shapes = tree.flatten_shapes(self._data_input_shapes) if self._data_input_shapes is not None else []
        if len(shapes) != len(arrays):
            return x
        return tree.pack_sequence_as(x, [match_input_rank(a, s, action) for a, s in zip(arrays, shapes)])

    def _model_y(self, y: Any, action: str) -> Any:
        return standardize(y, self._output_names, targets, "y", action)

    def _arrays(self, x: Any, y: Any, sample_weight: Any, class_weight: Optional[Mapping], action: str
                ) -> tuple[Any, Any, Optional[np.ndarray]]:
        """(x, y, per-sample weights) as checked arrays, x shaped for the model (which it builds)."""
        x = standardize(x, self._input_names, features, "x", action)
        y = self._model_y(y, action)
        weights = sample_weights(sample_weight, class_weight, y, action)
        check_arrays(x, y, weights, action)
        return self._fit_to_model(x, action), y, weights

    def _batches(self, x: Any, y: Any, sample_weight: Any, class_weight: Optional[Mapping], batch_size: Optional[int],
                 steps: Optional[int], steps_name: str, action: str, shuffle: bool = False) -> Batches:
        """Batches of (x, y, weights) from arrays or from a generator / PyDataset / iterable."""
        if is_batch_source(x):
            if steps is not None:
                check_positive_int(steps, steps_name)
            refuse_beside_batches(action, y, sample_weight, batch_size)
            return IterableBatches(x, steps, action, class_weight=class_weight, shuffle=shuffle, rng=get_rng(),
                                   adapt_x=lambda batch: self._model_x(batch, action),
                                   adapt_y=lambda batch: self._model_y(batch, action))
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
    def _run_batches(self, batches: Iterator[Batch], training: bool, callbacks: CallbackList) -> dict:
        """One pass over the batches with `train_step` or `test_step`; the metrics start afresh,
        so the last step's logs are the pass's (the loss averaged by batch size, each metric
        over every sample: an AUC of the pass, not a mean of batch AUCs)."""
        step_fn = self.train_step if training else self.test_step
        begin_hook, end_hook = ("on_train_batch_begin", "on_train_batch_end") if training else \
            ("on_test_batch_begin", "on_test_batch_end")
        call_begin, call_end = callbacks.wants(begin_hook), callbacks.wants(end_hook)
        self.reset_metrics()
        logs: dict = {}
        for step, (x_batch, y_batch, weights) in enumerate(batches):
            if call_begin:
                callbacks.call(begin_hook, step, None)
            logs = python_logs(step_fn(pack_x_y_sample_weight(x_batch, y_batch, weights)))
            if call_end:
                callbacks.call(end_hook, step, dict(logs))
            if training and self.stop_training:
                break
        return logs

    def fit(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None, epochs: int = 1,
            verbose: Union[int, str] = "auto", callbacks: Union[Callback, Iterable[Callback], None] = None,
            validation_split: float = 0.0, validation_data: Any = None, shuffle: bool = True,
            class_weight: Optional[Mapping] = None, sample_weight: Any = None, initial_epoch: int = 0,
            steps_per_epoch: Optional[int] = None, validation_steps: Optional[int] = None,
            validation_batch_size: Optional[int] = None) -> History:
        """Train for `epochs` passes over the data; returns a `History` of per-epoch logs.

        Args:
            x, y: arrays (numpy, lists, Tensors) of samples and targets; for a model with several
                inputs (outputs), a list in their order or a dict keyed by their names. Or, as x
                alone, a generator, iterator or `nn.utils.PyDataset` of ``(x, y)`` or
                ``(x, y, sample_weight)`` batches. x of shape (n,) feeds a model with one input
                feature as (n, 1).
            batch_size: samples per batch for arrays; None means 32.
            validation_split: the LAST fraction of the arrays (before shuffling) held out, as
                Keras does.
            validation_data: ``(x_val, y_val)``, ``(x_val, y_val, sample_weight_val)``, or
                batches as for x.
            shuffle: reorder array samples (a PyDataset's batches) every epoch.
            class_weight: ``{class: weight}``; each sample's loss is scaled by its class's
                weight (1 for classes left out); for a model with one output.
            sample_weight: one weight per sample; each loss becomes ``mean_i(w_i * loss_i)``.
            steps_per_epoch: batches per epoch; needed for an endless generator.
            validation_steps: batches per validation; None means all of them.
            validation_batch_size: batch size for validation arrays; None means batch_size.

        Logged values: ``loss`` (with regularization), each output's loss when there are
        several (``<output>_loss``), each metric, and ``val_`` versions of all.
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
        with ag.no_grad():
            logs = self._run_batches(batches.epoch(), False, callbacks)
        callbacks.call("on_test_end", logs)
        return {prefix + key: value for key, value in logs.items()}

    def evaluate(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None,
                 verbose: Union[int, str] = "auto", sample_weight: Any = None, steps: Optional[int] = None,
                 callbacks: Union[Callback, Iterable[Callback], None] = None, return_dict: bool = False
                 ) -> Union[float, list[float], dict]:
        """The loss (with regularization) and metrics on the data, without training.

        Takes the data as `fit` does (arrays, or batches as x alone; `steps` limits the batches).
        Returns the loss alone when nothing else is logged, else ``[loss, *output losses,
        *metrics]``, or a dict with ``return_dict=True``.
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
                steps: Optional[int] = None) -> Any:
        """The model's outputs for `x` as numpy arrays (a list or dict of them for several
        outputs), computed in batches by `predict_step`, without a graph.

        x is an array of samples (batch axis first: one sample ``x[0]`` is passed as ``x[None]``
        or ``x[:1]``), arrays per input as for `fit`, or batches as for `fit` (their targets, if
        any, are ignored).
        """
        _verbosity(verbose)
        if is_batch_source(x):
            if steps is not None:
                check_positive_int(steps, "steps")
            batches = IterableBatches(x, steps, "predict", need_targets=False,
                                      adapt_x=lambda batch: self._model_x(batch, "predict"))
        else:
            x = self._model_x(x, "predict")
            if batch_size_of(x) == 0:  # no predictions, in the shape the outputs would have
                with ag.no_grad():
                    return tree.map_structure(lambda t: t.data, self(x, training=False))
            batches = array_batches((x, None, None), batch_size, steps, "steps")
        with ag.no_grad():
            outputs = [tree.map_structure(lambda t: t.data, self.predict_step(pack_x_y_sample_weight(x_batch)))
                       for x_batch, _, _ in batches.epoch()]
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                       class_weight: Optional[Mapping] = None, return_dict: bool = False
                       ) -> Union[float, list[float], dict]:
        """One training step on exactly this batch; returns its loss (and metrics)."""
        self._check_compiled("train_on_batch", training=True)
        x, y, weights = self._arrays(x, y, sample_weight, class_weight, "train_on_batch")
        self._prepare_training("train_on_batch")
        self.reset_metrics()  # the logs of this batch alone, as Keras's *_on_batch give
        return _as_result(python_logs(self.train_step(pack_x_y_sample_weight(x, y, weights))), return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs for exactly this batch, as numpy arrays (a list or dict of them for
        several outputs)."""
        x = self._model_x(x, "predict_on_batch")
        with ag.no_grad():
            return tree.map_structure(lambda t: t.data, self.predict_step(pack_x_y_sample_weight(x)))

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                      return_dict: bool = False) -> Union[float, list[float], dict]:
        """The loss (and metrics) on this batch, without training."""
        self._check_compiled("test_on_batch", training=False)
        x, y, weights = self._arrays(x, y, sample_weight, None, "test_on_batch")
        self.reset_metrics()
        with ag.no_grad():
            logs = python_logs(self.test_step(pack_x_y_sample_weight(x, y, weights)))
        return _as_result(logs, return_dict)


def python_logs(logs: Mapping[str, Any]) -> dict:
    """Logs as plain values: nested dicts merged in, Tensors and 0-d arrays as floats."""
    plain: dict = {}
    for name, value in logs.items():
        if isinstance(value, Mapping):
            plain.update(python_logs(value))
            continue
        value = value.data if isinstance(value, ag.Tensor) else value
        plain[name] = float(value) if np.ndim(value) == 0 else np.asarray(value)
    return plain


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
