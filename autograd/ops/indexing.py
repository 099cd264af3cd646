"""Indexing: read and write elements by position (getitem, gather, index_put, ...) and masks.

Reading copies elements out, so its gradient is scattered back to where they came from, and an
element read twice gets both gradients added (`scatter_add`). Writing out of place (`index_put`,
`scatter`) sends the gradient of each written position to the value written there, and the rest
to the tensor written into. `t[index] = value` writes in place and is not recorded.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from autograd._state import state
from autograd.dtypes import get_default_dtype
from autograd.function import Function
from autograd.inplace import mark_changed
from autograd.ops._common import lift, namespace, unbroadcast
from autograd.ops.elementwise import where
from autograd.ops.shape import axis_index, reshape
from autograd.tensor import Tensor


def _is_basic(index: tuple) -> bool:
    """True when the index has only ints, slices, None and Ellipsis, so no element repeats."""
    return all(isinstance(i, (int, np.integer, slice, type(None), type(Ellipsis))) for i in index)


def _is_mask(index: tuple) -> bool:
    return len(index) == 1 and getattr(index[0], "dtype", None) == bool


def scatter_add(values: np.ndarray, shape: tuple[int, ...], index: tuple) -> np.ndarray:
    """zeros(shape) with `values` added at `index`; repeated indices add up."""
    result = np.zeros(shape, dtype=values.dtype)
    if _is_basic(index) or _is_mask(index):
        result[index] = values
    else:
        np.add.at(result, index, values)
    return result


class GetItem(Function):
    """a[index]; the gradient is scattered back, repeated indices adding up."""

    name = "getitem"
    symbol = "[]"
    derivatives = ("grad placed back at the indexed positions, 0 elsewhere",)

    def __init__(self, index: tuple) -> None:
        self.index = index

    def forward(self, a):
        return a[self.index]

    def backward(self, grad, out):
        shape = self.parents[0].shape
        if isinstance(grad, Tensor):
            return (ScatterAdd.apply(grad, shape=shape, index=self.index),)
        return (scatter_add(np.asarray(grad), shape, self.index),)


class ScatterAdd(Function):
    """zeros(shape) with `grad` added at `index` (the backward of indexing)."""

    name = "scatter_add"
    derivatives = ("grad read back at the indexed positions",)

    def __init__(self, shape: tuple[int, ...], index: tuple) -> None:
        self.shape, self.index = shape, index

    def forward(self, grad):
        return scatter_add(grad, self.shape, self.index)

    def backward(self, grad, out):
        return (grad[self.index],)


class IndexPut(Function):
    """A copy of `a` with `values` written at `index` (added there when `accumulate`).

    d out/d a is 1 where `a` was kept (everywhere when accumulating) and 0 where it was
    overwritten; d out/d values is 1 at the written positions, broadcast copies adding up.
    """

    name = "index_put"
    derivatives = ("1 where {0} is kept, 0 where it is overwritten", "1 at the written positions")

    def __init__(self, index: tuple, accumulate: bool, shape: tuple[int, ...]) -> None:
        self.index, self.accumulate = index, accumulate
        self.shape = shape  # of a[index]

    def forward(self, a, values):
        out = a.copy()
        if self.accumulate:
            # broadcast by hand: numpy 2.4's add.at reads garbage when it broadcasts the values
            # against an index of more dimensions (np.add.at(x, [[1, 2], [1, 0]], [1., 10.]))
            np.add.at(out, self.index, np.broadcast_to(values, self.shape))
        else:
            out[self.index] = values
        return out

    def backward(self, grad, out):
        a, values = self.parents
        need_a, need_values = self.needs_input_grad
        grad_a = grad_values = None
        if need_a:
            grad_a = grad if self.accumulate else namespace(grad).where(self.written(a.shape), 0.0, grad)
        if need_values:
            grad_values = unbroadcast(grad[self.index], values.shape)
        return grad_a, grad_values

    def written(self, shape: tuple[int, ...]) -> np.ndarray:
        """True at the positions `index` writes."""
        mask = np.zeros(shape, dtype=bool)
        mask[self.index] = True
        return mask


def _normalize_index(index: Any) -> tuple:
    index = index if isinstance(index, tuple) else (index,)
    return tuple(i.data if isinstance(i, Tensor) else np.asarray(i) if isinstance(i, list) else i
                 for i in index)


def _integer_indices(op: str, index: Any) -> np.ndarray:
    """`index` (a Tensor, array or list) as an integer array, or an error naming `op`."""
    indices = np.asarray(index.data if isinstance(index, Tensor) else index)
    if indices.dtype.kind not in "iu":
        if indices.size == 0:  # an empty list arrives as float64
            return indices.astype(np.intp)
        raise TypeError(f"{op}: the index must hold integers, but it has dtype {indices.dtype}; "
                        "convert it with .astype('int64').")
    return indices


def _check_bounds(op: str, indices: np.ndarray, size: int, indexed: str, negative_ok: bool) -> None:
    """Every index picks one of `size` positions (counting from the end too when `negative_ok`);
    `indexed` says what they index, for the error."""
    low = -size if negative_ok else 0
    outside = (indices < low) | (indices >= size)
    if outside.any():
        valid = f"{low} to {size - 1}" if size else "none, it is empty"
        raise IndexError(f"{op}: index {indices[outside].flat[0]} is out of range for {indexed} "
                         f"(valid: {valid}).")


def _check_fits(op: str, index: np.ndarray, dim: int, shape: tuple[int, ...], name: str,
                along_dim_too: bool = False) -> None:
    """PyTorch's rule for gather and scatter: `index` has the dimensions of `shape` and is no
    longer in any of them (along `dim` too when `along_dim_too`)."""
    if index.ndim != len(shape) or any(
            i > n for d, (i, n) in enumerate(zip(index.shape, shape)) if along_dim_too or d != dim):
        where_ = "in every dimension" if along_dim_too else f"in every dimension except dim={dim}"
        raise ValueError(f"{op}: index of shape {index.shape} does not fit {name} of shape {shape}; it "
                         f"needs the same number of dimensions and may be no larger {where_}.")


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _dimension(x: Tensor, axis: int) -> str:
    return f"dimension {axis} of size {x.shape[axis]}"


def _positions_along(indices: np.ndarray, axis: int, sizes: tuple[int, ...]) -> tuple:
    """Integer arrays for advanced indexing that pick, at each position p of `indices`, the
    element at coordinate indices[p] on `axis` and p's own coordinates on the other axes
    (those aranges of `sizes` broadcast against `indices`)."""
    trailing = indices.ndim - 1
    return tuple(indices if d == axis else np.arange(n).reshape((-1,) + (1,) * (trailing - d))
                 for d, n in enumerate(sizes))


def getitem(a: Tensor, index: Any) -> Tensor:
    """a[index] with numpy's rules: ints, slices, None, Ellipsis, boolean masks, integer arrays."""
    try:
        return GetItem.apply(a, index=_normalize_index(index))
    except IndexError as error:
        raise IndexError(f"t[{index!r}] on a tensor of shape {a.shape}: {error}. An axis of length n takes "
                         f"integers from -n to n - 1, slices, None, ..., or integer or boolean arrays.") from None


