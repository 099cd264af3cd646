"""Index contractions: einsum, and tensordot and outer written with it.

einsum's backward is again an einsum: the gradient of one operand contracts the output's gradient
with every other operand, back to that operand's indices.
"""
from __future__ import annotations

import string
from typing import Any, Callable, Sequence, Union

import numpy as np

from autograd.function import Function
from autograd.ops._common import lift, lift_pair
from autograd.ops.arithmetic import mul
from autograd.ops.linalg import matmul
from autograd.ops.shape import broadcast_to, reshape
from autograd.tensor import Tensor

# Past this many elements in an operand, numpy's contraction planner (which hands pairs of
# operands to BLAS) pays for its ~10 us of planning: 2x faster at 64 x 64, 8x at 128 x 128.
# Below, and for one operand, the plain C loop is faster.
_PLAN_ABOVE = 2048


def _contract(spec: str, *arrays: np.ndarray) -> np.ndarray:
    """np.einsum on arrays, planned through BLAS when the operands are many, or two and big."""
    plan = len(arrays) > 2 or (len(arrays) == 2 and max(a.size for a in arrays) > _PLAN_ABOVE)
    return np.einsum(spec, *arrays, optimize=plan)


class Einsum(Function):
    """out[output] = sum over the other indices of prod_k operand_k[term_k] (explicit subscripts,
    no '...'). d out / d operand_i is the einsum of grad with every other operand, to term_i."""

    name = "einsum"
    derivatives = ("einsum of grad with the other operands, back to this operand's indices",)

    def __init__(self, terms: tuple[str, ...], output: str) -> None:
        self.terms, self.output = terms, output

    def forward(self, *arrays):
        return _contract(",".join(self.terms) + "->" + self.output, *arrays)

    def backward(self, grad, out):
        operands = self.inputs(grad)
        contract = einsum if isinstance(grad, Tensor) else _contract
        return tuple(self._operand_gradient(i, grad, operands, contract) if needed else None
                     for i, needed in enumerate(self.needs_input_grad))

    def _operand_gradient(self, i: int, grad: Any, operands: Sequence[Any],
                          contract: Callable[..., Any]) -> Any:
        """einsum(grad, the other operands -> term_i). An einsum output cannot repeat an index
        nor name one no operand has, so a repeated index (a diagonal, 'ii') gets a fresh copy tied
        to it by an identity matrix, and an index only operand i has (summed away) gets a vector
        of ones: its gradient is the same along that axis."""
        terms = [self.output] + [t for k, t in enumerate(self.terms) if k != i]
        factors = [grad] + [x for k, x in enumerate(operands) if k != i]
        shape = self.parents[i].shape
        spare = iter(_unused_letters("".join(self.terms) + self.output))
        target = ""
        for position, letter in enumerate(self.terms[i]):
            if letter in target:
                copy = next(spare)
                terms.append(letter + copy)
                factors.append(np.eye(shape[position], dtype=grad.dtype))
                letter = copy
            target += letter
        present = set("".join(terms))
        for position, letter in enumerate(target):
            if letter not in present:
                terms.append(letter)
                factors.append(np.ones(shape[position], dtype=grad.dtype))
        return contract(",".join(terms) + "->" + target, *factors)


def _unused_letters(used: str) -> list[str]:
    return [c for c in string.ascii_letters if c not in used]


def _error(subscripts: str, problem: str) -> ValueError:
    return ValueError(f"einsum({subscripts!r}): {problem}")


def _parse(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str, list[tuple[int, ...]]]:
    """Subscripts as one term per operand and an output, every '...' spelled out with fresh
    letters, and each operand's shape with its '...' dimensions broadcast."""
    spec = subscripts.replace(" ", "")
    lhs, arrow, output = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise _error(subscripts, f"the subscripts name {len(terms)} operand(s) but {len(shapes)} "
                     "were given; write one comma-separated term per operand.")
    for part in terms + [output]:
        letters = part.replace("...", "", 1)
        if not all(c in string.ascii_letters for c in letters):
            raise _error(subscripts, f"{part!r} is not a valid term: use letters a-z, A-Z, at most "
                         "one '...' per term, commas between operands and one '->' before the output.")
    if "..." in output and "..." not in lhs:
        raise _error(subscripts, "the output has '...' but no operand has.")

    ellipsis_shapes = []
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term.replace("...", ""))
        if len(shape) != named and ("..." not in term or len(shape) < named):
            raise _error(subscripts, f"operand {k} has shape {shape} ({len(shape)} dimensions) but "
                         f"its term {term!r} names {named}; give one letter per dimension "
                         "(or '...' for the leading ones).")
        if "..." in term:
            start = term.index("...")
            ellipsis_shapes.append(shape[start:start + len(shape) - named])
    try:
        broadcast = np.broadcast_shapes(*ellipsis_shapes)
    except ValueError:
        raise _error(subscripts, f"the dimensions under '...' ({', '.join(map(str, ellipsis_shapes))}) "
                     "cannot be broadcast together.") from None

    fresh = _unused_letters(spec)[:len(broadcast)]
    ellipsis_size = dict(zip(fresh, broadcast))
    spelled, targets = [], []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            count = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", "".join(fresh[len(fresh) - count:]))
        spelled.append(term)
        targets.append(tuple(ellipsis_size.get(letter, n) for letter, n in zip(term, shape)))
    if arrow:
        if broadcast and "..." not in output:
            raise _error(subscripts, f"the operands have dimensions {broadcast} under '...' but the "
                         "output has no '...'; add '...' to the output, or name those dimensions "
                         "with letters to sum over them.")
        output = output.replace("...", "".join(fresh))
    else:  # implicit output: the '...' dimensions, then the letters used once, in ASCII order
        letters = "".join(terms).replace("...", "")
        output = "".join(fresh) + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    _check_output(subscripts, spelled, output)
    _check_sizes(subscripts, spelled, targets)
    return spelled, output, targets


