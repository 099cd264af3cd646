"""Keras-like progress lines for `fit` and `evaluate`, drawn with `tqdm.auto`.

In a notebook each epoch gets one live bar. In a terminal of known width each epoch gets a live
bar, replaced at the end of the epoch by its summary line, fitted to the width without losing a
value: the bar goes first, then the timing, and what still does not fit wraps onto further
lines. When output goes to a file or a pipe (CI logs, captured output), or to a terminal of
unknown size, each epoch prints one clean line instead:
``Epoch 3/10 - 45/45 - 0s 2ms/step - loss: 0.1234 - accuracy: 0.9650``.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Any, Optional

import numpy as np
from tqdm import notebook as tqdm_notebook

try:  # tqdm.auto picks notebook widgets in Jupyter; without ipywidgets it would only warn
    import ipywidgets  # noqa: F401
    from tqdm.auto import tqdm
except ImportError:
    from tqdm.std import tqdm

from nn.callbacks import Callback, Logs

BAR_WIDTH = 30  # the live bar's width in characters, when the terminal has room for it
MIN_BAR_WIDTH = 10
CONTINUATION = "    "  # indent of a wrapped summary line's further lines


def in_notebook() -> bool:
    """True when tqdm.auto draws notebook widgets (a Jupyter kernel with ipywidgets)."""
    return issubclass(tqdm, tqdm_notebook.tqdm_notebook)


def terminal_width(stream: Any) -> Optional[int]:
    """The width of the terminal `stream` writes to: ``$COLUMNS`` if set, else the terminal's
    own size; None when `stream` is not a terminal or its size is unknown (reported as 0)."""
    if not _is_terminal(stream):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):  # no file descriptor, or not a sized terminal
        return None


def format_logs(logs: Logs) -> str:
    """``"loss: 0.1234 - accuracy: 0.9650"``: each logged value with 4 decimals."""
    return " - ".join(_log_items(logs))


def _log_items(logs: Logs) -> list[str]:
    # A metric with one value per class (F1Score(average=None)) shows its mean, as Keras's bar
    # does; History keeps the whole array.
    return [f"{key}: {float(np.mean(value)):.4f}" for key, value in (logs or {}).items()]


def format_timing(steps: int, seconds: float) -> str:
    """``"1s 21ms/step"``: total time and time per step, as Keras shows them."""
    per_step = seconds / max(steps, 1)
    if per_step >= 1.0:
        rate = f"{per_step:.0f}s/step"
    elif per_step >= 1e-3:
        rate = f"{per_step * 1e3:.0f}ms/step"
    else:
        rate = f"{per_step * 1e6:.0f}us/step"
    return f"{seconds:.0f}s {rate}"


def summary_line(steps: int, total_steps: Optional[int], seconds: float, logs: Logs) -> str:
    """``"45/45 - 1s 21ms/step - loss: 0.1234"``; an unknown total shows as the steps done."""
    parts = [f"{steps}/{total_steps or steps}", format_timing(steps, seconds), format_logs(logs)]
    return " - ".join(part for part in parts if part)


def fit_to_width(head: str, bar: str, timing: str, items: list[str], width: int) -> list[str]:
    """The summary ``head [bar] - timing - item - item ...`` as lines of at most `width`
    characters, losing no item: without the bar if that fits, then without the timing, and
    otherwise wrapped between items onto indented further lines."""
    for first, rest in (((head + " " + bar) if bar else head, [timing, *items]), (head, [timing, *items]),
                        (head, items)):
        line = " - ".join([first, *rest])
        if len(line) <= width:
            return [line]
    lines = [head]
    for item in items:
        if len(f"{lines[-1]} - {item}") <= width:
            lines[-1] = f"{lines[-1]} - {item}"
        else:
            lines.append(CONTINUATION + item)
    return lines


class ProgressBar(Callback):
    """Shows training progress: verbose=1 a bar per epoch (a line when not interactive),
    verbose=2 one line per epoch. `fit` adds it last, so it sees every other callback's logs.
    `steps_per_epoch` None (a generator of unknown length) counts the steps as they come."""

    def __init__(self, verbose: int, steps_per_epoch: Optional[int], epochs: int, stream: Any = None) -> None:
        super().__init__()
        self.stream = stream or sys.stdout
        self.steps_per_epoch, self.epochs = steps_per_epoch, epochs
        self.notebook = in_notebook()
        self.live = verbose == 1 and (self.notebook or terminal_width(self.stream) is not None)
        self.bar: Optional[tqdm] = None
        self.width: Optional[int] = None
        if self.live or steps_per_epoch is None:  # only then does it need per-batch calls
            self.on_train_batch_end = self._advance

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self.header = f"Epoch {epoch + 1}/{self.epochs}"
        self.started = time.perf_counter()
        self.steps = 0
        if self.live:
            self.width = None if self.notebook else terminal_width(self.stream)
            # A one-item list as postfix is shown verbatim (a string would get tqdm's ", " prefix).
            self.bar = tqdm(total=self.steps_per_epoch, desc=self.header, file=self.stream, leave=self.notebook,
                            ascii=".=", bar_format=self._live_format(""), postfix=[""], mininterval=0.1,
                            ncols=self.width)

    def _live_format(self, postfix: str) -> str:
        """tqdm's format for the live bar: the bar shrinks (down to MIN_BAR_WIDTH) so that the
        line fits the terminal; notebook widgets draw the bar themselves where it says "{bar}"."""
        if self.steps_per_epoch is None:
            return "{desc} {n_fmt}/Unknown - {postfix[0]}"
        if self.notebook:
            return "{desc} {n_fmt}/{total_fmt} [{bar}] - {postfix[0]}"
        counts = f"{self.header} {self.steps_per_epoch}/{self.steps_per_epoch} [] - "
        room = self.width - len(counts) - len(postfix)
        return "{desc} {n_fmt}/{total_fmt} [{bar:%d}] - {postfix[0]}" % max(MIN_BAR_WIDTH, min(BAR_WIDTH, room))

    def _advance(self, batch: int, logs: Logs = None) -> None:
        self.steps = batch + 1
        if self.bar is not None:
            self.bar.postfix[0] = format_logs(logs)
            self.bar.bar_format = self._live_format(self.bar.postfix[0])
            self.bar.update(1)

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        seconds = time.perf_counter() - self.started
        steps = self.steps or self.steps_per_epoch
        if self.bar is not None and self.notebook:
            self.bar.postfix[0] = f"{format_timing(steps, seconds)} - {format_logs(logs)}"
            self.bar.close()
        elif self.bar is not None:  # the bar clears itself; the summary replaces it
            self.bar.close()
            total = self.steps_per_epoch or steps
            bar = f"[{'=' * BAR_WIDTH}]" if self.steps_per_epoch else ""
            lines = fit_to_width(f"{self.header} {steps}/{total}", bar, format_timing(steps, seconds),
                                 _log_items(logs), self.width)
            print("\n".join(lines), file=self.stream, flush=True)
        else:
            print(f"{self.header} - {summary_line(steps, self.steps_per_epoch, seconds, logs)}",
                  file=self.stream, flush=True)
        self.bar = None
        if self.steps_per_epoch is None:  # a pass over a generator: later epochs have as many steps
            self.steps_per_epoch = steps

    def on_train_end(self, logs: Logs = None) -> None:
        if self.bar is not None:  # training stopped inside an epoch
            self.bar.close()
            self.bar = None


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
