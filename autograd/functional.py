"""`value_and_grad`: turn a function of tensors into one that also returns its gradient."""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence, Union

from autograd.engine import grad
from autograd.tensor import Tensor


def value_and_grad(f: Callable[..., Tensor], argnums: Union[int, Sequence[int]] = 0) -> Callable:
    """Return g with g(*args) == (f(*args), df/d args[argnums]), like JAX and HIPS autograd.

    The chosen arguments are made leaves that require grad (arrays and numbers are converted).
    With an int `argnums` the gradient is one Tensor; with a sequence it is a tuple.
    """
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any):
        args = list(args)
        for i in positions:
            if i >= len(args):
                raise IndexError(f"value_and_grad: argnums={argnums} but the function got {len(args)} argument(s).")
            arg = args[i]
            args[i] = arg.detach().requires_grad_() if isinstance(arg, Tensor) else Tensor(arg, requires_grad=True)
        value = f(*args, **kwargs)
        if not isinstance(value, Tensor) or value.size != 1:
            raise TypeError("value_and_grad needs f to return a single-number Tensor (a loss), got "
                            f"{type(value).__name__} of shape {getattr(value, 'shape', None)}.")
        grads = grad(value, [args[i] for i in positions], allow_unused=True)
        return value, grads[0] if isinstance(argnums, int) else grads

    return wrapped
