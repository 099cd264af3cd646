"""The graph behind a picture: every tensor and op reachable from the roots, found without recursion."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from autograd.engine import FREED_GRAPH_MESSAGE, run_backward
from autograd.function import Function
from autograd.tensor import Tensor

DEFAULT_MAX_NODES = 300
# Above this many nodes a picture of a grouped graph (an nn model) draws each layer as one box.
COLLAPSE_ABOVE = 60

GroupBy = Union[None, str, Callable[[Union[Tensor, Function]], str]]
GROUP_CHOICES = ("auto", "name_scope")

FREED_MESSAGE = (
    "{owner}: the graph of this tensor was already freed by backward(), so its backward pass "
    "cannot be replayed. {fix}, or call loss.backward(retain_graph=True).")

# One step of the engine's backward walk: a tensor, dL/d(tensor) (None when no gradient reached
# it) and what the tensor's op sent to each of its inputs.
WalkStep = tuple[Tensor, Optional[np.ndarray], tuple]


class GraphTooLargeError(ValueError):
    """Raised instead of drawing a picture too large to read."""


@dataclass
class Graph:
    """Tensors and ops reachable from `roots`, in the order the walk found them (roots first)."""

    roots: list[Tensor]
    tensors: list[Tensor] = field(default_factory=list)
    ops: list[tuple[Function, Tensor]] = field(default_factory=list)  # (op, the tensor it made)

    @property
    def node_count(self) -> int:
        return len(self.tensors) + len(self.ops)


def collect_graph(roots: Sequence[Tensor]) -> Graph:
    """Walk from the roots to the leaves with an explicit stack (deep graphs are fine).

    Unlike the engine's walk this also visits parents that need no gradient (constants,
    inputs) and works on a graph that backward() has already freed: `.parents` stay.
    """
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"draw() takes Tensors, but got a {type(r).__name__}; pass the output "
                            "tensor(s) of your computation, e.g. draw(loss).")
    graph = Graph(roots=list(roots))
    seen: set[int] = set()
    stack = list(reversed(graph.roots))
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        graph.tensors.append(t)
        fn = t.grad_fn
        if fn is not None:
            graph.ops.append((fn, t))
            stack.extend(reversed(fn.parents))
    return graph


def backward_walk(roots: Sequence[Tensor], root_grads: Sequence[Any], owner: str,
                  fix: str) -> list[WalkStep]:
    """The engine's own backward walk from `roots`, recorded through its `on_node` hook.

    Nothing is written to any `.grad` and the graph is kept, so it can be walked again.
    `owner` and `fix` make the error for a graph that backward() has already freed.
    """
    walk: list[WalkStep] = []
    try:
        run_backward(list(roots), list(root_grads), retain_graph=True, create_graph=False,
                     inputs=(), on_node=lambda t, g, sent: walk.append(
                         (t, None if g is None else _array(g), tuple(sent))))
    except RuntimeError as error:
        if str(error) == FREED_GRAPH_MESSAGE:
            raise RuntimeError(FREED_MESSAGE.format(owner=owner, fix=fix)) from None
        raise
    return walk


def every_gradient(roots: Sequence[Tensor]) -> dict[int, np.ndarray]:
    """d(sum of roots)/d(tensor) for every tensor the roots depend on, by id(tensor).

    Roots that need no gradient are skipped; the others must each hold one number.
    """
    wanted = [r for r in roots if r.requires_grad]
    for root in wanted:
        if root.size != 1:
            raise ValueError(
                f"draw(grads=True) shows d(root)/d(node) on every node, which needs a root holding "
                f"one number, but this root has shape {root.shape}; draw its .sum() or .mean(), "
                "or pass grads='stored' to show the .grad that backward() left.")
    walk = backward_walk(wanted, [None] * len(wanted), "draw(grads=True)",
                         "Draw it before calling loss.backward() (no .grad is touched)")
    return {id(t): g for t, g, _ in walk if g is not None}


def _array(g: Any) -> np.ndarray:
    return np.asarray(g.data if isinstance(g, Tensor) else g)


def check_size(graph: Graph, max_nodes: Optional[int], grouped: bool) -> None:
    """Refuse a picture with more than `max_nodes` nodes, saying what to do instead."""
    if max_nodes is None or graph.node_count <= max_nodes:
        return
    hint = ("pass collapse=True to draw each group as one box" if grouped else
            'pass group="name_scope" with collapse=True to draw each layer as one box')
    raise GraphTooLargeError(
        f"draw: this graph has {graph.node_count} nodes ({len(graph.tensors)} tensors, "
        f"{len(graph.ops)} ops), more than max_nodes={max_nodes}; nobody can read a picture that "
        f"large. Draw a smaller part (an intermediate tensor instead of the loss), {hint}, or "
        "raise max_nodes (max_nodes=None draws everything).")


def scope_resolver(group: GroupBy, graph: Graph) -> Callable[[Union[Tensor, Function]], str]:
    """A function giving each node its group path ('' for none), e.g. 'sequential/dense_1'.

    With group="name_scope" (or "auto", which is the same), an op belongs to the `name_scope` it was created in, a tensor to
    the scope of the op that made it, and a leaf named like 'dense_1/kernel' to the scope
    whose path ends with 'dense_1' (nn layers name their parameters that way).
    """
    if callable(group):
        return lambda node: group(node) or ""
    if group is not None and group not in GROUP_CHOICES:
        raise ValueError(f"draw: unknown group={group!r}; valid values are None, "
                         f"{', '.join(repr(g) for g in GROUP_CHOICES)}, or a function "
                         "(tensor or op) -> group path.")
    op_scopes = sorted({fn.scope for fn, _ in graph.ops if fn.scope}, key=len)
    if group is None or not op_scopes:  # "auto" groups only graphs built inside name scopes
        return lambda node: ""

    def leaf_scope(name: Optional[str]) -> str:
        if not name or "/" not in name:
            return ""
        prefix = name.rsplit("/", 1)[0]
        for scope in op_scopes:
            if scope == prefix or scope.endswith("/" + prefix):
                return scope
        return prefix

    def resolve(node: Union[Tensor, Function]) -> str:
        if isinstance(node, Function):
            return node.scope or ""
        if node.grad_fn is not None:
            return node.grad_fn.scope or ""
        return leaf_scope(node.name)

    return resolve
