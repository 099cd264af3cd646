"""`Trainer`: what `compile` sets up and what a training step uses, under Keras's names.

It holds the optimizer, the loss of each output (`nn.compile_utils.CompileLoss`) and the
metrics (`CompileMetrics`, with a running mean of the loss in front), and computes
``loss = sum_i w_i loss_i(y_i, y_pred_i) + sum(model.losses)`` (one term per output; with sample
or class weights each term is Keras's ``mean_j(s_j * loss_j)`` over the batch's samples) for
the steps in `nn.training` to call (or a `train_step` of your own).
"""
from __future__ import annotations

from typing import Any, Optional

import autograd as ag
import optim
from nn.callbacks import History
from nn.compile_utils import CompileLoss, CompileMetrics
from nn.metrics import Mean


class Trainer:
    """Mixed into `nn.Model` (through `nn.training.Training`). The model gives ``built``,
    ``trainable_weights``, ``losses`` and the names of its outputs where it knows them
    (``_output_names``)."""

    def __init__(self) -> None:
        self.optimizer: Optional[optim.Optimizer] = None
        self.loss: Any = None
        self.compiled = False
        self.stop_training = False
        self.history: Optional[History] = None
        self._compile_loss: Optional[CompileLoss] = None
        self._compile_metrics = CompileMetrics(None)
        self._loss_tracker = Mean(name="loss")
        self._attached: Optional[list[int]] = None
        # Set by a callback's on_train_begin (BackupAndRestore) to resume fit at this epoch.
        self.resume_at_epoch: Optional[int] = None

    # ---- compile -------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None,
                metrics: Any = None) -> None:
        """Choose the optimizer, the loss and the metrics to report (names or objects).

        Args:
            optimizer: a name ("adam") or an `optim` optimizer.
            loss: a name, function, `Loss` object or class; for a model with several outputs one
                loss for all, or a list (in output order) or dict (by output name) of them.
            loss_weights: for several outputs, the weight of each output's loss in the total
                (list or dict; default 1 each).
            metrics: a list such as ``["accuracy"]``; for several outputs, a list of lists or a
                dict from output name to a list.

        All-or-nothing: every argument is resolved before any is set, so a bad one (a metric
        typo) raises with the model exactly as it was. Example:
        ``model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        metrics=["accuracy"])``.
        """
        if isinstance(metrics, (str, bytes)) or (metrics is not None and not isinstance(metrics, (list, tuple, dict))):
            raise TypeError(f"metrics must be a list such as ['accuracy'], got {metrics!r}.")
        new_optimizer = optim.get(optimizer)
        compile_loss = CompileLoss(loss, loss_weights, self._output_names)
        compile_metrics = CompileMetrics(metrics, self._output_names)  # unknown names fail here
        if new_optimizer is not self.optimizer:
            self._attached = None  # the same optimizer again keeps its weights and state
        self.optimizer, self.loss = new_optimizer, compile_loss.loss
        self._compile_loss, self._compile_metrics = compile_loss, compile_metrics
        self._loss_tracker = Mean(name="loss")
        self.compiled = True

    @property
    def metrics_names(self) -> list[str]:
        """The log names of the compiled metrics (per output: "<output>_<metric>")."""
        return self._compile_metrics.names

    @property
    def metrics(self) -> list:
        """What fit reports: the loss's running mean, each output's (with several), and the
        compiled metrics (one object holding them all, named "compile_metrics", as in Keras)."""
        if not self.compiled:
            return []
        return [self._loss_tracker, *self._compile_loss.trackers, self._compile_metrics]

    def reset_metrics(self) -> None:
        """Start every metric afresh (fit does so at each epoch, evaluate at each call)."""
        for metric in self.metrics:
            metric.reset_state()

    def get_compile_config(self) -> Optional[dict]:
        """The compile arguments as JSON values (None before compile); losses and metrics of
        your own are saved by name, for `load_model`'s ``custom_objects``."""
        if not self.compiled:
            return None
        return {"optimizer": self.optimizer.get_config(), "loss": self._compile_loss.get_config(),
                "loss_weights": self._compile_loss.loss_weights, "metrics": self._compile_metrics.get_config()}

    def compile_from_config(self, config: dict) -> None:
        """Compile from `get_compile_config()`; a built model's weights are handed to the optimizer
        at once (as Keras builds it), so saved optimizer state can be loaded into it."""
        self.compile(optimizer=optim.from_config(config["optimizer"]), loss=config.get("loss"),
                     loss_weights=config.get("loss_weights"), metrics=config.get("metrics") or None)
        if self.built and self.trainable_weights:
            self._attach_optimizer()

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> ag.Tensor:
        """The total loss: the compiled loss of each output, weighted, plus `self.losses`
        (regularization penalties and `add_loss` terms), recorded in a ``"loss"`` name scope."""
        with ag.name_scope("loss"):
            terms = []
            if self._compile_loss is not None and y_pred is not None:
                data_loss = self._compile_loss(y, y_pred, sample_weight)
                if data_loss is not None:
                    terms.append(data_loss)
            terms.extend(self.losses)
            if not terms:
                raise RuntimeError("there is no loss to compute: call compile(optimizer=..., loss=...) with a loss, "
                                   "or add one in the model with add_loss().")
            total = terms[0]
            for term in terms[1:]:
                total = total + term
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Add the batch to the compiled metrics; returns every metric's result (the logs)."""
        if y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """``{name: result}`` of every metric in `metrics`, a container's results merged in."""
        logs: dict = {}
        for metric in self.metrics:
            result = metric.result()
            logs.update(result if isinstance(result, dict) else {metric.name: result})
        return logs

    # ---- compiled, built, attached -----------------------------------------------------------------
    def _check_compiled(self, action: str, training: bool) -> None:
        if not self.compiled:
            raise RuntimeError(f"call compile(optimizer=..., loss=...) before {action}(): the model needs "
                               f"a loss{' and an optimizer' if training else ''} first.")

    def _prepare_training(self, action: str) -> None:
        """Hand the weights to the optimizer, once the model is built."""
        if not self.trainable_weights:
            raise ValueError(f"model {self.name!r} has no trainable weights, so {action}() has "
                             f"nothing to learn; add a layer such as Dense.")
        self._attach_optimizer()

    def _attach_optimizer(self) -> None:
        """Hand the trainable weights to the optimizer, unless it already holds exactly these,
        and the layers' weight constraints (``kernel_constraint`` & co.), which it applies after
        each step.

        When they changed since this model attached them (a layer frozen or unfrozen after
        compile, fit or load_model: Keras's transfer-learning recipe), the optimizer is re-attached
        and keeps the state of the weights that stay trainable.
        """
        self.optimizer.set_constraints(self.weight_constraints)
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
