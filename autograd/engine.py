"""The backward pass: walk the graph in reverse topological order and apply the chain rule.

The engine knows no op: it asks each node's Function for the gradients of its inputs.
"""
from __future__ import annotations

import contextlib
import gc
import sys
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import numpy as np

from autograd._state import inplace_clock, state
from autograd.anomaly import check_backward
from autograd.grad_mode import set_grad_enabled
from autograd.inplace import check_saved_tensors
from autograd.tensor import Tensor

FREED_GRAPH_MESSAGE = (
    "Trying to backward through the graph a second time: the buffers saved for backward were "
    "released by the first backward(). Pass retain_graph=True to the first backward() (or "
    "autograd.grad) if you need to go through this graph again, or recompute the forward pass.")


def count_users(roots: Sequence[Tensor]) -> dict[Tensor, int]:
    """For every tensor the roots depend on (that requires grad): how many edges use it.

    Iterative, so graphs of any depth work; a node freed by an earlier backward is an error.
    Tensors are keys by identity (`Tensor.__hash__` is `object.__hash__`).
    """
    users: dict[Tensor, int] = {}
    stack = list(roots)
    while stack:
        t = stack.pop()
        if t in users:
            users[t] += 1
            continue
        users[t] = 1
        fn = t.grad_fn
        if fn is not None:
            if fn.freed:
                raise RuntimeError(FREED_GRAPH_MESSAGE)
            for parent in fn.parents:
                if parent.requires_grad:
                    stack.append(parent)
    return users


def _ready_roots(roots: Sequence[Tensor], users: dict[Tensor, int]) -> list[Tensor]:
    """The roots no other root uses: where the walk starts (each root counts one virtual user)."""
    ready = []
    for root in roots:
        users[root] -= 1
        if users[root] == 0:
            ready.append(root)
    return ready


def topological_order(roots: Iterable[Tensor]) -> list[Tensor]:
    """Every tensor the roots depend on that requires grad, each listed after all its users.

    A tensor is emitted once every tensor that uses it has been emitted (Kahn's algorithm).
    """
    roots = list(roots)
    users = count_users(roots)
    order: list[Tensor] = []
    ready = _ready_roots(roots, users)
    while ready:
        t = ready.pop()
        order.append(t)
        fn = t.grad_fn
        if fn is not None:
            for parent in fn.parents:
                if parent.requires_grad:
                    users[parent] -= 1
                    if users[parent] == 0:
                        ready.append(parent)
    return order


def _root_gradient(root: Tensor, grad: Any) -> Tensor:
    if not root.requires_grad:
        raise RuntimeError(
            "backward() was called on a tensor that does not require grad: none of the tensors it "
            "was computed from has requires_grad=True, or it was computed under no_grad(). Create "
            "the tensors you want gradients for with requires_grad=True.")
    if grad is None:
        if root.size != 1:
            raise RuntimeError(
                f"backward() on a tensor of shape {root.shape} needs grad=...: only a single number "
                "(a loss) has an implied gradient of 1. Reduce it first, e.g. y.sum() or y.mean(), "
                "or pass grad= with the same shape as the tensor.")
        return Tensor._make(np.array(1, dtype=root.dtype).reshape(root.shape), False, None)
    grad = grad if isinstance(grad, Tensor) else Tensor(grad, dtype=root.dtype)
    if grad.shape != root.shape:
        raise ValueError(f"backward(): grad has shape {grad.shape} but the tensor has shape "
                         f"{root.shape}; they must be equal.")
    return grad


# on_node(tensor, grad, parent_grads): called once per tensor the walk reaches, in the walk's
# order, with dL/d(tensor) (None if no gradient reached it) and what its op sent to each input.
NodeHook = Callable[[Tensor, Any, tuple], None]


def run_backward(roots: Sequence[Tensor], root_grads: Sequence[Any], retain_graph: bool,
                 create_graph: bool, inputs: Optional[Sequence[Tensor]] = None,
                 on_node: Optional[NodeHook] = None) -> dict[Tensor, Any]:
    """Propagate gradients from `roots` through the graph.

    With `inputs`, return {input: gradient} and leave every `.grad` alone (autograd.grad;
    `inputs=()` writes nothing at all); without, accumulate into the `.grad` of leaves and of
    tensors that called retain_grad(). Gradients travel as plain arrays, or as Tensors
    (recorded) when `create_graph` is True. `on_node` lets tools (the Stepper, pictures with
    every gradient) watch this very walk instead of copying it.
    """
    grads: dict[Tensor, Any] = {}
    for root, grad in zip(roots, root_grads):
        g = _root_gradient(root, grad)
        g = g if create_graph else g._data
        grads[root] = grads[root] + g if root in grads else g
    users = count_users(roots)
    ready = _ready_roots(roots, users)
    wanted = None if inputs is None else set(inputs)
    captured: dict[Tensor, Any] = {}
    owned: set[Tensor] = set()  # tensors whose gradient array this walk created, so may add into
    anomaly = state.detect_anomaly
    # Nodes recorded at this tick saw every tensor as it is now; older ones are checked. (The walk
    # itself changes no tensor in place.)
    clock_now = inplace_clock.ticks
    with set_grad_enabled(create_graph), _garbage_collector_paused():
        # The walk of topological_order, with the chain rule applied at each tensor it emits.
        while ready:
            t = ready.pop()
            fn = t.grad_fn
            g = grads.pop(t, None)
            if g is not None:
                if wanted is None:
                    if fn is None or t._retains_grad:
                        _accumulate(t, g, t in owned)
                elif t in wanted:
                    captured[t] = g
            if fn is None:
                if on_node is not None:
                    on_node(t, g, ())
                continue
            if g is None:  # no gradient reached this node: its inputs get none from it either
                parent_grads = (None,) * len(fn.parents)
            else:
                if fn.recorded_at != clock_now:
                    check_saved_tensors(fn, t)
                parent_grads = fn.backward(g, t if create_graph else t._data)
                if anomaly:
                    check_backward(fn, parent_grads)
                if not retain_graph:  # release what forward saved; a second pass is an error
                    fn.saved = None
                    fn.freed = True
            if on_node is not None:
                on_node(t, g, parent_grads)
            position = 0  # an index kept by hand: measurably cheaper than zip() on this hot path
            for parent in fn.parents:
                parent_grad = parent_grads[position]
                position += 1
                if parent.requires_grad:
                    if parent_grad is not None:
                        previous = grads.get(parent)
                        if previous is None:
                            grads[parent] = parent_grad
                        elif parent in owned:  # a sum made by this walk: nobody else holds it
                            previous += parent_grad
                        else:  # `previous` may be shared with another tensor: add out of place
                            total = grads[parent] = previous + parent_grad
                            if type(total) is np.ndarray:  # not a Tensor, nor a numpy scalar
                                owned.add(parent)
                    remaining = users[parent] - 1
                    if remaining:
                        users[parent] = remaining
                    else:
                        ready.append(parent)
            parent_grads = parent_grad = None  # a leaf's refcount then shows who holds its gradient
    return captured


