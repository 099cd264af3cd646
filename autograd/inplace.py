"""In-place updates with PyTorch's rules: ``w -= lr * w.grad``, ``w.grad.zero_()``, ``w.data -= g``.

An in-place op writes new values into the tensor's own array (the same Tensor object, the same
memory: views and `detach()`-ed tensors see them) and bumps its version. Autograd records no
in-place op, so while it records (outside `no_grad()`) an in-place change is refused on a tensor
that requires grad, and with an operand that requires grad; out-of-place ops (``x = x + 1``)
are always available. ``.data`` is the escape hatch: assigning to it is allowed everywhere.

Versions: each change bumps ``t._version`` and stamps ``t._changed_at`` with the next tick of a
process-wide in-place clock. A recorded op notes the clock at forward time (`Function.apply`);
before running its backward, the engine calls `check_saved_tensors`, which finds an input or
output changed after that tick and stops with an error instead of a silently wrong gradient.
While nothing is changed in place the check costs one comparison per node.

Limits: a view (reshape, transpose, basic indexing, `detach()`) shares memory with its source
but, unlike PyTorch's views, not its version counter: a change through one is not seen by the
other's version. Neither is a write into the array itself (``t.data[0] = 1``, ``np.asarray(t)``).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from autograd._state import inplace_clock, state
from autograd.grad_mode import no_grad
from autograd.tensor import Tensor

_NUMBER_TYPES = (bool, int, float)


# ---- the ops ---------------------------------------------------------------------------------
def add_(target: Tensor, other: Any, alpha: float = 1, how: str = "add_") -> Tensor:
    """target <- target + alpha * other."""
    return _update(target, how, other, lambda t: t + (other if alpha == 1 else alpha * other))


def sub_(target: Tensor, other: Any, alpha: float = 1, how: str = "sub_") -> Tensor:
    """target <- target - alpha * other."""
    return _update(target, how, other, lambda t: t - (other if alpha == 1 else alpha * other))


def mul_(target: Tensor, other: Any, how: str = "mul_") -> Tensor:
    """target <- target * other."""
    return _update(target, how, other, lambda t: t * other)


def div_(target: Tensor, other: Any, how: str = "div_") -> Tensor:
    """target <- target / other."""
    return _update(target, how, other, lambda t: t / other)


def clamp_(target: Tensor, low: Optional[float] = None, high: Optional[float] = None) -> Tensor:
    """target <- target limited to [low, high] (either bound may be None)."""
    if low is None and high is None:
        raise ValueError("clamp_ needs min or max (or both); with neither it would do nothing.")
    return _update(target, "clamp_", None, lambda t: t.clip(low, high))


def fill_(target: Tensor, value: Any, how: str = "fill_") -> Tensor:
    """Every element <- value (a number, or a one-element tensor or array)."""
    if not isinstance(value, _NUMBER_TYPES) and np.size(_array(value)) != 1:
        raise ValueError(f"{how} takes one number, but got {np.shape(_array(value))} values; "
                         "use copy_(values) to write an array.")
    return copy_(target, value, how)


def copy_(target: Tensor, src: Any, how: str = "copy_") -> Tensor:
    """target <- src, broadcast to target's shape and cast to its dtype (Python numbers take the
    target's dtype; arrays and tensors must cast within their kind: float to float, int to float)."""
    _refuse_while_recording(target, how, src)
    values = np.asarray(src, dtype=target.dtype) if isinstance(src, _NUMBER_TYPES) else _array(src)
    _check_cast(target, values, how)
    try:
        values = np.broadcast_to(values, target.shape)
    except ValueError:
        raise ValueError(f"{how}: values of shape {values.shape} cannot be broadcast to the shape "
                         f"{target.shape} of {describe(target)}; reshape them first.") from None
    _write(target, values.astype(target.dtype, copy=False), how)
    return target


def uniform_(target: Tensor, low: float = 0.0, high: float = 1.0) -> Tensor:
    """Every element <- a draw from the uniform distribution on [low, high)."""
    _require_float(target, "uniform_")
    scale, shift = target.dtype.type(high - low), target.dtype.type(low)
    return _update(target, "uniform_", None, lambda t: _random_draws("uniform", t) * scale + shift)


