"""Per-thread switches the engine reads on every op: grad recording, anomaly checks, name scope."""
import threading


class _ThreadState(threading.local):
    # Class attributes give every new thread the defaults.
    grad_enabled = True
    detect_anomaly = False
    scope = ""


state = _ThreadState()
