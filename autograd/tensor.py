"""`Tensor`: a numpy array that remembers the op that made it, so gradients can flow back."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from autograd.dtypes import to_array

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence]


class Tensor:
    """An n-d array with an optional gradient.

    Args:
        data: array-like. Python floats, lists and float64 arrays become the default dtype
            (float32) unless `dtype` asks otherwise; integer data stays integer.
        requires_grad: record ops on this tensor so ``backward()`` fills its ``.grad``.
        dtype: the numpy dtype to store.
        name: a label for error messages and graph pictures.

    Example:
        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        Tensor([2., 4.], dtype=float32)
    """

    # `_version` counts this tensor's in-place changes; `_changed_at` is the in-place clock's
    # tick of the latest one (see autograd/inplace.py). `.data` and `.grad` are checked properties.
    __slots__ = ("_data", "_grad", "requires_grad", "name", "grad_fn", "_retains_grad", "_version",
                 "_changed_at", "__weakref__")
    __array_priority__ = 1000  # so ndarray <op> Tensor defers to Tensor's reflected operators

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None,
                 name: Optional[str] = None) -> None:
        if isinstance(data, Tensor):
            data = data._data
        self._data = to_array(data, dtype)
        self._grad: Optional[Tensor] = None
        self.grad_fn = None  # the Function that made this tensor; None for a leaf
        self.name = name
        self._retains_grad = False
        self._version = 0
        self._changed_at = 0
        self.requires_grad = False
        if requires_grad is not False:
            self.requires_grad_(requires_grad)

    @staticmethod
    def _make(data: np.ndarray, requires_grad: bool, grad_fn: Any) -> "Tensor":
        """Wrap an op's result without any conversion (the ops' fast path)."""
        t = object.__new__(Tensor)
        t._data = data
        t._grad = None
        t.requires_grad = requires_grad
        t.grad_fn = grad_fn
        t.name = None
        t._retains_grad = False
        t._version = 0
        t._changed_at = 0
        return t

    # ---- attributes -------------------------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        """The values as a numpy array, shared (not copied).

        Assigning replaces the values in place, as an update that autograd does not record:
        ``t.data = array`` (same shape, a dtype that casts to t's) or ``t.data -= lr * t.grad``.
        Both bump the version counter, so a graph that used the old values refuses to backward.
        Writing into the array itself (``t.data[0] = 1``) is not seen by the version counter.
        """
        return self._data

    @data.setter
    def data(self, values: ArrayLike) -> None:
        _inplace.assign_data(self, values)

    @property
    def version(self) -> int:
        """How many times this tensor was changed in place (read-only)."""
        return self._version

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def grad(self) -> Optional["Tensor"]:
        """d(loss)/d(this tensor), filled by backward (None before, or after zero_grad)."""
        return self._grad

    @grad.setter
    def grad(self, value: Optional["Tensor"]) -> None:
        """Set by hand, a gradient must be a Tensor of this tensor's shape (or None), as in PyTorch."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"a tensor's .grad must be a Tensor of its shape {self.shape} or None, but was "
                                f"given {type(value).__name__}; wrap an array first: t.grad = Tensor(array).")
            if value.shape != self.shape:
                raise ValueError(f"a tensor's .grad must have its shape {self.shape}, but was given one of shape "
                                 f"{value.shape}.")
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def T(self) -> "Tensor":
        return _ops.transpose(self)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Turn gradient tracking on or off for this leaf, in place."""
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad takes True or False, got {requires_grad!r}.")
        if requires_grad and self._data.dtype.kind not in "fc":
            raise TypeError(
                f"only float tensors can require gradients, but this tensor has dtype "
                f"{self._data.dtype}; make it float first, e.g. Tensor(data, dtype='float32', "
                f"requires_grad=True). Integer tensors are for indices and labels.")
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("requires_grad can only be switched off on a leaf; use .detach() instead.")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() needs a tensor that requires grad; compute it from tensors "
                               "created with requires_grad=True.")
        self._retains_grad = True

    def item(self) -> Union[float, int, bool]:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, but this one has shape {self.shape}; "
                             f"reduce it first (e.g. .sum()) or index one element.")
        return self._data.item()

    def tolist(self) -> Union[list, float, int, bool]:
        """The values as (nested) Python lists of numbers."""
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied, as torch); refused while it requires grad."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy() on a tensor that requires grad: the array would leave the graph without "
                "a word. Use tensor.detach().numpy() instead (or .data to read the values).")
        return self._data

    def detach(self) -> "Tensor":
        """The same data (shared memory) as a new leaf that records nothing."""
        return Tensor._make(self._data, False, None)

    def clone(self) -> "Tensor":
        """A copy with its own memory; recorded, so gradients flow back to this tensor."""
        return _ops.clone(self)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self._grad = None

    def backward(self, grad: Optional[ArrayLike] = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` by the chain rule.

        `grad` is d(loss)/d(self); it may be left out only when self has one element.
        """
        _engine.backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="Tensor(")
        extras = [f"dtype={self._data.dtype}"]
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn.name}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"Tensor({body}, {', '.join(extras)})"

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it holds one number, read it with .item().")
        return len(self._data)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self._data.size} elements is ambiguous; "
                "use .any() or .all(), or compare a single element.")
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only one-element integer tensors can be used as an index.")
        return int(self._data)

    __hash__ = object.__hash__

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __array__(self, dtype=None, copy=None):
        """numpy's view of the tensor, honouring numpy 2's `copy`: ``np.array(t)`` copies;
        ``np.asarray(t)`` shares memory (writes into it bypass the version counter)."""
        return np.array(self._data, dtype=dtype, copy=copy)

    # numpy functions on Tensors run autograd's ops, so they are recorded (see numpy_dispatch)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _numpy_dispatch.apply_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _numpy_dispatch.apply_function(func, args, kwargs)

    # ---- operators (the ops live in autograd/ops) ----------------------------------------------
    def __add__(self, other): return _ops.add(self, other)
    def __radd__(self, other): return _ops.add(other, self)
    def __sub__(self, other): return _ops.sub(self, other)
    def __rsub__(self, other): return _ops.sub(other, self)
    def __mul__(self, other): return _ops.mul(self, other)
    def __rmul__(self, other): return _ops.mul(other, self)
    def __truediv__(self, other): return _ops.div(self, other)
    def __rtruediv__(self, other): return _ops.div(other, self)
    def __pow__(self, other): return _ops.power(self, other)
    def __rpow__(self, other): return _ops.power(other, self)
    def __matmul__(self, other): return _ops.matmul(self, other)
    def __rmatmul__(self, other): return _ops.matmul(other, self)
    def __neg__(self): return _ops.neg(self)
    def __pos__(self): return self
    def __abs__(self): return _ops.abs(self)
    def __getitem__(self, index): return _ops.getitem(self, index)

    def __setitem__(self, index, value):
        """Write `value` at `index` in place; not recorded, so on a tensor that requires grad
        only under no_grad() (autograd.index_put is the recorded, out-of-place write)."""
        _ops.indexing.setitem(self, index, value)

    # In place (autograd/inplace.py): the same object keeps its requires_grad; refused on a
    # tensor that requires grad while autograd records (outside no_grad()).
    def __iadd__(self, other): return _inplace.add_(self, other, how="'+='")
    def __isub__(self, other): return _inplace.sub_(self, other, how="'-='")
    def __imul__(self, other): return _inplace.mul_(self, other, how="'*='")
    def __itruediv__(self, other): return _inplace.div_(self, other, how="'/='")
    def add_(self, other, alpha=1): return _inplace.add_(self, other, alpha)
    def sub_(self, other, alpha=1): return _inplace.sub_(self, other, alpha)
    def mul_(self, other): return _inplace.mul_(self, other)
    def div_(self, other): return _inplace.div_(self, other)
    def clamp_(self, min=None, max=None): return _inplace.clamp_(self, min, max)
    def zero_(self): return _inplace.fill_(self, 0, how="zero_")
    def fill_(self, value): return _inplace.fill_(self, value)
    def copy_(self, src): return _inplace.copy_(self, src)
    def uniform_(self, a=0.0, b=1.0): return _inplace.uniform_(self, a, b)
    def normal_(self, mean=0.0, std=1.0): return _inplace.normal_(self, mean, std)

    # Comparisons give tensors that record nothing (their gradient is zero almost everywhere).
    def __lt__(self, other): return _compare(np.less, self, other)
    def __le__(self, other): return _compare(np.less_equal, self, other)
    def __gt__(self, other): return _compare(np.greater, self, other)
    def __ge__(self, other): return _compare(np.greater_equal, self, other)
    def __eq__(self, other): return _compare(np.equal, self, other)
    def __ne__(self, other): return _compare(np.not_equal, self, other)

    # ---- methods mirroring numpy ---------------------------------------------------------------
    def exp(self): return _ops.exp(self)
    def pow(self, exponent): return _ops.power(self, exponent)
    def log(self): return _ops.log(self)
    def sqrt(self): return _ops.sqrt(self)
    def abs(self): return _ops.abs(self)
    def tanh(self): return _ops.tanh(self)
    def sigmoid(self): return _ops.sigmoid(self)
    def relu(self): return _ops.relu(self)
    def clip(self, min=None, max=None): return _ops.clip(self, min, max)
    def sin(self): return _ops.sin(self)
    def cos(self): return _ops.cos(self)
    def tan(self): return _ops.tan(self)
    def arcsin(self): return _ops.arcsin(self)
    def arccos(self): return _ops.arccos(self)
    def arctan(self): return _ops.arctan(self)
    def sinh(self): return _ops.sinh(self)
    def cosh(self): return _ops.cosh(self)
    def log1p(self): return _ops.log1p(self)
    def expm1(self): return _ops.expm1(self)
    def log2(self): return _ops.log2(self)
    def log10(self): return _ops.log10(self)
    def erf(self): return _ops.erf(self)
    def square(self): return _ops.square(self)
    def reciprocal(self): return _ops.reciprocal(self)
    def sign(self): return _ops.sign(self)
    # Reductions take numpy's axis/keepdims or PyTorch's dim/keepdim (see autograd/ops/reduce.py).
    def sum(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.sum(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def mean(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.mean(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def max(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.max(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def min(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.min(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def prod(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.prod(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def var(self, axis=None, keepdims=None, *, ddof=0, dim=None, keepdim=None):
        return _ops.var(self, axis, keepdims, ddof=ddof, dim=dim, keepdim=keepdim)
    def std(self, axis=None, keepdims=None, *, ddof=0, dim=None, keepdim=None):
        return _ops.std(self, axis, keepdims, ddof=ddof, dim=dim, keepdim=keepdim)
    def norm(self, ord=None, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.norm(self, ord, axis, keepdims, dim=dim, keepdim=keepdim)
    def logsumexp(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def cumsum(self, axis=None, *, dim=None): return _ops.cumsum(self, axis, dim=dim)
    def argmax(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def argmin(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def any(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.any(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def all(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return _ops.all(self, axis, keepdims, dim=dim, keepdim=keepdim)
    def softmax(self, axis=-1): return _ops.softmax(self, axis)
    def log_softmax(self, axis=-1): return _ops.log_softmax(self, axis)
    def reshape(self, *shape): return _ops.reshape(self, shape[0] if len(shape) == 1 else shape)
    def transpose(self, *axes): return _ops.transpose(self, axes[0] if len(axes) == 1 else (axes or None))
    def permute(self, *dims): return _ops.permute(self, *dims)
    def swapaxes(self, axis1, axis2): return _ops.swapaxes(self, axis1, axis2)
    def squeeze(self, axis=None): return _ops.squeeze(self, axis)
    def expand_dims(self, axis): return _ops.expand_dims(self, axis)
    def unsqueeze(self, dim): return _ops.unsqueeze(self, dim)
    def broadcast_to(self, shape): return _ops.broadcast_to(self, shape)
    def flatten(self, start_dim=0, end_dim=-1): return _ops.flatten(self, start_dim, end_dim)
    def flip(self, axis=None): return _ops.flip(self, axis)
    def roll(self, shift, axis=None): return _ops.roll(self, shift, axis)
    def repeat(self, repeats, axis=None): return _ops.repeat(self, repeats, axis)  # numpy's, not torch's
    def tile(self, *reps): return _ops.tile(self, reps[0] if len(reps) == 1 else reps)
    def split(self, indices_or_sections, axis=0): return _ops.split(self, indices_or_sections, axis)
    def chunk(self, chunks, dim=0): return _ops.chunk(self, chunks, dim)
    def gather(self, dim, index): return _ops.gather(self, dim, index)
    def index_select(self, dim, index): return _ops.index_select(self, dim, index)
    def tril(self, diagonal=0): return _ops.tril(self, diagonal)
    def triu(self, diagonal=0): return _ops.triu(self, diagonal)
    def matmul(self, other): return _ops.matmul(self, other)
    def outer(self, other): return _ops.outer(self, other)
    def inverse(self): return _ops.inv(self)
    def det(self): return _ops.det(self)
    def astype(self, dtype): return _ops.astype(self, dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares `array`'s memory (no copy, no dtype change), like torch.from_numpy."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy array, got {type(array).__name__}; use Tensor(data).")
    if array.dtype.kind not in "biufc":
        raise TypeError(f"from_numpy expects an array of numbers, got dtype {array.dtype}; a tensor holds numbers.")
    return Tensor._make(array, False, None)


def _compare(ufunc, a: Any, b: Any) -> Tensor:
    a_data = a._data if isinstance(a, Tensor) else a
    b_data = b._data if isinstance(b, Tensor) else b
    return Tensor._make(ufunc(a_data, b_data), False, None)


# The ops and the engine import Tensor, so they come last.
from autograd import engine as _engine  # noqa: E402
from autograd import inplace as _inplace  # noqa: E402
from autograd import numpy_dispatch as _numpy_dispatch  # noqa: E402
from autograd import ops as _ops  # noqa: E402
