"""Conv2D forward + backward: our conv2d against torch.nn.functional.conv2d, as a ratio.

Two layers of the classic Keras MNIST convnet, batch 64, 3x3 kernels, "valid" padding, no
bias: 28x28x1 -> 32 filters (the input images need no gradient) and 28x28x32 -> 64 filters
(a hidden layer: gradients for both input and kernel). Both libraries run in one process with
the same number of threads (numpy's BLAS pool as threadpoolctl reports it, or every core),
torch on NCHW copies of the same data (the goal: ours <= 2x torch), and for comparison on
channels_last (NHWC) ones, torch's faster CPU path. Rounds alternate the order; each ratio is
the median over rounds of (our time / torch's time in the same round), which a shared
machine's drift does not skew. Without torch the torch columns print "-".

    [OPENBLAS_NUM_THREADS=1] python benchmarks/conv.py [--quick] [--repeats K]
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Optional

import numpy as np

import autograd as ag

from _threads import blas_threads

CASES = [  # (title, input channels, filters, does the input need a gradient?)
    ("28x28x1 -> 32, 3x3", 1, 32, False),
    ("28x28x32 -> 64, 3x3", 32, 64, True),
]
SIZE, KERNEL = 28, 3


def make_arrays(batch: int, channels: int, filters: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (NHWC), kernel (HWIO) and the upstream gradient of the output (NHWC), float32."""
    rng = np.random.default_rng(0)
    out = SIZE - KERNEL + 1
    return (rng.standard_normal((batch, SIZE, SIZE, channels), dtype=np.float32),
            rng.standard_normal((KERNEL, KERNEL, channels, filters), dtype=np.float32) * 0.1,
            rng.standard_normal((batch, out, out, filters), dtype=np.float32))


def ours(x: np.ndarray, kernel: np.ndarray, upstream: np.ndarray, input_grad: bool) -> Callable[[], list]:
    x_t = ag.Tensor(x, requires_grad=input_grad)
    w_t = ag.Tensor(kernel, requires_grad=True)
    upstream = ag.from_numpy(upstream)  # as torch gets it: no copy per step

    def step() -> list:
        x_t.grad = w_t.grad = None
        out = ag.conv2d(x_t, w_t)
        out.backward(upstream)
        return [out.data, w_t.grad.data] + ([x_t.grad.data] if input_grad else [])

    return step


def theirs(x: np.ndarray, kernel: np.ndarray, upstream: np.ndarray, input_grad: bool,
           channels_last: bool) -> Optional[Callable[[], list]]:
    """The same step in PyTorch on NCHW/OIHW copies (results returned in our layouts), or None.
    With `channels_last`, torch keeps the images in NHWC memory, its faster CPU path."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    layout = torch.channels_last if channels_last else torch.contiguous_format
    x_t = torch.from_numpy(x.transpose(0, 3, 1, 2)).contiguous(memory_format=layout).requires_grad_(input_grad)
    w_t = torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))).requires_grad_(True)
    g_t = torch.from_numpy(upstream.transpose(0, 3, 1, 2)).contiguous(memory_format=layout)

    def step() -> list:
        x_t.grad = w_t.grad = None
        out = F.conv2d(x_t, w_t)
        out.backward(g_t)
        results = [out.detach().numpy().transpose(0, 2, 3, 1), w_t.grad.numpy().transpose(2, 3, 1, 0)]
        return results + ([x_t.grad.numpy().transpose(0, 2, 3, 1)] if input_grad else [])

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="batch 8, one round: a smoke test")
    parser.add_argument("--repeats", type=int, help="timed rounds (default 15; 1 with --quick)")
    args = parser.parse_args()
    batch = 8 if args.quick else 64
    repeats = args.repeats or (1 if args.quick else 15)
    threads = blas_threads()
    try:
        import torch
        torch.set_num_threads(threads)
    except ImportError:
        pass

    print(f"Conv2D forward + backward, batch {batch}, float32, {threads} threads, median of {repeats} rounds;")
    print("torch = torch.nn.functional.conv2d on NCHW tensors, torch NHWC = the same on channels_last ones")
    print(f"  {'layer':22} {'ours':>9} {'torch':>9} {'ours/torch':>11} {'torch NHWC':>11} {'ours/NHWC':>10}")
    for title, channels, filters, input_grad in CASES:
        arrays = make_arrays(batch, channels, filters)
        runs = {"ours": ours(*arrays, input_grad), "torch": theirs(*arrays, input_grad, channels_last=False),
                "torch NHWC": theirs(*arrays, input_grad, channels_last=True)}
        runs = {name: run for name, run in runs.items() if run is not None}
        results = {name: run() for name, run in runs.items()}  # warm-up, and a check that all agree
        for name in runs:
            for mine, reference in zip(results["ours"], results[name]):
                np.testing.assert_allclose(mine, reference, rtol=2e-3, atol=2e-3 * np.abs(reference).max())
        times: dict[str, list[float]] = {name: [] for name in runs}
        for round_number in range(repeats):
            for name in list(runs) if round_number % 2 else list(runs)[::-1]:
                start = time.perf_counter()
                runs[name]()
                times[name].append(time.perf_counter() - start)
        columns = [f"{statistics.median(times['ours']) * 1e3:6.1f} ms"]
        for name in ("torch", "torch NHWC"):
            if name in times:
                ratio = statistics.median(a / b for a, b in zip(times["ours"], times[name]))
                columns += [f"{statistics.median(times[name]) * 1e3:6.1f} ms", f"{ratio:.2f}x"]
            else:
                columns += ["-", "-"]
        print(f"  {title:22} {columns[0]:>9} {columns[1]:>9} {columns[2]:>11} {columns[3]:>11} {columns[4]:>10}")


if __name__ == "__main__":
    main()