def take_along_axis(x: Tensor, indices: Any, axis: Optional[int] = -1) -> Tensor:
    """numpy's take_along_axis: out[..., p, ...] = x[..., indices[..., p, ...], ...] along `axis`.

    `indices` has x's number of dimensions; its other dimensions broadcast against x's. Negative
    indices count from the end. With axis=None, x is flattened and `indices` is 1-D. The
    gradient of an element picked several times is the sum of its picks' gradients.
    """
    x = lift(x)
    indices = _integer_indices("take_along_axis", indices)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = axis_index("take_along_axis", axis, x.ndim)
    if indices.ndim != x.ndim:
        raise ValueError(f"take_along_axis: indices have {indices.ndim} dimensions but x has {x.ndim} "
                         f"(shape {x.shape}); give indices the same number of dimensions, e.g. with "
                         "expand_dims or keepdims=True on the argmax that made them.")
    _check_bounds("take_along_axis", indices, x.shape[axis], _dimension(x, axis), negative_ok=True)
    return getitem(x, _positions_along(indices, axis, x.shape))


def gather(x: Tensor, dim: int, index: Any) -> Tensor:
    """PyTorch's gather: ``out[i][j] = x[index[i][j]][j]`` for dim=0 (``x[i][index[i][j]]`` for dim=1).

    The result has index's shape; index has x's number of dimensions and, except along `dim`,
    no dimension longer than x's (no broadcasting, unlike take_along_axis). Indices lie in
    0 .. x.shape[dim] - 1. Repeated indices add their gradients up.
    """
    x = lift(x)
    index = _integer_indices("gather", index)
    dim = axis_index("gather", dim, x.ndim)
    _check_fits("gather", index, dim, x.shape, "x")
    _check_bounds("gather", index, x.shape[dim], _dimension(x, dim), negative_ok=False)
    return getitem(x, _positions_along(index, dim, index.shape))


