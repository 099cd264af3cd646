"""Engine overhead on tiny ops: a 1,000-op chain and a micrograd-style scalar MLP graph.

Reports microseconds per op (chain) and per graph node (scalar MLP), forward + backward,
next to plain numpy doing the same forward arithmetic and, when installed, PyTorch.
The garbage collector stays on, as users run. `--quick` runs fewer repeats (a smoke test).
`--long-chain` instead times one chain of a million scalar steps (two million nodes), forward
and backward: the engine's cost per node on a graph far larger than the caches.

    python benchmarks/ops.py [--quick | --long-chain]
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import numpy as np

import autograd as ag

CHAIN_LENGTH = 1000
LONG_CHAIN_STEPS = 1_000_000
LAYER_SIZES = (3, 16, 16, 1)
SAMPLES = 8


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def chain(x, steps: int, tanh: Callable):
    """add, mul, tanh in turn: x + 0.5, x * 0.9, tanh(x), ..."""
    for i in range(steps):
        kind = i % 3
        x = x + 0.5 if kind == 0 else x * 0.9 if kind == 1 else tanh(x)
    return x


def ours_chain() -> None:
    x = ag.Tensor(np.linspace(-1, 1, 8), requires_grad=True)
    chain(x, CHAIN_LENGTH, ag.tanh).sum().backward()


def numpy_chain() -> None:
    chain(np.linspace(-1, 1, 8).astype(np.float32), CHAIN_LENGTH, np.tanh)


def long_chain() -> None:
    """y <- y * 1.0000001 + 1e-7, a million times, on a float64 scalar; then backward."""
    x = ag.Tensor(1.0, dtype=np.float64, requires_grad=True)
    start = time.perf_counter()
    y = x
    for _ in range(LONG_CHAIN_STEPS):
        y = y * 1.0000001 + 1e-7
    built = time.perf_counter()
    y.backward()
    done = time.perf_counter()
    expected = 1.0000001 ** LONG_CHAIN_STEPS
    assert abs(x.grad.item() - expected) < 1e-9 * expected, (x.grad.item(), expected)
    print(f"chain of {LONG_CHAIN_STEPS:,} scalar steps ({2 * LONG_CHAIN_STEPS:,} nodes): "
          f"forward {built - start:.2f} s, backward {done - built:.2f} s, total {done - start:.2f} s")


def scalar_mlp_weights(rng: np.random.Generator) -> list[list[list[float]]]:
    """Per layer, per neuron: its input weights followed by its bias."""
    return [[list(rng.uniform(-1, 1, fan_in + 1)) for _ in range(fan_out)]
            for fan_in, fan_out in zip(LAYER_SIZES[:-1], LAYER_SIZES[1:])]


def scalar_mlp_loss(weights, inputs, targets, make: Callable, tanh: Callable):
    """MSE of a tanh MLP written one scalar at a time, micrograd-style."""
    total = make(0.0)
    for x, y in zip(inputs, targets):
        activations = [make(v) for v in x]
        for layer_index, layer in enumerate(weights):
            last = layer_index == len(weights) - 1
            outputs = []
            for neuron in layer:
                z = neuron[-1]
                for w, a in zip(neuron[:-1], activations):
                    z = z + w * a
                outputs.append(z if last else tanh(z))
            activations = outputs
        error = activations[0] - y
        total = total + error * error
    return total * (1.0 / len(inputs))


def count_nodes(root: ag.Tensor) -> int:
    return sum(1 for t in ag.topological_order([root]) if t.grad_fn is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke test")
    parser.add_argument("--long-chain", action="store_true",
                        help=f"time one chain of {LONG_CHAIN_STEPS:,} scalar steps instead")
    args = parser.parse_args()
    if args.long_chain:
        long_chain()
        return
    repeats = 3 if args.quick else 30

    rng = np.random.default_rng(0)
    raw_weights = scalar_mlp_weights(rng)
    inputs = rng.uniform(-1, 1, (SAMPLES, LAYER_SIZES[0])).tolist()
    targets = rng.uniform(-1, 1, SAMPLES).tolist()

    def ours_mlp() -> None:
        weights = [[[ag.Tensor(w, requires_grad=True) for w in n] for n in layer] for layer in raw_weights]
        scalar_mlp_loss(weights, inputs, targets, ag.Tensor, ag.tanh).backward()

    def numpy_mlp() -> None:
        weights = [[[np.float32(w) for w in n] for n in layer] for layer in raw_weights]
        scalar_mlp_loss(weights, inputs, targets, np.float32, np.tanh)

    weights = [[[ag.Tensor(w, requires_grad=True) for w in n] for n in layer] for layer in raw_weights]
    nodes = count_nodes(scalar_mlp_loss(weights, inputs, targets, ag.Tensor, ag.tanh))

    rows = [("chain of 1,000 ops, (8,)", "per op", CHAIN_LENGTH, ours_chain, numpy_chain),
            (f"scalar MLP 3-16-16-1, {SAMPLES} samples", f"per node ({nodes} nodes)", nodes, ours_mlp,
             numpy_mlp)]
    torch_runs = torch_benchmarks(raw_weights, inputs, targets)
    print(f"{'benchmark':34} {'unit':22} {'ours fwd+bwd':>13} {'numpy fwd':>10} {'torch fwd+bwd':>14}")
    for (title, unit, count, ours, plain), torch_run in zip(rows, torch_runs):
        ours_us = median_seconds(ours, repeats) / count * 1e6
        plain_us = median_seconds(plain, repeats) / count * 1e6
        torch_text = "-" if torch_run is None else f"{median_seconds(torch_run, repeats) / count * 1e6:.2f} us"
        print(f"{title:34} {unit:22} {ours_us:10.2f} us {plain_us:7.2f} us {torch_text:>14}")


def torch_benchmarks(raw_weights, inputs, targets) -> list:
    """The same two benchmarks in PyTorch, or Nones when it is not installed."""
    try:
        import torch
    except ImportError:
        return [None, None]

    def torch_chain() -> None:
        x = torch.linspace(-1, 1, 8, requires_grad=True)
        chain(x, CHAIN_LENGTH, torch.tanh).sum().backward()

    def torch_mlp() -> None:
        weights = [[[torch.tensor(w, requires_grad=True) for w in n] for n in layer] for layer in raw_weights]
        scalar_mlp_loss(weights, inputs, targets, torch.tensor, torch.tanh).backward()

    return [torch_chain, torch_mlp]


if __name__ == "__main__":
    main()
