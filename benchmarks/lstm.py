"""LSTM training step: our nn.layers.LSTM against torch.nn.LSTM, as a ratio.

One step: LSTM(128) over sequences of 50 steps of 32 float32 features, batch 64; its last
output through Dense(1); mean squared error; backward; SGD (lr 0.01). Variants, all from the
same weights (the script checks that their first three losses agree):

- ours: the layer called in a plain loop (each time step is one fused op, `ag.lstm_cell`);
- composed: the same layer with tanh passed as a function, which runs the cell's composition
  of ops (some twenty per time step) instead: what the fused step saves;
- train_on_batch: the layer in nn.Sequential, through model.train_on_batch;
- torch: torch.nn.LSTM + torch.nn.Linear, torch.optim.SGD.

Both libraries run in one process with the same number of threads (numpy's BLAS pool as
threadpoolctl reports it, or every core). Rounds alternate the order; each ratio is the
median over rounds of (variant's time / torch's time in the same round). The last lines give
the fixed cost of one time step (forward and backward), measured with batch 1, one feature and
one unit, where the arithmetic is nil: the per-step Python overhead.

    [OPENBLAS_NUM_THREADS=1] python benchmarks/lstm.py [--quick] [--repeats K]
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Optional

import numpy as np

import autograd as ag
import nn
import optim

from _threads import blas_threads

Step = Callable[[], float]


def make_data(batch: int, steps: int, features: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return (rng.standard_normal((batch, steps, features), dtype=np.float32),
            rng.standard_normal((batch, 1), dtype=np.float32))


def make_layers(features: int, units: int, composed: bool = False) -> tuple[nn.layers.LSTM, nn.layers.Dense]:
    """An LSTM and a Dense(1) built with fixed weights (Keras's initializers, seed 0)."""
    nn.utils.set_random_seed(0)
    activation = (lambda x: ag.tanh(x)) if composed else "tanh"
    lstm, head = nn.layers.LSTM(units, activation=activation), nn.layers.Dense(1)
    head(lstm(np.zeros((1, 1, features), dtype=np.float32)))
    return lstm, head


def ours(x: np.ndarray, y: np.ndarray, units: int, composed: bool = False) -> Step:
    lstm, head = make_layers(x.shape[2], units, composed)
    params = lstm.trainable_weights + head.trainable_weights
    sgd = optim.SGD(params, lr=0.01)
    inputs, targets = ag.from_numpy(x), ag.from_numpy(y)

    def step() -> float:
        error = head(lstm(inputs)) - targets
        loss = ag.mean(error * error)
        sgd.zero_grad()
        loss.backward()
        sgd.step()
        return loss.item()

    return step


def model_step(x: np.ndarray, y: np.ndarray, units: int) -> Step:
    lstm, head = make_layers(x.shape[2], units)
    model = nn.Sequential([nn.Input(shape=x.shape[1:]), lstm, head])
    model.compile(optimizer=optim.SGD(0.01), loss="mse")
    return lambda: float(model.train_on_batch(x, y))


def theirs(x: np.ndarray, y: np.ndarray, units: int) -> Optional[Step]:
    """The same step in PyTorch from the same weights (torch's kernels are Keras's transposed,
    and its second bias is zero), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    lstm, head = make_layers(x.shape[2], units)
    kernel, recurrent_kernel, bias = (w.data for w in lstm.weights)
    torch_lstm, torch_head = torch.nn.LSTM(x.shape[2], units, batch_first=True), torch.nn.Linear(units, 1)
    with torch.no_grad():
        torch_lstm.weight_ih_l0.copy_(torch.from_numpy(kernel.T.copy()))
        torch_lstm.weight_hh_l0.copy_(torch.from_numpy(recurrent_kernel.T.copy()))
        torch_lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
        torch_lstm.bias_hh_l0.zero_()
        torch_head.weight.copy_(torch.from_numpy(head.kernel.data.T.copy()))
        torch_head.bias.copy_(torch.from_numpy(head.bias.data))
    params = list(torch_lstm.parameters()) + list(torch_head.parameters())
    sgd = torch.optim.SGD(params, lr=0.01)
    inputs, targets = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        output, _ = torch_lstm(inputs)
        loss = torch.mean((torch_head(output[:, -1]) - targets) ** 2)
        sgd.zero_grad()
        loss.backward()
        sgd.step()
        return loss.item()

    return step


def variants(batch: int, steps: int, features: int, units: int) -> dict[str, Step]:
    x, y = make_data(batch, steps, features)
    runs = {"ours": ours(x, y, units), "composed": ours(x, y, units, composed=True),
            "train_on_batch": model_step(x, y, units), "torch": theirs(x, y, units)}
    return {name: run for name, run in runs.items() if run is not None}


def timed(runs: dict[str, Step], repeats: int) -> dict[str, list[float]]:
    """Seconds per step of each run, rounds in alternating order after one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_number in range(repeats + 1):
        for name in list(runs) if round_number % 2 else list(runs)[::-1]:
            start = time.perf_counter()
            runs[name]()
            if round_number:
                times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="batch 8, 10 steps, one round: a smoke test")
    parser.add_argument("--repeats", type=int, help="timed rounds (default 20; 1 with --quick)")
    args = parser.parse_args()
    batch, steps, features, units = (8, 10, 32, 128) if args.quick else (64, 50, 32, 128)
    repeats = args.repeats or (1 if args.quick else 20)
    threads = blas_threads()
    try:
        import torch
        torch.set_num_threads(threads)
    except ImportError:
        pass

    runs = variants(batch, steps, features, units)
    losses = {name: [run() for _ in range(3)] for name, run in runs.items()}  # from fresh weights: must agree
    for name, values in losses.items():
        if not np.allclose(values, losses["ours"], rtol=1e-3, atol=1e-6):
            raise SystemExit(f"the first losses of {name} {values} differ from ours {losses['ours']}")
    times = timed(runs, repeats)
    reference = "torch" if "torch" in times else "ours"
    print(f"LSTM({units}) training step: batch {batch}, {steps} steps of {features} features, float32, "
          f"{threads} threads, median of {repeats} rounds; first losses agree: "
          + ", ".join(f"{loss:.5f}" for loss in losses["ours"]))
    print(f"  {'variant':15} {'step':>9} {'per time step':>14} {'vs ' + reference:>10}")
    for name, values in times.items():
        ratio = statistics.median(a / b for a, b in zip(values, times[reference]))
        median = statistics.median(values)
        print(f"  {name:15} {median * 1e3:6.1f} ms {median / steps * 1e6:11.0f} us {ratio:9.2f}x")

    tiny = {name: run for name, run in variants(1, steps, 1, 1).items() if name in ("ours", "composed", "torch")}
    tiny_times = timed(tiny, repeats)
    print("Fixed cost per time step, forward + backward (batch 1, 1 feature, 1 unit: no arithmetic to speak of):")
    print("  " + ", ".join(f"{name} {statistics.median(values) / steps * 1e6:.0f} us"
                           for name, values in tiny_times.items()))


if __name__ == "__main__":
    main()