def _check_output(subscripts: str, terms: list[str], output: str) -> None:
    for letter in output:
        if output.count(letter) > 1:
            raise _error(subscripts, f"the output repeats index {letter!r}; each output index must "
                         "appear once (a diagonal is taken on the input side, as in 'ii->i').")
        if not any(letter in term for term in terms):
            raise _error(subscripts, f"the output index {letter!r} appears in no operand.")


def _check_sizes(subscripts: str, terms: list[str], shapes: list[tuple[int, ...]]) -> None:
    seen: dict[str, tuple[int, int]] = {}  # letter -> (size, operand that set it)
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        for letter, size in zip(term, shape):
            if letter not in seen:
                seen[letter] = (size, k)
            elif seen[letter][0] != size:
                first_size, first = seen[letter]
                raise _error(subscripts, f"index {letter!r} has size {first_size} in operand {first} "
                             f"but size {size} in operand {k}; an index must have one size wherever "
                             "it appears (transpose or reshape an operand, or use another letter).")


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, as numpy.einsum: multiply the operands element by element along the
    indices their terms name, and sum over every index the output does not keep.

    Subscripts are explicit ('ij,jk->ik') or implicit ('ij,jk': the output is the indices used
    once, in ASCII order); an index repeated in one term takes a diagonal ('ii->i', 'ii->' the
    trace); '...' stands for leading dimensions, broadcast across operands. Gradients of any
    order flow back to every operand.
    """
    like = next((x for x in operands if isinstance(x, Tensor)), None)
    tensors = [lift(x, like) for x in operands]
    terms, output, targets = _parse(subscripts, [t.shape for t in tensors])
    for k, target in enumerate(targets):
        if target != tensors[k].shape:  # numpy broadcasts size-1 '...' dimensions; make it explicit
            tensors[k] = broadcast_to(tensors[k], target)
    return Einsum.apply(*tensors, terms=tuple(terms), output=output)


def tensordot(a: Any, b: Any, axes: Union[int, Sequence] = 2) -> Tensor:
    """Sum of products over paired axes, as numpy.tensordot: `axes=n` pairs the last n axes of a
    with the first n of b; `axes=(axes_a, axes_b)` pairs them one by one. The result has a's
    free axes, then b's. It is the einsum that names the paired axes with shared letters."""
    a, b = lift_pair(a, b)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} must be between 0 and the smaller number of "
                             f"dimensions of the operands, shapes {a.shape} and {b.shape}.")
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        try:
            axes_a, axes_b = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
        except (TypeError, ValueError):
            axes_a = axes_b = [None]
        if not all(isinstance(axis, (int, np.integer)) for axis in axes_a + axes_b):
            raise TypeError(f"tensordot: axes must be an int or a pair of axis lists such as "
                            f"([1, 0], [0, 1]), got {axes!r}.")
    if len(axes_a) != len(axes_b):
        raise ValueError(f"tensordot: axes pairs {len(axes_a)} axes of a with {len(axes_b)} of b; "
                         "give both lists the same length.")
    letters = string.ascii_letters
    term_a = list(letters[:a.ndim])
    term_b = list(letters[a.ndim:a.ndim + b.ndim])
    for axis_a, axis_b in zip(axes_a, axes_b):
        try:
            term_b[axis_b] = term_a[axis_a]
        except IndexError:
            raise ValueError(f"tensordot: axes {axes!r} name an axis out of range for shapes "
                             f"{a.shape} and {b.shape}.") from None
    paired = {term_a[axis] for axis in axes_a}
    output = [c for c in term_a if c not in paired] + [c for c in term_b if c not in paired]
    return einsum("".join(term_a) + "," + "".join(term_b) + "->" + "".join(output), a, b)


def outer(a: Any, b: Any) -> Tensor:
    """out[i, j] = a[i] * b[j]; operands of more than one dimension are flattened first, as in
    numpy.outer. A product that broadcasts a column against a row, so no new gradient rule."""
    a, b = lift_pair(a, b)
    return mul(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def dot(a: Any, b: Any) -> Tensor:
    """numpy.dot: a product by a scalar when either is 0-d, else the sum over a's last axis and
    b's second-to-last (its only axis when 1-D); for 1-D and 2-D operands this is matmul."""
    a, b = lift_pair(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return mul(a, b)
    if b.ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 2]))

