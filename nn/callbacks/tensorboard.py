"""`TensorBoard`: training curves and weight histograms as TensorBoard event files.

The files are written with tensorboardX, an optional extra: ``pip install chainrule[tensorboard]``
(which also brings the ``tensorboard`` viewer: ``tensorboard --logdir logs``).
"""
from __future__ import annotations

import os
import time
import warnings
from typing import Any, Union

import numpy as np

from nn.callbacks.core import Callback, Logs

INSTALL_HINT = "pip install chainrule[tensorboard]"


def _summary_writer_class() -> Any:
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise ImportError(f"nn.callbacks.TensorBoard writes its event files with tensorboardX, which "
                          f"is not installed; install it with `{INSTALL_HINT}` (or "
                          "`pip install tensorboardX`).") from None
    return SummaryWriter


class TensorBoard(Callback):
    """Write what `fit` logs to TensorBoard event files, laid out as Keras 3 lays them out.

    - ``log_dir/train``: ``epoch_loss``, ``epoch_<metric>`` and ``epoch_learning_rate`` at each
      epoch's end (step = the epoch, from 0).
    - ``log_dir/validation``: the ``val_*`` values under the same names (``epoch_loss``, ...), so
      TensorBoard draws the two curves on one chart; and after each evaluation
      ``evaluation_<name>_vs_iterations`` at step = the optimizer's iteration count.
    - With ``histogram_freq=k > 0``, every k epochs: a histogram of each weight
      (``<layer>/<weight>/histogram``) and of its gradient on the epoch's last batch
      (``<layer>/<weight>/gradient``), in ``log_dir/train``.

    Args:
        log_dir: the folder of the event files (created if missing). Defaults to ``"logs"``.
        histogram_freq: every how many epochs to write weight and gradient histograms (0: never).
        write_graph: accepted for Keras code; no graph is written (Keras 3 does not write one
            either).
        write_images: Keras draws weights as images; not written here (a warning says so).
        write_steps_per_second: also write the training steps per second.
        update_freq: ``"epoch"``; or ``"batch"`` / an integer N to also write ``batch_<name>``
            (the epoch's running values) every N training batches, at step = the batch count.
        profile_batch: must be 0 (there is no profiler; Keras's torch backend refuses it too).
        embeddings_freq, embeddings_metadata: for Keras's Embedding projector; nothing to write
            here (a warning says so when set).

    Example:
        >>> model.fit(x, y, epochs=5, validation_split=0.2,
        ...           callbacks=[nn.callbacks.TensorBoard(log_dir="logs", histogram_freq=1)])
        then ``tensorboard --logdir logs``.
    """

    def __init__(self, log_dir: Union[str, os.PathLike] = "logs", histogram_freq: int = 0,
                 write_graph: bool = True, write_images: bool = False,
                 write_steps_per_second: bool = False, update_freq: Union[str, int] = "epoch",
                 profile_batch: int = 0, embeddings_freq: int = 0,
                 embeddings_metadata: Any = None) -> None:
        super().__init__()
        self._writer_class = _summary_writer_class()
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq is a number of epochs (0 for no "
                             f"histograms), got {histogram_freq!r}.")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (isinstance(update_freq, bool) or not isinstance(update_freq, int)
                                       or update_freq <= 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive number "
                             f"of batches, got {update_freq!r}.")
        if profile_batch:
            raise ValueError(f"TensorBoard: profiling is not available, so profile_batch must be 0, "
                             f"got {profile_batch!r}.")
        if write_images:
            warnings.warn("TensorBoard: write_images=True is accepted but no weight images are "
                          "written; the histograms (histogram_freq=1) show the weights.", stacklevel=2)
        if embeddings_freq or embeddings_metadata:
            warnings.warn("TensorBoard: there are no Embedding layers to project, so "
                          "embeddings_freq / embeddings_metadata write nothing.", stacklevel=2)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._writers: dict[str, Any] = {}
        self._train_batches = 0
        self._epoch_started = 0.0
        self._batch_started = 0.0
        self._epoch_first_iteration = 0
        self._training = False  # inside fit; an evaluate alone closes its writer when done

    def _writer(self, kind: str) -> Any:
        """The writer of ``log_dir/<kind>`` ("train" or "validation"), opened on first use."""
        if kind not in self._writers:
            self._writers[kind] = self._writer_class(logdir=os.path.join(self.log_dir, kind))
        return self._writers[kind]

    def _write_scalars(self, kind: str, prefix: str, logs: dict, step: int) -> None:
        writer = self._writer(kind)
        for name, value in logs.items():
            writer.add_scalar(prefix + name, float(value), global_step=step)

    # ---- hooks ---------------------------------------------------------------------------------
    def on_train_begin(self, logs: Logs = None) -> None:
        self._train_batches = 0
        self._training = True

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self._epoch_started = time.perf_counter()
        self._epoch_first_iteration = self._iterations()

    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._batch_started = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._train_batches += 1
        if self.update_freq == "epoch" or self._train_batches % self.update_freq:
            return
        values = dict(logs or {})
        if self.write_steps_per_second:
            values["steps_per_second"] = 1.0 / max(time.perf_counter() - self._batch_started, 1e-9)
        self._write_scalars("train", "batch_", values, self._train_batches)

    def on_test_end(self, logs: Logs = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and logs:
            self._write_scalars("validation", "evaluation_",
                                {f"{name}_vs_iterations": value for name, value in logs.items()},
                                optimizer.iterations)
        if not self._training:
            self._close_writers()

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        logs = logs or {}
        train = {name: value for name, value in logs.items() if not name.startswith("val_")}
        validation = {name[len("val_"):]: value for name, value in logs.items() if name.startswith("val_")}
        if getattr(self.model, "optimizer", None) is not None:
            train["learning_rate"] = float(self.model.optimizer.learning_rate)
        if self.write_steps_per_second:
            steps = self._iterations() - self._epoch_first_iteration
            train["steps_per_second"] = steps / max(time.perf_counter() - self._epoch_started, 1e-9)
        self._write_scalars("train", "epoch_", train, epoch)
        if validation:
            self._write_scalars("validation", "epoch_", validation, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs: Logs = None) -> None:
        self._training = False
        self._close_writers()

    def _close_writers(self) -> None:
        """Close (and so write out) every open writer; a later write opens a new event file."""
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # ---- histograms ----------------------------------------------------------------------------
    def _write_histograms(self, epoch: int) -> None:
        """Each weight, and each trainable weight's gradient on the last batch (a frozen weight's
        ``.grad`` is nobody's to reset, so it is not shown)."""
        writer = self._writer("train")
        trainable = {id(weight) for weight in self.model.trainable_weights}
        for weight in self.model.weights:
            histograms = {"histogram": weight.data}
            if id(weight) in trainable and weight.grad is not None:
                histograms["gradient"] = weight.grad.data
            for suffix, values in histograms.items():
                if not np.all(np.isfinite(values)):
                    warnings.warn(f"TensorBoard: the {suffix} of {weight.name} holds NaN or infinite "
                                  f"values at epoch {epoch}; its histogram is skipped.", stacklevel=2)
                    continue
                writer.add_histogram(f"{weight.name}/{suffix}", values, global_step=epoch)

    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        return 0 if optimizer is None else optimizer.iterations
