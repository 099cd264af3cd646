"""Keras-like progress lines for `fit` and `evaluate`, drawn with `tqdm.auto`.

In a terminal or a notebook each epoch gets a live bar; when output goes to a file or a pipe
(CI logs, captured output) each epoch prints one clean line instead:
``Epoch 3/10 - 45/45 - 0s 2ms/step - loss: 0.1234 - accuracy: 0.9650``.
"""
from __future__ import annotations

import sys
import time
from typing import Any, Optional

from tqdm import notebook as tqdm_notebook

try:  # tqdm.auto picks notebook widgets in Jupyter; without ipywidgets it would only warn
    import ipywidgets  # noqa: F401
    from tqdm.auto import tqdm
except ImportError:
    from tqdm.std import tqdm

from nn.callbacks import Callback, Logs


def in_notebook() -> bool:
    """True when tqdm.auto draws notebook widgets (a Jupyter kernel with ipywidgets)."""
    return issubclass(tqdm, tqdm_notebook.tqdm_notebook)


def format_logs(logs: Logs) -> str:
    """``"loss: 0.1234 - accuracy: 0.9650"``: each logged value with 4 decimals."""
    return " - ".join(f"{key}: {value:.4f}" for key, value in (logs or {}).items())


def format_timing(steps: int, seconds: float) -> str:
    """``"45/45 - 1s 21ms/step"``: steps done, total time and time per step, as Keras shows them."""
    per_step = seconds / max(steps, 1)
    if per_step >= 1.0:
        rate = f"{per_step:.0f}s/step"
    elif per_step >= 1e-3:
        rate = f"{per_step * 1e3:.0f}ms/step"
    else:
        rate = f"{per_step * 1e6:.0f}us/step"
    return f"{seconds:.0f}s {rate}"


def summary_line(steps: int, total_steps: int, seconds: float, logs: Logs) -> str:
    parts = [f"{steps}/{total_steps}", format_timing(steps, seconds), format_logs(logs)]
    return " - ".join(part for part in parts if part)


class ProgressBar(Callback):
    """Shows training progress: verbose=1 a bar per epoch (a line when not interactive),
    verbose=2 one line per epoch. `fit` adds it last, so it sees every other callback's logs."""

    def __init__(self, verbose: int, steps_per_epoch: int, epochs: int, stream: Any = None) -> None:
        super().__init__()
        self.stream = stream or sys.stdout
        self.steps_per_epoch, self.epochs = steps_per_epoch, epochs
        self.live = verbose == 1 and (in_notebook() or _is_terminal(self.stream))
        self.bar: Optional[tqdm] = None
        if self.live:  # only then does the bar need per-batch calls
            self.on_train_batch_end = self._advance

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self.header = f"Epoch {epoch + 1}/{self.epochs}"
        self.started = time.perf_counter()
        self.steps = 0
        if self.live:
            # A one-item list as postfix is shown verbatim (a string would get tqdm's ", " prefix);
            # notebook widgets draw the bar themselves where the format says exactly "{bar}".
            bar = "{bar}" if in_notebook() else "{bar:30}"
            self.bar = tqdm(total=self.steps_per_epoch, desc=self.header, file=self.stream, leave=True,
                            ascii=".=", bar_format="{desc} {n_fmt}/{total_fmt} [" + bar + "] - {postfix[0]}",
                            postfix=[""], mininterval=0.1)

    def _advance(self, batch: int, logs: Logs = None) -> None:
        self.steps = batch + 1
        self.bar.postfix[0] = format_logs(logs)
        self.bar.update(1)

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        seconds = time.perf_counter() - self.started
        steps = self.steps or self.steps_per_epoch
        if self.bar is not None:
            self.bar.postfix[0] = f"{format_timing(steps, seconds)} - {format_logs(logs)}"
            self.bar.close()
            self.bar = None
        else:
            print(f"{self.header} - {summary_line(steps, self.steps_per_epoch, seconds, logs)}",
                  file=self.stream, flush=True)

    def on_train_end(self, logs: Logs = None) -> None:
        if self.bar is not None:  # training stopped inside an epoch
            self.bar.close()
            self.bar = None


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
