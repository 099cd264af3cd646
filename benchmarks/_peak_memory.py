"""Peak resident memory of a benchmark variant, each measured in a fresh interpreter of its own.

A benchmark script answers `--child ARGS...` by running the variant and calling `report_peak()`;
the parent calls `peak_memory_mb(script, *args)`. (Files starting with "_" are helpers:
`make test` does not run them as benchmarks.)
"""
from __future__ import annotations

import subprocess
import sys


def report_peak() -> None:
    """Print this process's peak resident memory (VmHWM, Linux) in MB, as the last line."""
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(peak_kb / 1024)


def peak_memory_mb(script: str, *child_args: str) -> float:
    """Run `script --child *child_args` in a fresh interpreter and read the peak it reports."""
    result = subprocess.run([sys.executable, script, "--child", *child_args],
                            capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])
