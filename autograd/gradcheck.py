"""`gradcheck`: compare the engine's gradients with central differences in float64."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from autograd.engine import grad as autograd_grad
from autograd.tensor import Tensor


class GradcheckError(AssertionError):
    """The engine's gradient and the numerical one disagree."""


def _as_float64_leaf(x: Any) -> Tensor:
    data = x.data if isinstance(x, Tensor) else x
    return Tensor(np.array(data, dtype=np.float64), requires_grad=True, dtype=np.float64)


def gradcheck(f: Callable[..., Tensor], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, seed: int = 0) -> bool:
    """Check d f / d inputs from the engine against (f(x + eps) - f(x - eps)) / (2 eps).

    Inputs are copied to float64 leaves. A non-scalar output is reduced to sum(f(x) * v) with a
    fixed random v, which checks the vector-Jacobian product. Returns True, or raises
    GradcheckError naming the input, the worst element and both values.
    """
    leaves = [_as_float64_leaf(x) for x in inputs]
    out = f(*leaves)
    weights = np.random.default_rng(seed).standard_normal(out.shape)

    def scalar(values: list[Tensor]) -> Tensor:
        return (f(*values) * weights).sum()

    analytic = autograd_grad(scalar(leaves), leaves, allow_unused=True)
    for position, (leaf, engine_grad) in enumerate(zip(leaves, analytic)):
        engine = np.zeros(leaf.shape) if engine_grad is None else engine_grad.data
        numeric = np.zeros(leaf.shape)
        flat = leaf.data.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            plus = scalar(leaves).item()
            flat[i] = original - eps
            minus = scalar(leaves).item()
            flat[i] = original
            numeric.reshape(-1)[i] = (plus - minus) / (2 * eps)
        error = np.abs(engine - numeric) - (atol + rtol * np.abs(numeric))
        if error.size and error.max() > 0:
            worst = np.unravel_index(np.argmax(error), error.shape)
            raise GradcheckError(
                f"gradcheck: gradient of input #{position} (shape {leaf.shape}) is wrong at index "
                f"{tuple(int(i) for i in worst)}: the engine says {engine[worst]:.8g}, central "
                f"differences say {numeric[worst]:.8g} (atol={atol}, rtol={rtol}).")
    return True
