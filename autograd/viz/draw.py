"""`draw(*roots)`: a Graphviz picture of the graph, one node per tensor and one per op."""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import graphviz
import numpy as np

from autograd.tensor import Tensor
from autograd.viz.graph import (DEFAULT_MAX_NODES, Graph, GroupBy, check_size, collect_graph,
                                scope_resolver)
from autograd.viz.labels import (HIGHLIGHT_STYLE, KIND_DESCRIPTIONS, NODE_STYLES, PENDING_STYLE,
                                 TENSOR_KINDS, op_label, op_text, tensor_kind, tensor_label)

# File extension -> Graphviz output format; ".dot"/".gv" are the DOT text itself.
RENDER_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
DISPLAY_MIMETYPES = {"svg": "image/svg+xml", "png": "image/png"}
RANKDIRS = ("LR", "TB", "RL", "BT")

DOT_MISSING_MESSAGE = (
    "Rendering needs Graphviz's `dot` program, which was not found on PATH. Install Graphviz: "
    "`sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "`conda install graphviz` or https://graphviz.org/download/ (Windows; add its bin folder to "
    "PATH), or run `make setup` in this repository. The DOT text needs no Graphviz: use .source "
    "or render to a .dot file.")


class GraphvizNotFoundError(RuntimeError):
    """Raised when the `dot` program needed to render an image is not installed."""


@dataclass
class FrameMarks:
    """What a stepper frame adds to a plain picture (ids are `id()` of tensors and ops)."""

    grads: dict[int, np.ndarray] = field(default_factory=dict)
    highlight: set[int] = field(default_factory=set)
    pending: set[int] = field(default_factory=set)
    notes: dict[int, str] = field(default_factory=dict)
    edge_labels: dict[tuple[int, int], str] = field(default_factory=dict)
    nicknames: dict[int, str] = field(default_factory=dict)  # names for unnamed tensors
    caption: str = ""


class Drawing:
    """A rendered-on-demand picture: `.source` (DOT text), `.render(path)`, notebook display.

    `display_format` ("svg" or "png") is what a notebook shows; SVG by default.
    """

    def __init__(self, digraph: graphviz.Digraph, display_format: str = "svg") -> None:
        self.digraph = digraph
        self.display_format = display_format

    @property
    def source(self) -> str:
        """The DOT text (needs no Graphviz installed)."""
        return self.digraph.source

    def pipe(self, format: str) -> bytes:
        """The picture as bytes in a Graphviz output format such as 'png' or 'svg'."""
        if format == "dot":
            return self.source.encode()
        try:
            return self.digraph.pipe(format=format)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFoundError(DOT_MISSING_MESSAGE) from None

    def render(self, path: Union[str, Path]) -> Path:
        """Write the picture to `path`; the extension picks the format (.png .svg .pdf .dot)."""
        path = Path(path)
        fmt = RENDER_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(f"render: cannot tell the format of {str(path)!r} from its extension "
                             f"{path.suffix!r}; use one of {', '.join(RENDER_FORMATS)}.")
        data = self.pipe(fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        fmt = self.display_format
        if include:
            wanted = [f for f, mime in DISPLAY_MIMETYPES.items() if mime in include]
            fmt = wanted[0] if wanted else fmt
        try:
            data = self.pipe(fmt)
        except GraphvizNotFoundError as error:
            return {"text/plain": str(error)}
        if fmt == "png":
            return {"image/png": base64.b64encode(data).decode("ascii")}
        return {"image/svg+xml": data.decode("utf-8")}

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self.digraph.body)} DOT statements; .render(path) or .source>"


def draw(*roots: Tensor, show_values: bool = True, show_grads: bool = True, rankdir: str = "LR",
         max_elements: int = 6, group: GroupBy = None, collapse: bool = False,
         max_nodes: Optional[int] = DEFAULT_MAX_NODES, legend: bool = True) -> Drawing:
    """A picture of everything the `roots` were computed from.

    Args:
        roots: output tensors, e.g. the loss.
        show_values: print each tensor's values (summary stats above `max_elements`).
        show_grads: print each tensor's ``.grad`` where it has one (leaves after backward,
            and tensors that called ``retain_grad()``).
        rankdir: the direction data flows, one of "LR", "TB", "RL", "BT".
        max_elements: print values of tensors up to this size, summaries beyond.
        group: "name_scope" draws the ops of each `autograd.name_scope` (an nn layer) in one
            labelled box; a function (tensor or op) -> path groups by anything else.
        collapse: with `group`, draw each group as a single box (for large models).
        max_nodes: refuse to draw more nodes than this (None: no limit).
        legend: add a small legend of the node kinds.

    Example:
        >>> y = (w * x + b).tanh(); y.backward()
        >>> draw(y).render("neuron.png")
    """
    graph = collect_graph(roots)
    return Drawing(build_digraph(graph, show_values=show_values, show_grads=show_grads,
                                 rankdir=rankdir, max_elements=max_elements, group=group,
                                 collapse=collapse, max_nodes=max_nodes, legend=legend))


