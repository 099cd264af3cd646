"""Switches the engine reads on every op: grad recording, anomaly checks and name scope (per
thread), and the count of in-place changes (process-wide: tensors are shared between threads)."""
import threading
from typing import Any

NOT_RECORDING, RECORDING, RECORDING_WITH_EXTRAS = 0, 1, 2


class _ThreadState(threading.local):
    # Class attributes give every new thread the defaults.
    grad_enabled = True
    detect_anomaly = False
    scope = ""
    # The three switches above folded into what an op does, so that each op reads one
    # thread-local attribute (~50 ns each): NOT_RECORDING, RECORDING, or RECORDING_WITH_EXTRAS
    # (also tag the scope and check for NaN/Inf). Change the switches with `switch` only.
    recording = RECORDING

    def switch(self, **switches: Any) -> None:
        """Set `grad_enabled`, `detect_anomaly` and/or `scope`."""
        for name, value in switches.items():
            setattr(self, name, value)
        self.recording = (NOT_RECORDING if not self.grad_enabled else
                          RECORDING_WITH_EXTRAS if self.scope or self.detect_anomaly else RECORDING)


class _InPlaceClock:
    """`ticks` counts in-place changes to any tensor. A recorded op notes it at forward time, so
    backward needs to look at the op's tensors only when the clock has moved on since."""

    def __init__(self) -> None:
        self.ticks = 0


state = _ThreadState()
inplace_clock = _InPlaceClock()
