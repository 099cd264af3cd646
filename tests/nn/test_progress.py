"""The progress display never loses a metric: checked under real pseudo-terminals of 80 and 120
columns, one of unknown size, and with stdout not a terminal."""
import fcntl
import io
import os
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from nn.progress import ProgressBar, fit_to_width, terminal_width

ROOT = Path(__file__).resolve().parents[2]
METRICS = ("loss: ", "accuracy: ", "val_loss: ", "val_accuracy: ")
TINY_FIT = """
import numpy as np, nn
nn.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(200, 4)); y = (x[:, 0] > 0).astype(int)
model = nn.Sequential([nn.Input(shape=(4,)), nn.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=2, batch_size=16, validation_split=0.2)
"""


def run_in_terminal(columns, rows=24):
    """TINY_FIT's output on a pseudo-terminal of `columns` x `rows` (0 x 0: size unknown), with
    COLUMNS unset so that the size comes from the terminal itself."""
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    process = subprocess.Popen([sys.executable, "-c", TINY_FIT], stdin=child, stdout=child, stderr=child,
                               cwd=ROOT, env=env)
    os.close(child)
    output = b""
    try:
        while select.select([main], [], [], 60)[0]:
            try:
                chunk = os.read(main, 1 << 16)
            except OSError:  # the child side closed: Linux reports EIO
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(main)
        process.wait(timeout=60)
    assert process.returncode == 0, output.decode(errors="replace")
    return output.decode()


def visible_lines(output):
    """What stays on screen: each line as its last carriage return leaves it."""
    return [line.split("\r")[-1] for line in output.replace("\r\n", "\n").split("\n")[:-1]]


def epochs(lines):
    """Each epoch's summary, its wrapped continuation lines joined on."""
    summaries = []
    for line in lines:
        if line.startswith("Epoch "):
            summaries.append(line)
        else:
            summaries[-1] += " " + line.strip()
    return summaries


@pytest.mark.parametrize("columns", [80, 120])
def test_every_metric_stays_on_screen_within_the_width(columns):
    lines = visible_lines(run_in_terminal(columns))
    assert all(0 < len(line) <= columns for line in lines), lines
    summaries = epochs(lines)
    assert len(summaries) == 2
    for summary in summaries:
        assert all(metric in summary for metric in METRICS), summary


def test_at_120_columns_each_epoch_is_one_line_with_its_timing():
    lines = visible_lines(run_in_terminal(120))
    assert len(lines) == 2 and all("/step - loss: " in line for line in lines)


def test_at_80_columns_the_timing_goes_before_any_metric():
    lines = visible_lines(run_in_terminal(80))
    assert not any("/step" in line for line in lines)
    assert any(line.startswith("    val_accuracy: ") for line in lines)


def test_a_terminal_of_unknown_size_prints_one_clean_line_per_epoch():
    output = run_in_terminal(0, rows=0)
    assert "\r" not in output.replace("\r\n", "\n")
    lines = output.replace("\r\n", "\n").splitlines()
    assert len(lines) == 2 and all(line.startswith(f"Epoch {i + 1}/2 - 10/10 - ") for i, line in enumerate(lines))
    assert all(metric in line for line in lines for metric in METRICS)


def test_output_to_a_pipe_is_one_line_per_epoch():
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    result = subprocess.run([sys.executable, "-c", TINY_FIT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and "\r" not in result.stdout
    assert all(metric in line for line in lines for metric in METRICS)


ITEMS = ["loss: 0.1234", "accuracy: 0.9650", "val_loss: 0.2345", "val_accuracy: 0.9400"]


@pytest.mark.parametrize("width, expected", [
    (109, ["Epoch 1/5 9/9 [===] - 1s 2ms/step - " + " - ".join(ITEMS)]),
    (108, ["Epoch 1/5 9/9 - 1s 2ms/step - " + " - ".join(ITEMS)]),
    (102, ["Epoch 1/5 9/9 - " + " - ".join(ITEMS)]),
    (88, ["Epoch 1/5 9/9 - loss: 0.1234 - accuracy: 0.9650 - val_loss: 0.2345",
          "    val_accuracy: 0.9400"]),
    (50, ["Epoch 1/5 9/9 - loss: 0.1234 - accuracy: 0.9650",
          "    val_loss: 0.2345 - val_accuracy: 0.9400"]),
    (20, ["Epoch 1/5 9/9", "    loss: 0.1234", "    accuracy: 0.9650", "    val_loss: 0.2345",
          "    val_accuracy: 0.9400"]),
])
def test_fit_to_width_drops_the_bar_then_the_timing_then_wraps(width, expected):
    assert fit_to_width("Epoch 1/5 9/9", "[===]", "1s 2ms/step", ITEMS, width) == expected


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_width_comes_from_columns_or_the_terminal_and_is_none_for_files(monkeypatch):
    monkeypatch.setenv("COLUMNS", "97")
    assert terminal_width(Terminal()) == 97
    assert terminal_width(io.StringIO()) is None  # not a terminal, whatever COLUMNS says
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(Terminal()) is None  # no file descriptor to ask for a size


def test_live_bar_shrinks_so_that_the_metrics_fit(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    stream = Terminal()
    bar = ProgressBar(verbose=1, steps_per_epoch=4, epochs=1, stream=stream)
    bar.on_epoch_begin(0)
    bar.on_train_batch_end(0, {"loss": 0.5, "accuracy": 0.25})
    bar.bar.refresh()
    shown = stream.getvalue().split("\r")[-1]
    assert len(shown) <= 60 and shown.endswith("loss: 0.5000 - accuracy: 0.2500")
    bar.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.25})


def test_unknown_number_of_steps_counts_them(monkeypatch):
    stream = io.StringIO()
    bar = ProgressBar(verbose=1, steps_per_epoch=None, epochs=2, stream=stream)
    for epoch in range(2):
        bar.on_epoch_begin(epoch)
        for step in range(3):
            bar.on_train_batch_end(step, {"loss": 1.0})
        bar.on_epoch_end(epoch, {"loss": 1.0})
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("Epoch 1/2 - 3/3 - ") and lines[1].startswith("Epoch 2/2 - 3/3 - ")
