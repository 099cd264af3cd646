"""Training speed of a LeNet-style CNN: model.train_on_batch against the same network in torch.nn.

The network of Keras's MNIST convnet example: 28x28x1 -> Conv2D(32, 3, relu) -> MaxPooling2D(2)
-> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten -> Dense(128, relu) -> Dense(10), softmax
cross-entropy on the logits, SGD (lr 0.01), batch 64, float32, random images. Ours is an
`nn.Sequential` trained with `model.train_on_batch`; PyTorch's is a `torch.nn.Sequential` on NCHW
copies of the same data with the same starting weights (the first Dense's rows reordered for
NCHW's flattening), and the script checks that the first losses agree. Both run in one process
with the same number of threads (numpy's BLAS pool as threadpoolctl reports it, or every core).
Rounds of `--steps` steps alternate the order; the ratio is the median over rounds of (our time
/ torch's time in the same round), which a shared machine's drift does not skew. Peak memory
(VmHWM) of each is measured in a child process of its own. Without torch the torch columns
print "-".

    [OPENBLAS_NUM_THREADS=1] python benchmarks/cnn.py [--quick] [--steps N] [--repeats K]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Callable, Optional

import numpy as np

import nn
import optim
from nn.layers import Conv2D, Dense, Flatten, MaxPooling2D

from _peak_memory import peak_memory_mb, report_peak
from _threads import blas_threads

BATCH, SIZE, CLASSES = 64, 28, 10
LEARNING_RATE = 0.01
CHECK_STEPS = 3


def make_batches(steps: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(1)
    return [(rng.random((BATCH, SIZE, SIZE, 1), dtype=np.float32), rng.integers(0, CLASSES, BATCH))
            for _ in range(steps)]


def our_model() -> nn.Sequential:
    nn.utils.set_random_seed(0)
    model = nn.Sequential([nn.Input(shape=(SIZE, SIZE, 1)), Conv2D(32, 3, activation="relu"), MaxPooling2D(2),
                           Conv2D(64, 3, activation="relu"), MaxPooling2D(2), Flatten(),
                           Dense(128, activation="relu"), Dense(CLASSES)])
    model.compile(optimizer=optim.SGD(learning_rate=LEARNING_RATE),
                  loss=nn.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def ours() -> Callable[[np.ndarray, np.ndarray], float]:
    model = our_model()
    return lambda x, y: float(model.train_on_batch(x, y))


def theirs() -> Optional[Callable[[np.ndarray, np.ndarray], float]]:
    """The same network and starting weights in torch.nn (NCHW), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(blas_threads())
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                              torch.nn.Linear(1600, 128), torch.nn.ReLU(), torch.nn.Linear(128, CLASSES))
    kernel1, bias1, kernel2, bias2, dense1, dense_bias1, dense2, dense_bias2 = our_model().get_weights()
    # Our Flatten reads (h, w, c), torch's (c, h, w): reorder the first Dense's rows to match.
    dense1 = dense1.reshape(5, 5, 64, 128).transpose(2, 0, 1, 3).reshape(1600, 128)
    arrays = [kernel1.transpose(3, 2, 0, 1), bias1, kernel2.transpose(3, 2, 0, 1), bias2, dense1.T, dense_bias1,
              dense2.T, dense_bias2]
    with torch.no_grad():
        for parameter, array in zip(net.parameters(), arrays):
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(array)))
    sgd = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)

    def step(x: np.ndarray, y: np.ndarray) -> float:
        sgd.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(x.transpose(0, 3, 1, 2))), torch.from_numpy(y))
        loss.backward()
        sgd.step()
        return loss.item()

    return step


def child(variant: str, steps: int) -> None:
    step = ours() if variant == "ours" else theirs()
    for x, y in make_batches(steps):
        step(x, y)
    report_peak()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run: a smoke test")
    parser.add_argument("--steps", type=int, help="training steps per round (default 20; 2 with --quick)")
    parser.add_argument("--repeats", type=int, help="timed rounds (default 7; 1 with --quick)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    steps = args.steps or (2 if args.quick else 20)
    repeats = args.repeats or (1 if args.quick else 7)
    batches = make_batches(max(steps, CHECK_STEPS))[:steps]
    runs = {name: run for name, run in (("ours", ours()), ("torch", theirs())) if run is not None}

    check = {name: [run(x, y) for x, y in make_batches(CHECK_STEPS)]
             for name, run in (("ours", ours()), ("torch", theirs())) if run is not None}
    if "torch" in check and not np.allclose(check["ours"], check["torch"], rtol=1e-4, atol=1e-5):
        sys.exit(f"first losses differ: ours {check['ours']}, torch {check['torch']}")

    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_number in range(repeats + 1):  # round 0 warms up caches, threads and allocators
        for name in list(runs) if round_number % 2 else list(runs)[::-1]:
            start = time.perf_counter()
            for x, y in batches:
                runs[name](x, y)
            if round_number:
                times[name].append((time.perf_counter() - start) / steps)

    print(f"LeNet-style CNN training step (train_on_batch), batch {BATCH}, float32, SGD, {blas_threads()} threads, "
          f"median of {repeats} rounds of {steps} steps; first losses agree: "
          + ", ".join(f"{loss:.5f}" for loss in check["ours"]))
    print(f"  {'variant':8} {'step':>10} {'vs torch':>9} {'peak RSS':>10}")
    for name in ("ours", "torch"):
        if name not in times:
            print(f"  {name:8} {'-':>10} {'-':>9} {'-':>10}")
            continue
        ratio = "-" if "torch" not in times else \
            f"{statistics.median(a / b for a, b in zip(times[name], times['torch'])):.2f}x"
        memory = peak_memory_mb(__file__, name, str(steps))
        print(f"  {name:8} {statistics.median(times[name]) * 1e3:7.1f} ms {ratio:>9} {memory:8.0f} MB")


if __name__ == "__main__":
    main()