def normal_(target: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Every element <- a draw from the normal distribution N(mean, std^2)."""
    _require_float(target, "normal_")
    scale, shift = target.dtype.type(std), target.dtype.type(mean)
    return _update(target, "normal_", None, lambda t: _random_draws("normal", t) * scale + shift)


def assign_data(target: Tensor, values: Any) -> None:
    """``target.data = values``: replace the values in place (same shape; the dtype must cast
    within its kind), allowed even while recording; bumps the version either way.

    ``t.data -= g`` runs as ``t.data = t.data.__isub__(g)``: with an array `g` numpy updates the
    array in place and hands it back (only the version is left to bump); with a Tensor `g` numpy
    defers to ``Tensor.__rsub__`` and a new Tensor arrives here, whose values are copied in.
    """
    if values is target._data:
        mark_changed(target)
        return
    values = _array(values)
    if values.shape != target.shape:
        raise ValueError(
            f"cannot assign values of shape {values.shape} to .data of {describe(target)}: "
            "assigning to .data replaces the values in place and keeps the shape. Reshape the "
            "values, or make a new tensor: Tensor(values, requires_grad=...).")
    _check_cast(target, values, "assigning to .data")
    _write(target, values.astype(target.dtype, copy=False), "assigning to .data")


# ---- versions --------------------------------------------------------------------------------
def mark_changed(target: Tensor) -> None:
    """Bump the version of `target`, whose values were just changed in place."""
    inplace_clock.ticks += 1
    target._version += 1
    target._changed_at = inplace_clock.ticks


def check_saved_tensors(fn: Any, out: Tensor) -> None:
    """Raise if an input or the output of the recorded op `fn` changed in place after its forward.

    Every input and the output count as saved, whether or not this op's backward reads their
    values (PyTorch tracks exactly what each op saves; being stricter never gives a wrong gradient).
    """
    count = len(fn.parents)
    for position, tensor in enumerate((*fn.parents, out)):
        if tensor._changed_at > fn.recorded_at:
            role = ("its output" if position == count else "its input" if count == 1
                    else f"its input {position + 1} of {count}")
            raise RuntimeError(
                f"one of the tensors needed for backward was modified in place after it was used "
                f"by {fn.name}: {role}, {describe(tensor)}, is now at version {tensor._version} "
                f"and changed after {fn.name} was computed (an in-place op such as -= or zero_(), an "
                f"optimizer step, or an assignment to .data), so {fn.name}'s gradient would use "
                "the new values. Do the in-place update after backward(), or use an out-of-place "
                "op (x = x + 1) so the values the graph used are kept.")


def describe(t: Tensor) -> str:
    """How messages name a tensor: by its name when it has one, else by its shape."""
    if t.name:
        return f"tensor {t.name!r} (shape {t.shape})"
    return f"a tensor of shape {t.shape}"


# ---- shared steps ----------------------------------------------------------------------------
def _update(target: Tensor, how: str, operand: Any, compute: Callable[[Tensor], Any]) -> Tensor:
    """Overwrite `target` with compute(target), an ordinary op run without recording, so that
    broadcasting and dtype rules are the op's; the result must keep target's shape and dtype."""
    _refuse_while_recording(target, how, operand)
    with no_grad():
        result = _array(compute(target))
    if result.shape != target.shape:
        raise ValueError(
            f"{how}: the result has shape {result.shape}, but {describe(target)} keeps its shape "
            "in an in-place op. Write the out-of-place form (x = x + y) to get the broadcast "
            "result as a new tensor.")
    if result.dtype != target.dtype:
        raise TypeError(
            f"{how}: the result has dtype {result.dtype}, but {describe(target)} keeps its dtype "
            f"{target.dtype} in an in-place op. Convert the operand first (.astype({target.dtype}"
            ")) or write the out-of-place form (x = x + y).")
    _write(target, result, how)
    return target


def _refuse_while_recording(target: Tensor, how: str, operand: Any) -> None:
    if not state.grad_enabled:
        return
    if target.requires_grad and target.grad_fn is None:
        raise RuntimeError(
            f"{how}: {describe(target)} is a leaf that requires grad, and a leaf that requires "
            "grad cannot be used in an in-place operation while autograd records. Wrap the update "
            "in `with autograd.no_grad():` (as optimizers do), or change its values through .data "
            "(e.g. w.data -= lr * w.grad).")
    if target.requires_grad:
        raise RuntimeError(
            f"{how}: {describe(target)} was computed by {target.grad_fn.name} and is part of the "
            "graph; autograd records no in-place operation, so changing it in place would break "
            "its gradient. Write the out-of-place form (y = y + 1), or do it under "
            "`with autograd.no_grad():` if no gradient should flow through the change.")
    if isinstance(operand, Tensor) and operand.requires_grad:
        raise RuntimeError(
            f"{how}: the operand requires grad, so changing {describe(target)} in place would have "
            "to be recorded, and autograd records no in-place operation. Write the out-of-place "
            "form (x = x + other) to get a new tensor that carries the gradient.")


def _write(target: Tensor, values: np.ndarray, how: str) -> None:
    """Copy `values` (already target's shape and dtype) into target's array; bump its version."""
    if isinstance(target._data, np.generic):  # a 0-d op result held as a numpy scalar (immutable)
        target._data = np.array(values)
        mark_changed(target)
        return
    if not target._data.flags.writeable:
        raise ValueError(
            f"{how}: the array of {describe(target)} is read-only (a broadcast view, or read-only "
            "memory given to from_numpy), so it cannot change in place. Make a copy with its own "
            "memory first: t = t.clone().")
    np.copyto(target._data, values)
    mark_changed(target)


def _check_cast(target: Tensor, values: np.ndarray, how: str) -> None:
    if not np.can_cast(values.dtype, target.dtype, casting="same_kind"):
        raise TypeError(
            f"{how}: values of dtype {values.dtype} cannot be written into {describe(target)} of "
            f"dtype {target.dtype}; convert them first, e.g. values.astype({target.dtype}).")


def _require_float(target: Tensor, how: str) -> None:
    if target.dtype.kind != "f":
        raise TypeError(f"{how} fills float tensors, but {describe(target)} has dtype "
                        f"{target.dtype}; make it float first (.astype('float32')).")


def _array(x: Any) -> np.ndarray:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


# ---- random draws ----------------------------------------------------------------------------
_generator = np.random.default_rng()


def _random_draws(distribution: str, target: Tensor) -> np.ndarray:
    """Standard uniform [0, 1) or standard normal draws of target's shape and (float) dtype.

    The one place the in-place random fills take their randomness from (a seedable global
    generator can take over here)."""
    native = target.dtype if target.dtype in (np.float32, np.float64) else np.float64
    if distribution == "uniform":
        draws = _generator.random(target.shape, dtype=native)
    else:
        draws = _generator.standard_normal(target.shape, dtype=native)
    return draws.astype(target.dtype, copy=False)