def index_select(x: Tensor, dim: int, index: Any) -> Tensor:
    """PyTorch's index_select: the slices of x at positions `index` (1-D) along `dim`.

    The result has x's shape with dimension `dim` replaced by len(index). Repeated indices add
    their gradients up.
    """
    x = lift(x)
    index = _integer_indices("index_select", index)
    dim = axis_index("index_select", dim, x.ndim)
    if index.ndim > 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {index.shape}; use gather or "
                         "take_along_axis to pick a different position for each row.")
    _check_bounds("index_select", index, x.shape[dim], _dimension(x, dim), negative_ok=False)
    return getitem(x, (slice(None),) * dim + (index.reshape(-1),))


def index_put(x: Tensor, index: Any, values: Any, accumulate: bool = False) -> Tensor:
    """A copy of x with `values` written at x[index] (numpy's indexing rules); out of place.

    `values` broadcasts to the shape of x[index]. With accumulate=True the values are added
    instead, repeated positions adding up; without it a position written twice is an error,
    since which write wins (and so which value gets the gradient) would be arbitrary.
    Gradients flow to x at the positions left untouched and to `values` from the positions
    written. To write in place without recording, use ``x[index] = values`` under no_grad().
    """
    x = lift(x)
    index = _normalize_index(index)
    values = lift(values, x)
    target = np.empty(x.shape, dtype=bool)[index].shape
    if not _broadcasts_to(values.shape, target):
        raise ValueError(f"index_put: values of shape {values.shape} cannot be written into x[index], "
                         f"which has shape {target}; give values that shape, or one that broadcasts to it.")
    if not accumulate and not (_is_basic(index) or _is_mask(index)):
        counts = np.zeros(x.shape, dtype=np.intp)
        np.add.at(counts, index, 1)
        if counts.max(initial=0) > 1:
            position = np.unravel_index(np.argmax(counts), x.shape)
            raise ValueError(f"index_put: the index writes position {tuple(int(p) for p in position)} "
                             "more than once, so which value lands there is arbitrary; pass "
                             "accumulate=True to add the values up, or remove the repeats.")
    return IndexPut.apply(x, values, index=index, accumulate=bool(accumulate), shape=target)


def scatter(x: Tensor, dim: int, index: Any, src: Any, reduce: Optional[str] = None) -> Tensor:
    """PyTorch's scatter, out of place: a copy of x with ``out[index[i][j]][j] = src[i][j]`` (dim=0).

    `index` has x's number of dimensions, is no larger than `src` in any dimension and no larger
    than x except along `dim`; only src[:index.shape[0], :index.shape[1], ...] is used. `src`
    may be a number. reduce="add" adds the values instead (repeated positions adding up);
    otherwise a position written twice is an error. The inverse of `gather`.
    """
    if reduce not in (None, "add"):
        raise ValueError(f"scatter: reduce must be None or 'add', got {reduce!r}.")
    x = lift(x)
    index = _integer_indices("scatter", index)
    dim = axis_index("scatter", dim, x.ndim)
    _check_fits("scatter", index, dim, x.shape, "x")
    _check_bounds("scatter", index, x.shape[dim], _dimension(x, dim), negative_ok=False)
    if isinstance(src, (Tensor, np.ndarray, list)):
        src = lift(src, x)
        _check_fits("scatter", index, dim, src.shape, "src", along_dim_too=True)
        src = getitem(src, tuple(slice(0, n) for n in index.shape))
    return index_put(x, _positions_along(index, dim, index.shape), src, accumulate=reduce == "add")


