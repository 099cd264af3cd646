"""`Function`: the base of every primitive op. Forward runs on arrays, backward on either."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from autograd._state import RECORDING_WITH_EXTRAS, inplace_clock, state
from autograd.anomaly import check_forward
from autograd.tensor import Tensor


class Function:
    """One node of the graph: the op that made a tensor.

    A subclass writes `forward(*arrays) -> array` and `backward(grad, out) -> tuple`, where
    `grad` is dL/d(out) and the tuple holds dL/d(input) for each input (None where no gradient
    is needed). Backward is written once, with operators and methods that numpy arrays and
    Tensors share, plus `xp = namespace(grad)` (`autograd.ops._common`) for functions
    (`xp.exp`, `xp.where`, ...):
    a plain backward gets arrays and runs at numpy speed; with ``create_graph=True`` it gets
    Tensors, so the backward is itself recorded and can be differentiated again.
    `self.inputs(grad)` gives the inputs in the same kind as `grad`. Arrays that backward needs
    beyond inputs and output go in `self.saved`, which the engine releases after use.
    """

    name = ""  # the autograd function that applies this op: errors, reprs and pictures use it
    symbol: Optional[str] = None  # the operator code writes it with ('+', '@', '[]'), if any
    # The local derivative d(out)/d(input) for each input, as the Stepper prints it: `{0}`,
    # `{1}`, ... stand for the inputs' names and `{out}` for the output's; the last entry
    # serves any further inputs. Every op states it beside its backward (a test checks).
    derivatives: tuple[str, ...] = ()

    parents: tuple[Tensor, ...] = ()
    recorded_at = 0  # the in-place clock's tick at forward time (see autograd/inplace.py)
    saved: Any = None
    freed = False
    scope = ""
    trace = None

    def forward(self, *arrays: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: Any, out: Any) -> tuple[Optional[Any], ...]:
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run forward on the inputs' arrays; record this node when any input needs a gradient."""
        fn = cls(**params) if params else cls()
        # Up to three inputs are unpacked by hand: generic unpacking costs as much as a small op.
        count = len(inputs)
        if count == 1:
            out_data = fn.forward(inputs[0]._data)
        elif count == 2:
            out_data = fn.forward(inputs[0]._data, inputs[1]._data)
        elif count == 3:
            out_data = fn.forward(inputs[0]._data, inputs[1]._data, inputs[2]._data)
        else:
            out_data = fn.forward(*[t._data for t in inputs])
        recording = state.recording
        if recording:
            for t in inputs:
                if t.requires_grad:
                    fn.parents = inputs
                    fn.recorded_at = inplace_clock.ticks
                    if recording == RECORDING_WITH_EXTRAS:
                        if state.scope:
                            fn.scope = state.scope
                        if state.detect_anomaly:
                            check_forward(fn, out_data)
                    return Tensor._make(out_data, True, fn)
        return Tensor._make(out_data, False, None)

    # The two helpers below run once per node in backward, so the usual input counts are
    # spelled out: a comprehension costs several times as much.
    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """For each input: does it want a gradient?"""
        parents = self.parents
        count = len(parents)
        if count == 1:
            return (parents[0].requires_grad,)
        if count == 2:
            return parents[0].requires_grad, parents[1].requires_grad
        if count == 3:
            return parents[0].requires_grad, parents[1].requires_grad, parents[2].requires_grad
        return tuple([p.requires_grad for p in parents])

    def inputs(self, grad: Any) -> Sequence[Any]:
        """The inputs as Tensors when `grad` is a Tensor (recording), else as arrays."""
        parents = self.parents
        if isinstance(grad, Tensor):
            return parents
        count = len(parents)
        if count == 1:
            return (parents[0]._data,)
        if count == 2:
            return parents[0]._data, parents[1]._data
        if count == 3:
            return parents[0]._data, parents[1]._data, parents[2]._data
        return tuple([p._data for p in parents])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} op>"