def build_digraph(graph: Graph, *, show_values: bool, show_grads: bool, rankdir: str,
                  max_elements: int, group: GroupBy, collapse: bool, max_nodes: Optional[int],
                  legend: bool, marks: Optional[FrameMarks] = None) -> graphviz.Digraph:
    """The Digraph for `graph`; `marks` (from the stepper) override grads and highlight nodes."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: unknown rankdir={rankdir!r}; valid values are {', '.join(RANKDIRS)}.")
    if collapse and group is None:
        raise ValueError('draw: collapse=True needs a group to collapse, e.g. group="name_scope".')
    scope_of = scope_resolver(group, graph)
    if not collapse:
        check_size(graph, max_nodes, grouped=group is not None)
    root_ids = {id(r) for r in graph.roots}
    dot = graphviz.Digraph("autograd", graph_attr={"rankdir": rankdir, "fontname": "Helvetica"},
                           node_attr={"fontname": "Helvetica", "fontsize": "11"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    if marks is not None and marks.caption:
        dot.attr(label=html_caption(marks.caption), labelloc="t", labeljust="l")
    clusters = _Clusters(dot)
    collapsed = _Collapsed(collapse, scope_of, graph)
    if collapse and max_nodes is not None and collapsed.visible_count(graph) > max_nodes:
        check_size(graph, max_nodes, grouped=True)

    for t in graph.tensors:
        scope = scope_of(t)
        if collapsed.hides(scope):
            continue
        kind = tensor_kind(t, root_ids)
        grad = None
        if show_grads:
            grad = marks.grads.get(id(t)) if marks is not None else (
                t.grad.data if t.grad is not None else None)
        note = marks.notes.get(id(t), "") if marks is not None else ""
        nickname = marks.nicknames.get(id(t), "") if marks is not None else ""
        attrs = dict(NODE_STYLES[kind])
        attrs.update(_mark_style(id(t), marks))
        computed = marks is None or id(t) not in marks.pending
        clusters.at(scope).node(str(id(t)), tensor_label(t, show_values and computed, grad,
                                                         max_elements, note, nickname),
                                **attrs)
    edges: set[tuple[str, str]] = set()
    for fn, out in graph.ops:
        scope = scope_of(fn)
        op_node = collapsed.node_name(scope) or f"op_{id(fn)}"
        if not collapsed.hides(scope):
            attrs = dict(NODE_STYLES["op"], shape="circle" if len(op_text(fn)) <= 3 else "ellipse")
            attrs.update(_mark_style(id(fn), marks))
            clusters.at(scope).node(op_node, op_label(fn), **attrs)
        targets = [(collapsed.node_name(scope_of(out)) or str(id(out)), "")]
        for parent in fn.parents:
            source = collapsed.node_name(scope_of(parent)) or str(id(parent))
            label = marks.edge_labels.get((id(parent), id(fn)), "") if marks is not None else ""
            targets.append((source, label))
        for i, (name, label) in enumerate(targets):
            edge = (op_node, name) if i == 0 else (name, op_node)
            if edge[0] == edge[1] or edge in edges:
                continue
            edges.add(edge)
            extra = {"xlabel": label, "fontcolor": "#b91c1c", "color": "#b91c1c"} if label else {}
            dot.edge(*edge, **extra)
    collapsed.draw_boxes(clusters)
    clusters.attach()
    if legend:
        _add_legend(dot)
    return dot


def html_caption(text: str) -> str:
    return "<" + "".join(html.escape(line) + '<br align="left"/>' for line in text.splitlines()) + ">"


def _mark_style(node_id: int, marks: Optional[FrameMarks]) -> dict:
    if marks is None:
        return {}
    if node_id in marks.highlight:
        return HIGHLIGHT_STYLE
    if node_id in marks.pending:
        return PENDING_STYLE
    return {}


class _Clusters:
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


class _Collapsed:
    """With collapse=True every group becomes one box; otherwise it changes nothing."""

    def __init__(self, active: bool, scope_of, graph: Graph) -> None:
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

    def draw_boxes(self, clusters: _Clusters) -> None:
        for scope, count in self.op_counts.items():
            label = f"<<b>{html.escape(scope.rsplit('/', 1)[-1])}</b><br/>{count} ops>"
            parent = scope.rsplit("/", 1)[0] if "/" in scope else ""
            clusters.at(parent).node(f"group_{scope}", label, shape="box3d", style="filled",
                                     fillcolor="#ede9fe")


def _add_legend(dot: graphviz.Digraph) -> None:
    """One small table naming each node kind, in that kind's colours."""
    rows = ['<tr><td border="0"><b>legend</b></td></tr>']
    for kind in (*TENSOR_KINDS, "op"):
        style = NODE_STYLES[kind]
        border = ' style="dashed"' if "dashed" in style["style"] else ""
        width = style.get("penwidth", "1")
        rows.append(f'<tr><td bgcolor="{style["fillcolor"]}" border="{width}"{border}>'
                    f"{html.escape(KIND_DESCRIPTIONS[kind])}</td></tr>")
    table = '<table border="0" cellborder="1" cellspacing="3" cellpadding="3">' + "".join(rows)
    dot.node("legend", f"<{table}</table>>", shape="plaintext", fontsize="9")
