"""Switches the engine reads on every op: grad recording, anomaly checks and name scope (per
thread), and the count of in-place changes (process-wide: tensors are shared between threads)."""
import threading


class _ThreadState(threading.local):
    # Class attributes give every new thread the defaults.
    grad_enabled = True
    detect_anomaly = False
    scope = ""
    # A scope or anomaly detection: a recorded op has more to do than record itself. One flag,
    # so that recording reads one thread-local attribute (~50 ns each) instead of two.
    extras = False

    def set_scope(self, scope: str) -> None:
        self.scope = scope
        self.extras = bool(scope) or self.detect_anomaly

    def set_detect_anomaly(self, detect: bool) -> None:
        self.detect_anomaly = detect
        self.extras = bool(self.scope) or detect


class _InPlaceClock:
    """`ticks` counts in-place changes to any tensor. A recorded op notes it at forward time, so
    backward needs to look at the op's tensors only when the clock has moved on since."""

    def __init__(self) -> None:
        self.ticks = 0


state = _ThreadState()
inplace_clock = _InPlaceClock()
