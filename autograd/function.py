"""`Function`: the base of every primitive op. Forward runs on arrays, backward on Tensors."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from autograd._state import state
from autograd.tensor import Tensor


class Function:
    """One node of the graph: the op that made a tensor.

    A subclass writes `forward(*arrays) -> array` and `backward(grad, out) -> tuple`, where
    `grad` is dL/d(out) and the tuple holds dL/d(input) for each input (None where no gradient
    is needed). Backward uses Tensor ops only, so with ``create_graph=True`` it is itself
    recorded and can be differentiated again. `self.parents` are the input Tensors; arrays
    that backward needs beyond them go in `self.saved`, which the engine releases after use.
    """

    symbol = "?"  # how pictures of the graph label this op

    parents: tuple[Tensor, ...]
    needs_input_grad: tuple[bool, ...]
    saved: Any = None
    freed = False
    scope = ""
    trace = None

    def forward(self, *arrays: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: Tensor, out: Tensor) -> tuple[Optional[Tensor], ...]:
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run forward on the inputs' arrays; record this node when any input needs a gradient."""
        fn = cls(**params) if params else cls()
        out_data = fn.forward(*[t.data for t in inputs])
        record = state.grad_enabled and any(t.requires_grad for t in inputs)
        if state.detect_anomaly:
            from autograd.anomaly import check_forward

            check_forward(fn, out_data, record)
        if not record:
            return Tensor._make(out_data, False, None)
        fn.parents = inputs
        fn.needs_input_grad = tuple(t.requires_grad for t in inputs)
        if state.scope:
            fn.scope = state.scope
        return Tensor._make(out_data, True, fn)

    def release(self) -> None:
        """Drop the buffers saved for backward; a later backward through here is an error."""
        self.saved = None
        self.freed = True

    @property
    def name(self) -> str:
        return type(self).__name__.lower()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} op>"
