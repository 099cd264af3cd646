"""`detect_anomaly()`: stop at the first op whose value or gradient holds NaN or Inf."""
from __future__ import annotations

import os
import traceback
from typing import Any, Optional, Sequence

import numpy as np

from autograd._state import state

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class detect_anomaly:
    """Inside this block every op checks its result and, in backward, its gradients.

    The first NaN/Inf raises FloatingPointError naming the op and the line of user code that
    created it. Slower than normal running: use it to hunt a NaN, then take it out.
    """

    def __enter__(self) -> None:
        self._previous = state.detect_anomaly
        state.switch(detect_anomaly=True)

    def __exit__(self, *exc_info: Any) -> None:
        state.switch(detect_anomaly=self._previous)


def _user_frame() -> Optional[traceback.FrameSummary]:
    """The innermost stack frame outside the autograd package: where the user made the op."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return frame
    return None


def _where(fn: Any) -> str:
    frame = fn.trace
    if frame is None:
        return "an unknown place"
    return f'{frame.filename}, line {frame.lineno}, in {frame.name}:\n    {frame.line}'


def _count_bad(array: np.ndarray) -> int:
    if array.dtype.kind not in "fc":
        return 0
    return int(array.size - np.count_nonzero(np.isfinite(array)))


def check_forward(fn: Any, out: np.ndarray) -> None:
    """Remember where `fn` was created; raise if its result holds NaN/Inf."""
    fn.trace = _user_frame()
    bad = _count_bad(np.asarray(out))
    if bad:
        raise FloatingPointError(
            f"detect_anomaly: the forward pass of op '{fn.name}' produced {bad} NaN/Inf value(s) "
            f"(out of {np.size(out)}). The op was created at {_where(fn)}\nCheck this op's inputs "
            "(log or sqrt of a negative or zero number, division by zero, overflow of exp?).")


def check_backward(fn: Any, parent_grads: Sequence[Any]) -> None:
    """Raise if the gradients `fn` sent to its inputs hold NaN/Inf."""
    for position, grad in enumerate(parent_grads):
        if grad is None:
            continue
        bad = _count_bad(np.asarray(getattr(grad, "data", grad)))
        if bad:
            raise FloatingPointError(
                f"detect_anomaly: the backward pass of op '{fn.name}' produced {bad} NaN/Inf "
                f"value(s) in the gradient of its input #{position}. The op was created at "
                f"{_where(fn)}\nIts derivative blows up at these inputs (for example log or sqrt "
                "near 0, or a division by a tiny number); clip the input or add an epsilon.")