@contextlib.contextmanager
def _garbage_collector_paused() -> Iterator[None]:
    """Pause the cycle collector during the walk: the walk makes no reference cycles, only
    short-lived tuples and arrays, yet each full collection would traverse the whole graph
    (a fifth of the time of a two-million-node backward). Reference counting still frees."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _accumulate(t: Tensor, g: Any, owned: bool) -> None:
    """t.grad += g, as a new Tensor (not in place: the old .grad may be held elsewhere).

    A .grad owns its memory, so that ``t.grad.zero_()`` is safe. `g` becomes the .grad itself
    when this walk made it (`owned`) or when nothing but the walk holds it (its reference count
    says so, as PyTorch's AccumulateGrad checks); otherwise it is copied, since it may be another
    tensor's gradient too, a view of one, a user's array, or read-only.
    """
    # .grad is written past its checked setter: g has t's shape and dtype already.
    if t._grad is not None:
        t._grad = t._grad + g
    elif isinstance(g, Tensor):  # create_graph: a copy that stays in the graph
        t._grad = g.clone()
    elif type(g) is np.ndarray and g.dtype == t._data.dtype and (owned or (
            g.base is None and g.flags.writeable and sys.getrefcount(g) <= _REFCOUNT_UNSHARED)):
        t._grad = Tensor._make(g, False, None)
    else:
        t._grad = Tensor._make(np.array(g, dtype=t._data.dtype), False, None)


def _refcount_when_unshared() -> int:
    """sys.getrefcount, inside `_accumulate`, of an array that only the walk's local holds:
    measured the same way, since it differs between Python versions."""
    def accumulate_like(array: np.ndarray) -> int:
        return sys.getrefcount(array)

    held_by_the_walk = np.empty(0)
    return accumulate_like(held_by_the_walk)


_REFCOUNT_UNSHARED = _refcount_when_unshared()


def backward(root: Tensor, grad: Any = None, retain_graph: bool = False,
             create_graph: bool = False) -> None:
    """Accumulate d(root)/d(leaf) into every leaf's `.grad` (see Tensor.backward)."""
    run_backward([root], [grad], retain_graph or create_graph, create_graph)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: Optional[bool] = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple[Optional[Tensor], ...]:
    """d(outputs)/d(inputs) as a tuple, like torch.autograd.grad; no `.grad` is touched.

    `grad_outputs` weights each output (needed for outputs with more than one element).
    The graph is kept when `retain_graph` is True (default: the value of `create_graph`).
    """
    outputs = [outputs] if isinstance(outputs, Tensor) or not isinstance(outputs, Iterable) else list(outputs)
    single_input = isinstance(inputs, Tensor) or not isinstance(inputs, Iterable)
    inputs = [inputs] if single_input else list(inputs)
    for what, tensors in (("outputs", outputs), ("inputs", inputs)):
        for t in tensors:
            if not isinstance(t, Tensor):
                raise TypeError(f"autograd.grad: the {what} must be Tensors (one, or a list of them), but one is "
                                f"{type(t).__name__}; pass the loss as outputs and the tensors to differentiate "
                                f"with respect to as inputs.")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs]
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("autograd.grad: one of the inputs does not require grad, so it has no "
                               "gradient; create it with requires_grad=True.")
    retain = create_graph if retain_graph is None else retain_graph
    captured = run_backward(outputs, grad_outputs, retain, create_graph, inputs=inputs)
    result = []
    for t in inputs:
        g = captured.get(t)
        if g is not None and not create_graph:  # a copy: `g` may be shared or read-only
            g = Tensor._make(np.array(g), False, None)
        if g is None and not allow_unused:
            raise RuntimeError("autograd.grad: one of the inputs was not used to compute the outputs, "
                               "so its gradient is undefined; pass allow_unused=True to get None.")
        result.append(g)
    return tuple(result)
