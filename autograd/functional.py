"""Function transforms: `value_and_grad`, and the products and matrices of derivatives that
torch.func and JAX offer: `vjp`, `jvp`, `jacobian`, `hessian`, `hvp`.

`f` takes one tensor or several (pass a tuple: f(*primals)) and returns a tensor or a tuple of
them; results mirror that structure. Arrays and numbers passed in become float leaves. Results
are detached unless `create_graph=True`, which records them so they can be differentiated again.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence, Union

import numpy as np

from autograd.dtypes import get_default_dtype, to_array
from autograd.engine import grad
from autograd.ops import stack
from autograd.tensor import Tensor

Tensors = Union[Tensor, tuple[Tensor, ...]]


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


# ---- products with the Jacobian ----------------------------------------------------------------
def vjp(f: Callable[..., Tensors], primals: Any, cotangents: Any = None,
        create_graph: bool = False) -> tuple[Tensors, Tensors]:
    """(f(primals), vᵀ J): the cotangent v (shaped like f's output) pulled back through the
    Jacobian J of f, one result per primal (reverse mode: one backward pass).

    `cotangents` may be left out when every output has one element (v = 1: the gradient).
    """
    inputs, inputs_tuple = _inputs("vjp", primals, create_graph)
    outputs, outputs_tuple = _outputs("vjp", f(*inputs))
    if cotangents is None:
        if any(out.size != 1 for out in outputs):
            raise ValueError("vjp: f returns more than one number, so pass cotangents= shaped like "
                             f"its output(s) {[out.shape for out in outputs]}.")
        cotangents = tuple(_one(out) for out in outputs)
    else:
        cotangents = _like("vjp", "cotangents", cotangents, outputs, outputs_tuple)
    pulled = _pullback(outputs, inputs, cotangents, create_graph)
    return _result(_kept(outputs, create_graph), outputs_tuple), _result(pulled, inputs_tuple)


def jvp(f: Callable[..., Tensors], primals: Any, tangents: Any,
        create_graph: bool = False) -> tuple[Tensors, Tensors]:
    """(f(primals), J v): the tangent v (shaped like the primals) pushed forward through the
    Jacobian J of f, shaped like f's output, as torch.func.jvp and jax.jvp.

    Computed with two reverse passes: g(u) = Jᵀ u is linear in u, so the vjp of g with v is
    exactly J v (at any u; we take u = 0).
    """
    inputs, inputs_tuple = _inputs("jvp", primals, create_graph)
    tangents = _like("jvp", "tangents", tangents, inputs, inputs_tuple)
    outputs, outputs_tuple = _outputs("jvp", f(*inputs))
    dummies = tuple(Tensor._make(np.zeros(out.shape, out.dtype), True, None) for out in outputs)
    transposed = _pullback(outputs, inputs, dummies, create_graph=True)
    pushed = _pullback(transposed, dummies, tangents, create_graph)
    return _result(_kept(outputs, create_graph), outputs_tuple), _result(pushed, outputs_tuple)


def hvp(f: Callable[..., Tensor], x: Any, v: Any, create_graph: bool = False) -> tuple[Tensor, Tensors]:
    """(f(x), H v) for a scalar f with Hessian H, as torch.autograd.functional.hvp.

    Reverse over reverse: the vjp of the gradient with v, which is H v because H is symmetric.
    """
    inputs, inputs_tuple = _inputs("hvp", x, create_graph)
    directions = _like("hvp", "v", v, inputs, inputs_tuple)
    value = _scalar("hvp", f(*inputs))
    gradient = _pullback((value,), inputs, (_one(value),), create_graph=True)
    products = _pullback(gradient, inputs, directions, create_graph)
    return _kept((value,), create_graph)[0], _result(products, inputs_tuple)


# ---- whole matrices ----------------------------------------------------------------------------
def jacobian(f: Callable[..., Tensors], x: Any, create_graph: bool = False) -> Any:
    """The Jacobian d f(x) / d x, of shape out.shape + x.shape: entry [i..., j...] is
    d out[i...] / d x[j...]. Built one row per output element (one backward pass each).

    With a tuple of inputs the result is a tuple over inputs; with a tuple of outputs, a tuple
    over outputs (of such tuples), as torch.autograd.functional.jacobian.
    """
    inputs, inputs_tuple = _inputs("jacobian", x, create_graph)
    outputs, outputs_tuple = _outputs("jacobian", f(*inputs))
    blocks = [_result(_jacobian_blocks(out, inputs, create_graph), inputs_tuple) for out in outputs]
    return tuple(blocks) if outputs_tuple else blocks[0]


def hessian(f: Callable[..., Tensor], x: Any, create_graph: bool = False) -> Any:
    """The Hessian of a scalar f, of shape x.shape + x.shape: the Jacobian of its gradient.

    With a tuple of inputs, ``result[i][j]`` is d² f / d x_i d x_j, of shape x_i.shape + x_j.shape.
    """
    def gradient(*inputs: Tensor) -> Tensors:
        value = _scalar("hessian", f(*inputs))
        return _result(_pullback((value,), inputs, (_one(value),), create_graph=True),
                       isinstance(x, tuple))

    return jacobian(gradient, x, create_graph)


def _jacobian_blocks(out: Tensor, inputs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """d out / d input for each input: row k is the vjp with the k-th basis vector."""
    rows = []
    for k in range(out.size):
        basis = np.zeros(out.size, out.dtype)
        basis[k] = 1
        basis = Tensor._make(basis.reshape(out.shape), False, None)
        rows.append(_pullback((out,), inputs, (basis,), create_graph))
    blocks = []
    for i, x in enumerate(inputs):
        shape = out.shape + x.shape
        if rows:
            blocks.append(stack([row[i] for row in rows]).reshape(shape))
        else:  # an empty output has an empty Jacobian
            blocks.append(Tensor._make(np.zeros(shape, x.dtype), False, None))
    return tuple(blocks)


# ---- shared steps ------------------------------------------------------------------------------
def _pullback(outputs: Sequence[Tensor], inputs: Sequence[Tensor], cotangents: Sequence[Tensor],
              create_graph: bool) -> tuple[Tensor, ...]:
    """Σ_k cotangent_kᵀ d output_k / d input for each input; zeros where nothing connects them.
    The graph is kept: the Jacobian walks it once per row."""
    live = [(out, v) for out, v in zip(outputs, cotangents) if out.requires_grad]
    grads = [None] * len(inputs)
    if live:
        grads = grad([out for out, _ in live], list(inputs), grad_outputs=[v for _, v in live],
                     retain_graph=True, create_graph=create_graph, allow_unused=True)
    return tuple(Tensor._make(np.zeros(x.shape, x.dtype), False, None) if g is None else g
                 for g, x in zip(grads, inputs))


def _inputs(op: str, primals: Any, create_graph: bool) -> tuple[tuple[Tensor, ...], bool]:
    """Fresh leaves to differentiate with respect to, and whether a tuple was given. Under
    `create_graph` a tensor that requires grad is used as is, so results reach back to it."""
    given_tuple = isinstance(primals, tuple)  # a list is data (one input), as in torch.func
    leaves = []
    for x in (primals if given_tuple else (primals,)):
        if isinstance(x, Tensor):
            if x.dtype.kind != "f":
                raise TypeError(f"{op}: the inputs must be float tensors to be differentiated, got one "
                                f"of dtype {x.dtype}; convert it with .astype('float32').")
            leaves.append(x if create_graph and x.requires_grad else x.detach().requires_grad_())
        else:
            array = to_array(x)
            if array.dtype.kind != "f":
                array = array.astype(get_default_dtype())
            leaves.append(Tensor._make(array, True, None))
    return tuple(leaves), given_tuple


def _outputs(op: str, out: Any) -> tuple[tuple[Tensor, ...], bool]:
    given_tuple = isinstance(out, (tuple, list))
    outputs = tuple(out) if given_tuple else (out,)
    if not all(isinstance(o, Tensor) for o in outputs):
        raise TypeError(f"{op} needs f to return a Tensor or a tuple of Tensors, got "
                        f"{type(out).__name__}; build the result with autograd ops.")
    return outputs, given_tuple


def _scalar(op: str, value: Any) -> Tensor:
    if not isinstance(value, Tensor) or value.size != 1:
        raise TypeError(f"{op} needs f to return a single-number Tensor, got {type(value).__name__} of "
                        f"shape {getattr(value, 'shape', None)}; reduce it, e.g. with .sum().")
    return value


def _one(value: Tensor) -> Tensor:
    return Tensor._make(np.ones(value.shape, value.dtype), False, None)


def _like(op: str, name: str, values: Any, references: tuple[Tensor, ...],
          as_tuple: bool) -> tuple[Tensor, ...]:
    """`values` (one per reference, a tuple when the references came as one) as Tensors of the
    references' shapes and dtypes."""
    items = values if as_tuple else (values,)
    if as_tuple and (not isinstance(values, (tuple, list)) or len(values) != len(references)):
        raise ValueError(f"{op}: {name} must be a tuple of {len(references)} tensors, one per "
                         f"{'output' if name == 'cotangents' else 'input'}.")
    converted = []
    for k, (value, reference) in enumerate(zip(items, references)):
        data = value.data if isinstance(value, Tensor) else np.asarray(value)
        if data.shape != reference.shape:
            raise ValueError(f"{op}: {name}[{k}] has shape {data.shape} but must have shape "
                             f"{reference.shape}, the shape of the "
                             f"{'output' if name == 'cotangents' else 'input'} it goes with.")
        converted.append(value if isinstance(value, Tensor) and value.dtype == reference.dtype
                         else Tensor._make(data.astype(reference.dtype), False, None))
    return tuple(converted)


def _kept(tensors: Sequence[Tensor], create_graph: bool) -> tuple[Tensor, ...]:
    return tuple(tensors) if create_graph else tuple(t.detach() for t in tensors)


def _result(tensors: Sequence[Tensor], as_tuple: bool) -> Tensors:
    return tuple(tensors) if as_tuple else tensors[0]
