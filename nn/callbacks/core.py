"""Callbacks: code that `fit` runs at fixed moments (Keras's hook names and arguments).

`fit` calls ``on_train_begin``, then per epoch ``on_epoch_begin(epoch)``, per batch
``on_train_batch_begin/end(batch)``, the validation's ``on_test_*`` hooks, ``on_epoch_end(epoch,
logs)`` with the epoch's averages (``loss``, metrics, ``val_*``), and finally ``on_train_end``.
A callback reaches the model as ``self.model`` and stops training with
``self.model.stop_training = True``.
"""
from __future__ import annotations

import csv
import inspect
import math
import os
import warnings
from typing import Any, Callable, Iterable, Optional

import numpy as np

Logs = Optional[dict]

BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
               "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: every hook does nothing; override the ones you need."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs: Logs = None) -> None: ...
    def on_train_end(self, logs: Logs = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None: ...
    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None: ...
    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None: ...
    def on_test_begin(self, logs: Logs = None) -> None: ...
    def on_test_end(self, logs: Logs = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None: ...
    def on_predict_begin(self, logs: Logs = None) -> None: ...
    def on_predict_end(self, logs: Logs = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: Logs = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None: ...

    def uses_hook(self, hook: str) -> bool:
        """Whether this callback does anything in `hook` (so fit can skip empty per-batch calls)."""
        return hook in vars(self) or getattr(type(self), hook) is not getattr(Callback, hook)


def as_callback_list(callbacks: Any) -> list:
    """``callbacks=`` as a list: None, one callback (as Keras accepts), or an iterable of them."""
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    if isinstance(callbacks, (str, bytes, type)) or not isinstance(callbacks, Iterable):
        raise TypeError(not_a_callback(callbacks))
    return list(callbacks)


def not_a_callback(value: Any) -> str:
    """What to say when `value` was given where a Callback object belongs."""
    if isinstance(value, type) and issubclass(value, Callback):
        return (f"callbacks got the class {value.__name__} itself; create one: callbacks=[{value.__name__}(...)] "
                f"(nn.callbacks.Callback objects, not classes).")
    if callable(value) and not isinstance(value, type):
        name = getattr(value, "__name__", "")
        return (f"callbacks must be nn.callbacks.Callback objects, got {type(value).__name__} {name!r}; to call a "
                f"function at each epoch's end, wrap it: nn.callbacks.LambdaCallback(on_epoch_end=...).")
    return f"callbacks must be a Callback or a list of nn.callbacks.Callback objects, got {type(value).__name__}."


class CallbackList:
    """Calls a hook on every callback in turn; skips per-batch hooks that nobody overrides."""

    def __init__(self, callbacks: Iterable[Callback], model: Any, params: dict) -> None:
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(not_a_callback(callback))
            callback.set_model(model)
            callback.set_params(params)
        self.wanted = {hook: [cb for cb in self.callbacks if cb.uses_hook(hook)] for hook in BATCH_HOOKS}

    def wants(self, hook: str) -> bool:
        return bool(self.wanted[hook])

    def call(self, hook: str, *args: Any) -> None:
        callbacks = self.wanted[hook] if hook in self.wanted else self.callbacks
        for callback in callbacks:
            getattr(callback, hook)(*args)


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"][i]`` and ``history.epoch[i]``."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def plot(self, metrics: Optional[list] = None) -> Any:
        """The curves as a matplotlib Figure: see `nn.plots.plot_history` (needs matplotlib)."""
        from nn.plots.history import plot_history
        return plot_history(self, metrics)


def _improvement_test(monitor: str, mode: str, owner: str) -> Callable[[float, float], bool]:
    """"min", "max" or "auto" (max for accuracy-like names) as a comparison ``better(a, b)``."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', got {mode!r}.")
    if mode == "auto":
        mode = "max" if any(word in monitor for word in ("acc", "auc", "precision", "recall")) else "min"
    return np.greater if mode == "max" else np.less


def _monitored(logs: Logs, monitor: str, owner: str) -> Optional[float]:
    value = (logs or {}).get(monitor)
    if value is None:
        warnings.warn(f"{owner} watches {monitor!r}, which is not among the logged values "
                      f"{sorted(logs or {})}; pass monitor= one of them (val_* needs validation data).",
                      stacklevel=3)
    return value


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by more than `min_delta` for `patience` epochs.

    With ``restore_best_weights=True`` the model ends with the weights of its best epoch.
    Epochs before `start_from_epoch` are not watched (a warm-up).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: Optional[float] = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, int(patience), verbose
        self.better = _improvement_test(monitor, mode, "EarlyStopping")
        self.min_delta = abs(min_delta) if self.better is np.greater else -abs(min_delta)
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = int(start_from_epoch)

    def on_train_begin(self, logs: Logs = None) -> None:
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best = -np.inf if self.better is np.greater else np.inf
        self.best_weights = None

    def _improves(self, value: float, reference: float) -> bool:
        return bool(self.better(value - self.min_delta, reference))

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        current = _monitored(logs, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        self.wait += 1
        if self._improves(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improves(current, self.baseline):
                self.wait = 0
                return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs = None) -> None:
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring the model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(Callback):
    """Save the model (or only its weights) after each epoch to `filepath`.

    `filepath` may hold ``str.format`` fields filled from the epoch (1-based) and the logs,
    e.g. ``"ckpt/{epoch:02d}-{val_loss:.2f}.npz"``; missing folders are created. With
    ``save_best_only`` a save happens only when `monitor` improves.
    """

    def __init__(self, filepath: str, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto") -> None:
        super().__init__()
        self.filepath = _path(filepath, "ModelCheckpoint", "'best.keras' or 'epoch_{epoch:02d}.npz'")
        self.monitor, self.verbose = monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.better = _improvement_test(monitor, mode, "ModelCheckpoint")
        self.best = -np.inf if self.better is np.greater else np.inf

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        logs = logs or {}
        try:
            path = self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as missing:
            raise KeyError(f"ModelCheckpoint: filepath {self.filepath!r} names {missing}, which is not "
                           f"among the logged values {sorted(logs)} or 'epoch'.") from None
        if self.save_best_only:
            current = _monitored(logs, self.monitor, "ModelCheckpoint")
            if current is None or not self.better(current, self.best):
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch's start to ``schedule(epoch, current_lr)``, or to
    ``schedule(epoch)`` for a function of the epoch alone (both as Keras; epochs count from 0).

    Example: ``LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** epoch)``.
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be a function schedule(epoch, lr) "
                            f"or schedule(epoch), got {type(schedule).__name__}.")
        self.schedule, self.verbose = schedule, verbose
        self.takes_learning_rate = _accepts_arguments(schedule, 2)
        if not self.takes_learning_rate and not _accepts_arguments(schedule, 1):
            raise TypeError(f"LearningRateScheduler: schedule {schedule!r} takes neither (epoch, lr) "
                            f"nor (epoch); write it as def schedule(epoch, lr): return ...")

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        if self.takes_learning_rate:
            learning_rate = self.schedule(epoch, float(self.model.optimizer.learning_rate))
        else:
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (int, float, np.floating)) or not math.isfinite(learning_rate):
            raise ValueError(f"LearningRateScheduler: the schedule must return a finite number, got "
                             f"{learning_rate!r} for epoch {epoch}.")
        self.model.optimizer.learning_rate = float(learning_rate)
        if self.verbose:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {learning_rate}.")

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _accepts_arguments(function: Callable, count: int) -> bool:
    """Whether `function` can be called with `count` positional arguments (True when Python
    cannot tell, as for some built-ins)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return True
    try:
        signature.bind(*range(count))
    except TypeError:
        return False
    return True


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by `factor` when `monitor` stalls for `patience` epochs.

    new_lr = max(lr * factor, min_lr); after a reduction, `cooldown` epochs pass before
    the count starts again. An improvement must beat the best by more than `min_delta`.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0) -> None:
        super().__init__()
        if not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor multiplies the learning rate and must lie in "
                             f"(0, 1), got {factor}.")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, int(patience), verbose
        self.better = _improvement_test(monitor, mode, "ReduceLROnPlateau")
        self.min_delta, self.cooldown, self.min_lr = abs(min_delta), int(cooldown), float(min_lr)

    def on_train_begin(self, logs: Logs = None) -> None:
        self.wait, self.cooldown_counter = 0, 0
        self.best = -np.inf if self.better is np.greater else np.inf

    def _improves(self, value: float) -> bool:
        margin = self.min_delta if self.better is np.greater else -self.min_delta
        return bool(self.better(value, self.best + margin))

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        optimizer = self.model.optimizer
        if logs is not None:
            logs["learning_rate"] = float(optimizer.learning_rate)
        current = _monitored(logs, self.monitor, "ReduceLROnPlateau")
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improves(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            old_lr = float(optimizer.learning_rate)
            if self.wait >= self.patience and old_lr > self.min_lr:
                optimizer.learning_rate = max(old_lr * self.factor, self.min_lr)
                if self.verbose:
                    print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                          f"{optimizer.learning_rate}.")
                self.cooldown_counter, self.wait = self.cooldown, 0


class TerminateOnNaN(Callback):
    """Stop training at the first batch whose loss is NaN or infinite."""

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: invalid loss {loss}, terminating training")
            self.model.stop_training = True


class CSVLogger(Callback):
    """Write one row per epoch (``epoch`` and every logged value) to a CSV file."""

    def __init__(self, filename: str, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename, self.separator, self.append = _path(filename, "CSVLogger", "'training_log.csv'"), separator, append
        self._file = self._writer = None

    def on_train_begin(self, logs: Logs = None) -> None:
        has_rows = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self._write_header = not has_rows
        folder = os.path.dirname(os.path.abspath(self.filename))
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"CSVLogger cannot write {self.filename!r}: the folder {folder!r} does not exist; "
                                    f"create it first (os.makedirs) or give another path.")
        self._file = open(self.filename, "a" if self.append else "w", newline="", encoding="utf-8")
        self._writer = None

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        logs = logs or {}
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch", *sorted(logs)],
                                          delimiter=self.separator)
            if self._write_header:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **{key: logs.get(key, "NA") for key in self._writer.fieldnames[1:]}})
        self._file.flush()

    def on_train_end(self, logs: Logs = None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None


class LambdaCallback(Callback):
    """A callback from plain functions, e.g. ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``.

    Keras's six hooks are named arguments; any other hook name (``on_test_end``, ...) is taken
    as a keyword too. A hook left None does nothing.
    """

    def __init__(self, on_epoch_begin: Optional[Callable] = None, on_epoch_end: Optional[Callable] = None,
                 on_train_begin: Optional[Callable] = None, on_train_end: Optional[Callable] = None,
                 on_train_batch_begin: Optional[Callable] = None, on_train_batch_end: Optional[Callable] = None,
                 **hooks: Callable) -> None:
        super().__init__()
        named = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end, "on_train_begin": on_train_begin,
                 "on_train_end": on_train_end, "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        hooks = {**{hook: function for hook, function in named.items() if function is not None}, **hooks}
        for hook, function in hooks.items():
            if not hook.startswith("on_") or not hasattr(Callback, hook):
                valid = sorted(name for name in vars(Callback) if name.startswith("on_"))
                raise ValueError(f"LambdaCallback: unknown hook {hook!r}; valid hooks are {valid}.")
            setattr(self, hook, function)


def _path(value: Any, owner: str, example: str) -> str:
    """A callback's file path as a string, or a TypeError saying what to give."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{owner} needs a file path (a string or pathlib.Path), e.g. {example}, got "
                        f"{type(value).__name__} {value!r}.")
    return os.fspath(value)
