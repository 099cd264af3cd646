"""The boxes of a grouped picture: one labelled cluster per group path (an nn layer), each layer
drawn as a single box when collapsed, and the legend of node kinds."""
from __future__ import annotations

import html
from typing import Callable

import graphviz

from autograd.viz.graph import Graph
from autograd.viz.labels import KIND_DESCRIPTIONS, NODE_STYLES, TENSOR_KINDS


class Clusters:
    """Nested labelled clusters, one per group path, built without recursion."""

    def __init__(self, dot: graphviz.Digraph) -> None:
        self.dot = dot
        self.by_path: dict[str, graphviz.Digraph] = {}

    def at(self, path: str) -> graphviz.Digraph:
        """The (sub)graph that nodes of group `path` go into, creating its ancestors too."""
        if not path:
            return self.dot
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i])
            if sub not in self.by_path:
                cluster = graphviz.Digraph(name=f"cluster_{sub}")
                cluster.attr(label=parts[i - 1], style="rounded,dashed", color="#6b7280",
                             fontname="Helvetica", fontsize="12")
                self.by_path[sub] = cluster
        return self.by_path[path]

    def attach(self) -> None:
        """Put each cluster inside its parent, deepest first (a subgraph is copied when added)."""
        for path in sorted(self.by_path, key=lambda p: p.count("/"), reverse=True):
            parent = self.by_path.get(path.rsplit("/", 1)[0]) if "/" in path else self.dot
            parent.subgraph(self.by_path[path])


class Collapsed:
    """With `active`, every group becomes one box; otherwise it changes nothing."""

    def __init__(self, active: bool, scope_of: Callable, graph: Graph) -> None:
        self.active = active
        self.scope_of = scope_of
        self.op_counts: dict[str, int] = {}
        if active:
            for fn, _ in graph.ops:
                scope = scope_of(fn)
                if scope:
                    self.op_counts[scope] = self.op_counts.get(scope, 0) + 1

    def hides(self, scope: str) -> bool:
        return self.active and bool(scope)

    def node_name(self, scope: str) -> str:
        return f"group_{scope}" if self.hides(scope) else ""

    def visible_count(self, graph: Graph) -> int:
        """How many nodes the collapsed picture has: one box per group, plus ungrouped nodes."""
        ungrouped = sum(1 for t in graph.tensors if not self.hides(self.scope_of(t)))
        ungrouped += sum(1 for fn, _ in graph.ops if not self.hides(self.scope_of(fn)))
        return len(self.op_counts) + ungrouped

    def boxes(self) -> list[tuple[str, str, str]]:
        """(parent group, node name, label) of each group's box."""
        return [(scope.rsplit("/", 1)[0] if "/" in scope else "", f"group_{scope}",
                 f"<<b>{html.escape(scope.rsplit('/', 1)[-1])}</b><br/>{count} ops>")
                for scope, count in self.op_counts.items()]


# How a large array's summary reads (see labels.format_array).
SUMMARY_KEY = "large arrays: mean ± std in [min, max]"

BOX_STYLE = {"shape": "box3d", "style": "filled", "fillcolor": "#ede9fe"}


def add_legend(dot: graphviz.Digraph, at_bottom: bool, summaries: bool) -> None:
    """One small table naming each node kind, in that kind's colours, and (with `summaries`)
    how a large array's summary reads.

    In a top-to-bottom picture it goes at the bottom, where it adds height, not width.
    """
    rows = ['<tr><td border="0"><b>legend</b></td></tr>']
    for kind in (*TENSOR_KINDS, "op"):
        style = NODE_STYLES[kind]
        border = ' style="dashed"' if "dashed" in style["style"] else ""
        width = style.get("penwidth", "1")
        rows.append(f'<tr><td bgcolor="{style["fillcolor"]}" border="{width}"{border}>'
                    f"{html.escape(KIND_DESCRIPTIONS[kind])}</td></tr>")
    if summaries:
        rows.append(f'<tr><td border="0">{html.escape(SUMMARY_KEY)}</td></tr>')
    table = '<table border="0" cellborder="1" cellspacing="3" cellpadding="3">' + "".join(rows)
    legend = graphviz.Digraph(name="legend_rank", graph_attr={"rank": "sink"}) if at_bottom else dot
    legend.node("legend", f"<{table}</table>>", shape="plaintext", fontsize="9")
    if at_bottom:
        dot.subgraph(legend)


def drawn_scopes(graph: Graph, scope_of: Callable) -> dict[int, str]:
    """The group each tensor is drawn in, by id: its own, except that an op's result used by an
    op of another group goes in the innermost group holding both.

    A layer's output then sits between the layer's box and the next one's, where the two
    boxes meet, instead of making Graphviz place the boxes side by side. Leaves (a layer's
    parameters) stay in their group.
    """
    scopes = {id(t): scope_of(t) for t in graph.tensors}
    for fn, _ in graph.ops:
        user = scope_of(fn)
        for parent in fn.parents:
            if parent.grad_fn is not None:
                scopes[id(parent)] = _common_prefix(scopes[id(parent)], user)
    return scopes


def _common_prefix(scope: str, other: str) -> str:
    """The innermost group path holding both, e.g. 'model/dense' and 'model/dense_1' -> 'model'."""
    shared = []
    for a, b in zip(scope.split("/"), other.split("/")):
        if a != b:
            break
        shared.append(a)
    return "/".join(shared)
