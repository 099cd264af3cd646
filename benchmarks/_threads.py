"""How many threads numpy's BLAS uses, so the PyTorch side of a benchmark can use as many.
(Files starting with "_" are helpers: `make test` does not run them as benchmarks.)"""
from __future__ import annotations

import os


def blas_threads() -> int:
    """The threads numpy's BLAS uses: threadpoolctl's answer, else OPENBLAS_NUM_THREADS, else
    every core (OpenBLAS's default). Set OPENBLAS_NUM_THREADS=1 to compare one thread each."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return int(os.environ.get("OPENBLAS_NUM_THREADS", len(os.sched_getaffinity(0))))
    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return max(counts) if counts else len(os.sched_getaffinity(0))
