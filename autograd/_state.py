"""Switches the engine reads on every op: grad recording, anomaly checks and name scope (per
thread), and the count of in-place changes (process-wide: tensors are shared between threads)."""
import threading


class _ThreadState(threading.local):
    # Class attributes give every new thread the defaults.
    grad_enabled = True
    detect_anomaly = False
    scope = ""


class _InPlaceClock:
    """`ticks` counts in-place changes to any tensor. A recorded op notes it at forward time, so
    backward needs to look at the op's tensors only when the clock has moved on since."""

    def __init__(self) -> None:
        self.ticks = 0


state = _ThreadState()
inplace_clock = _InPlaceClock()
