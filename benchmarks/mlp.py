"""Training speed of an MNIST-shaped MLP: numpy by hand vs our engine vs model.fit vs PyTorch.

The engine runs twice: with the fused `softmax_cross_entropy`, and with the loss a PyTorch user
writes by hand (`hand loss`: -log_softmax(z)[arange(n), y].mean()).

Model 784-256-128-10 (ReLU, softmax cross-entropy), batch 128, one epoch over random
float32 rows. Runs alternate in one process, in reversed order every other round; for SGD
(lr 0.01) and Adam (lr 0.001) each variant's median epoch time is printed, with its ratio to
the hand-written numpy floor: the median over rounds of (its epoch / numpy's epoch in the
same round), which a shared machine's drift from minute to minute does not skew. Peak
memory (VmHWM) of each variant is measured in a child process of its own. All variants
start from the same weights, and the script checks that their first losses agree.

    python benchmarks/mlp.py [--quick] [--rows N] [--repeats K]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Callable

import numpy as np

import autograd as ag
import nn
import optim

from _peak_memory import peak_memory_mb, report_peak

SIZES = (784, 256, 128, 10)
BATCH = 128
CHECK_STEPS = 3


def make_data(rows: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.random((rows, SIZES[0]), dtype=np.float32), rng.integers(0, SIZES[-1], rows)


def initial_weights() -> list[np.ndarray]:
    """Glorot-uniform kernels and zero biases, as Keras starts a Dense layer."""
    rng = np.random.default_rng(0)
    weights = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights += [rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32),
                    np.zeros(fan_out, np.float32)]
    return weights


def batches(rows: int):
    return [slice(start, start + BATCH) for start in range(0, rows, BATCH)]


# ---- (a) numpy by hand ---------------------------------------------------------------------------
def numpy_trainer(weights: list[np.ndarray], optimizer: str) -> Callable:
    """Forward, the hand-derived backward and the update rule, all in numpy."""
    params = [w.copy() for w in weights]
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    step_count = [0]

    def update(grads: list[np.ndarray]) -> None:
        if optimizer == "sgd":
            for p, g in zip(params, grads):
                p -= np.float32(0.01) * g
            return
        step_count[0] += 1
        t = step_count[0]
        lr_t = np.float32(0.001 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t))
        for p, g, (m, v) in zip(params, grads, moments):
            m *= np.float32(0.9)
            m += np.float32(0.1) * g
            v *= np.float32(0.999)
            v += np.float32(0.001) * g * g
            p -= lr_t * m / (np.sqrt(v) + np.float32(1e-7))

    def step(x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = params
        h1 = x @ w1
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ w2
        h2 += b2
        np.maximum(h2, 0, out=h2)
        logits = h2 @ w3
        logits += b3
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(y))
        loss = -log_probs[rows, y].mean()
        delta = np.exp(log_probs)
        delta[rows, y] -= 1
        delta /= len(y)
        d_h2 = (delta @ w3.T) * (h2 > 0)
        d_h1 = (d_h2 @ w2.T) * (h1 > 0)
        update([x.T @ d_h1, d_h1.sum(0), h1.T @ d_h2, d_h2.sum(0), h2.T @ delta, delta.sum(0)])
        return float(loss)

    return step


# ---- (b) our engine in a plain loop -----------------------------------------------------------------
def engine_trainer(weights: list[np.ndarray], optimizer: str) -> Callable:
    params = [ag.Tensor(w.copy(), requires_grad=True) for w in weights]
    opt = optim.SGD(params, learning_rate=0.01) if optimizer == "sgd" else optim.Adam(params, learning_rate=0.001)

    def step(x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = params
        hidden = ag.linear(ag.linear(ag.from_numpy(x), w1, b1).relu(), w2, b2).relu()
        loss = ag.softmax_cross_entropy(ag.linear(hidden, w3, b3), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss.item()

    return step


def hand_loss_trainer(weights: list[np.ndarray], optimizer: str) -> Callable:
    """The engine loop with the cross-entropy written as a PyTorch user writes it by hand:
    -log_softmax(z)[arange(n), y].mean(), four recorded ops instead of the fused one."""
    params = [ag.Tensor(w.copy(), requires_grad=True) for w in weights]
    opt = optim.SGD(params, learning_rate=0.01) if optimizer == "sgd" else optim.Adam(params, learning_rate=0.001)

    def step(x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = params
        hidden = ag.linear(ag.linear(ag.from_numpy(x), w1, b1).relu(), w2, b2).relu()
        logits = ag.linear(hidden, w3, b3)
        loss = -ag.log_softmax(logits, axis=1)[ag.arange(len(y)), y].mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss.item()

    return step


# ---- (c) nn.Sequential.fit -----------------------------------------------------------------------
def keras_model(weights: list[np.ndarray], optimizer: str) -> nn.Sequential:
    model = nn.Sequential([nn.Input(shape=(SIZES[0],)), nn.layers.Dense(SIZES[1], activation="relu"),
                           nn.layers.Dense(SIZES[2], activation="relu"), nn.layers.Dense(SIZES[3])])
    model.set_weights([w.copy() for w in weights])
    opt = optim.SGD(learning_rate=0.01) if optimizer == "sgd" else optim.Adam(learning_rate=0.001)
    model.compile(optimizer=opt, loss=nn.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


# ---- (d) PyTorch ----------------------------------------------------------------------------------
def torch_trainer(weights: list[np.ndarray], optimizer: str) -> Callable:
    import torch
    import torch.nn.functional as F
    params = [torch.tensor(w.copy(), requires_grad=True) for w in weights]
    opt = torch.optim.SGD(params, lr=0.01) if optimizer == "sgd" else torch.optim.Adam(params, lr=0.001, eps=1e-7)

    def step(x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = params
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        hidden = F.relu(F.relu(xt @ w1 + b1) @ w2 + b2)
        loss = F.cross_entropy(hidden @ w3 + b3, yt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def torch_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    torch.set_num_threads(len(os.sched_getaffinity(0)))  # numpy's BLAS uses every core too
    return True


TRAINERS = {"numpy": numpy_trainer, "engine": engine_trainer, "hand loss": hand_loss_trainer,
            "torch": torch_trainer}


def make_epoch(variant: str, optimizer: str, x: np.ndarray, y: np.ndarray) -> Callable[[], list[float]]:
    """A function running one epoch of `variant` from the shared initial weights."""
    if variant == "model.fit":
        model = keras_model(initial_weights(), optimizer)
        return lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False).history["loss"]
    step = TRAINERS[variant](initial_weights(), optimizer)
    return lambda: [step(x[s], y[s]) for s in batches(len(x))]


def first_losses(variant: str, optimizer: str, x: np.ndarray, y: np.ndarray) -> list[float]:
    step = TRAINERS[variant](initial_weights(), optimizer)
    return [step(x[s], y[s]) for s in batches(len(x))[:CHECK_STEPS]]


def child(variant: str, optimizer: str, rows: int) -> None:
    x, y = make_data(rows)
    if variant == "torch":
        torch_available()
    make_epoch(variant, optimizer, x, y)()
    report_peak()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run: a smoke test")
    parser.add_argument("--rows", type=int, help="rows per epoch (default 60,000; 2,560 with --quick)")
    parser.add_argument("--repeats", type=int, help="epochs per variant (default 7; 1 with --quick)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    rows = args.rows or (2_560 if args.quick else 60_000)
    repeats = args.repeats or (1 if args.quick else 7)
    variants = ["numpy", "engine", "hand loss", "model.fit"] + (["torch"] if torch_available() else [])
    x, y = make_data(rows)

    for optimizer in ("sgd", "adam"):
        losses = {v: first_losses(v, optimizer, x, y) for v in variants if v != "model.fit"}
        # PyTorch's Adam adds epsilon after the bias correction, Keras's (ours) before: ~1e-4 apart.
        tolerance = 1e-3 if optimizer == "adam" else 1e-4
        for variant, values in losses.items():
            if not np.allclose(values, losses["numpy"], rtol=tolerance, atol=1e-5):
                sys.exit(f"{optimizer}: first losses of {variant} {values} differ from numpy's {losses['numpy']}")
        epochs = {v: make_epoch(v, optimizer, x, y) for v in variants}
        times: dict[str, list[float]] = {v: [] for v in variants}
        for round_number in range(repeats + 1):  # round 0 warms up caches, threads and allocators
            for variant in variants if round_number % 2 else variants[::-1]:
                start = time.perf_counter()
                epochs[variant]()
                if round_number:
                    times[variant].append(time.perf_counter() - start)
        print(f"{optimizer.upper()}: {rows} rows, batch {BATCH}, median of {repeats}; first losses agree: "
              + ", ".join(f"{loss:.5f}" for loss in losses["numpy"]))
        print(f"  {'variant':10} {'epoch':>9} {'vs numpy':>9} {'peak RSS':>10}")
        for variant in variants:
            ratio = statistics.median(t / floor for t, floor in zip(times[variant], times["numpy"]))
            memory = peak_memory_mb(__file__, variant, optimizer, str(rows))
            print(f"  {variant:10} {statistics.median(times[variant]):8.3f}s {ratio:8.3f}x {memory:8.0f} MB")


if __name__ == "__main__":
    main()