def one_hot(indices: Any, num_classes: Optional[int] = None) -> Tensor:
    """out[..., c] = 1.0 where indices[...] == c, else 0.0: shape indices.shape + (num_classes,).

    Takes integer class indices and gives a float tensor of the default dtype that records no
    gradient (integers have none). num_classes=None (or -1, PyTorch's default) uses
    max(indices) + 1.
    """
    indices = _integer_indices("one_hot", indices)
    if num_classes is None or num_classes == -1:
        if indices.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty indices; pass num_classes.")
        num_classes = int(indices.max()) + 1
    if num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be 0 or more (or -1 to infer it), got {num_classes}.")
    _check_bounds("one_hot", indices, num_classes, f"num_classes={num_classes}", negative_ok=False)
    encoded = indices[..., None] == np.arange(num_classes)
    return Tensor._make(encoded.astype(get_default_dtype()), False, None)


def tril(a: Tensor, k: int = 0) -> Tensor:
    """The lower triangle: a[..., i, j] where j - i <= k, else 0 (k > 0 keeps diagonals above).

    Works on the last two axes of a batch of matrices; PyTorch calls `k` diagonal.
    """
    return _keep_triangle(a, np.tri(*_matrix_shape("tril", a), k=k, dtype=bool))


def triu(a: Tensor, k: int = 0) -> Tensor:
    """The upper triangle: a[..., i, j] where j - i >= k, else 0 (k < 0 keeps diagonals below).

    Works on the last two axes of a batch of matrices; PyTorch calls `k` diagonal.
    """
    return _keep_triangle(a, ~np.tri(*_matrix_shape("triu", a), k=k - 1, dtype=bool))


def _matrix_shape(op: str, a: Any) -> tuple[int, int]:
    shape = np.shape(a.data if isinstance(a, Tensor) else a)
    if len(shape) < 2:
        raise ValueError(f"{op} needs a matrix (or a batch of them), but got shape {shape}; "
                         "reshape a vector into a row or a column first.")
    return shape[-2], shape[-1]


def _keep_triangle(a: Any, keep: np.ndarray) -> Tensor:
    """a where `keep`, else 0: `where`, not a product with the mask, so inf and nan outside
    the triangle become 0 as well."""
    a = lift(a)
    return where(keep, a, np.zeros((), dtype=a.dtype))


def setitem(t: Tensor, index: Any, value: Any) -> None:
    """t[index] = value in place, with numpy's indexing rules; not recorded in the graph.

    A tensor that requires grad may be written only under no_grad() (to initialise or update
    weights), since the graph would not know its values changed; the recorded, out-of-place
    ways are `index_put` and `scatter`.
    """
    if state.grad_enabled:
        if t.requires_grad:
            raise RuntimeError(
                f"t[index] = value would modify {_described(t)} in place, but it requires grad and "
                "in-place writes are not recorded. Write under `with autograd.no_grad():` (to set or "
                "update weights), or use the recorded, out-of-place t = autograd.index_put(t, index, "
                "value) or autograd.scatter(t, dim, index, src).")
        if isinstance(value, Tensor) and value.requires_grad:
            raise RuntimeError(
                f"t[index] = value would copy a value that requires grad into {_described(t)} in "
                "place, and its gradient would be lost; use the recorded t = autograd.index_put(t, "
                "index, value) instead, or value.detach() if no gradient should flow.")
    if not t.data.flags.writeable:
        raise ValueError(f"t[index] = value: {_described(t)} is read-only (a broadcast view or a shared "
                         "constant); write into a copy, autograd.Tensor(t.data.copy()), instead.")
    t.data[_normalize_index(index)] = value.data if isinstance(value, Tensor) else value
    mark_changed(t)  # nodes that saved t see the change before their backward


def _described(t: Tensor) -> str:
    return f"tensor {t.name!r}" if t.name else f"a tensor of shape {t.shape}"
