"""`draw(*roots)`: a Graphviz picture of the graph, one node per tensor and one per op."""
from __future__ import annotations

import base64
import html
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

import graphviz
import numpy as np

from autograd.function import Function
from autograd.tensor import Tensor
from autograd.viz.clusters import BOX_STYLE, Clusters, Collapsed, add_legend, drawn_scopes
from autograd.viz.graph import (COLLAPSE_ABOVE, DEFAULT_MAX_NODES, Graph, GroupBy, check_size,
                                collect_graph, every_gradient, scope_resolver)
from autograd.viz.labels import (HIGHLIGHT_STYLE, NODE_STYLES, PENDING_STYLE, op_label, op_text,
                                 tensor_kind, tensor_label)
from autograd.viz.layout import LayoutEstimate
from autograd.viz.png_text import with_png_text

# File extension -> Graphviz output format; ".dot"/".gv" are the DOT text itself.
RENDER_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
DISPLAY_MIMETYPES = {"svg": "image/svg+xml", "png": "image/png"}
RANKDIRS = ("auto", "LR", "TB", "RL", "BT")
GRADS_CHOICES = "True, False or 'stored'"
NODE_FONTSIZE = 11

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
        """The picture as bytes in a Graphviz output format such as 'png' or 'svg'.

        A PNG carries its DOT source in a text chunk (`autograd.viz.png_text.read_png_text(data,
        "dot")`), so anyone can tell which graph a picture shows.
        """
        if format == "dot":
            return self.source.encode()
        try:
            data = self.digraph.pipe(format=format)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFoundError(DOT_MISSING_MESSAGE) from None
        return with_png_text(data, "dot", self.source) if format == "png" else data

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


def draw(*roots: Tensor, grads: Union[bool, str] = "stored", show_values: bool = True,
         rankdir: str = "auto", max_elements: int = 6, group: GroupBy = "auto",
         collapse: Union[bool, str] = "auto", max_nodes: Optional[int] = DEFAULT_MAX_NODES,
         legend: bool = True) -> Drawing:
    """A picture of everything the `roots` were computed from.

    Args:
        roots: output tensors, e.g. the loss.
        grads: which gradients the nodes show. True: d(root)/d(node) on every node,
            intermediates and the root included, computed by the engine's own backward walk
            without writing any `.grad` (call it before ``backward()``, which frees the graph);
            "stored": each tensor's ``.grad`` where it has one (leaves after backward, and
            tensors that called ``retain_grad()``); False: none.
        show_values: print each tensor's values (a one-line summary above `max_elements`).
        rankdir: the direction data flows: "auto" (left to right while the picture fits about
            1400 pixels, top to bottom for deeper graphs), "LR", "TB", "RL" or "BT".
        max_elements: print values of tensors up to this size, summaries beyond.
        group: "auto" draws the ops of each `autograd.name_scope` (an nn layer) in one labelled
            box when the graph has name scopes; "name_scope" the same; None no boxes; a function
            (tensor or op) -> path groups by anything else.
        collapse: draw each group as a single box: "auto" does so for grouped graphs of more
            than 60 nodes (a model's loss), True always (needs a group), False never.
        max_nodes: refuse to draw more nodes than this (None: no limit).
        legend: add a small legend of the node kinds.

    Example:
        >>> y = (w * x + b).tanh()
        >>> draw(y, grads=True).render("neuron.png")   # every node's dy/d(node); .grad untouched
    """
    graph = collect_graph(roots)
    if grads is True:
        shown = every_gradient(graph.roots)
    elif grads == "stored":
        shown = {id(t): t.grad.data for t in graph.tensors if t.grad is not None}
    elif grads is False:
        shown = {}
    else:
        raise ValueError(f"draw: grads={grads!r} is not one of {GRADS_CHOICES}: True shows "
                         "d(root)/d(node) on every node, 'stored' each tensor's .grad.")
    return Drawing(build_digraph(graph, grads=shown, show_values=show_values, rankdir=rankdir,
                                 max_elements=max_elements, group=group, collapse=collapse,
                                 max_nodes=max_nodes, legend=legend))


def build_digraph(graph: Graph, *, grads: dict[int, np.ndarray], show_values: bool, rankdir: str,
                  max_elements: int, group: GroupBy, collapse: Union[bool, str],
                  max_nodes: Optional[int], legend: bool,
                  marks: Optional[FrameMarks] = None) -> graphviz.Digraph:
    """The Digraph for `graph` showing `grads` (by id of tensor); `marks` (from the stepper)
    highlight nodes and label edges.

    Nodes are named by their position in the graph (t0, t1, ..., op0, ...), so the same
    computation always gives the same DOT text.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: unknown rankdir={rankdir!r}; valid values are {', '.join(RANKDIRS)}.")
    scope_of = scope_resolver(group, graph)
    grouped = any(scope_of(fn) for fn, _ in graph.ops)
    if collapse == "auto":
        collapse = grouped and graph.node_count > COLLAPSE_ABOVE
    elif collapse and not grouped:
        raise ValueError('draw: collapse=True needs groups to collapse: pass group="name_scope" '
                         "for a graph built inside autograd.name_scope (nn layers), or a group function.")
    if not collapse:
        check_size(graph, max_nodes, grouped=grouped)
    collapsed = Collapsed(collapse, scope_of, graph)
    if collapse and max_nodes is not None and collapsed.visible_count(graph) > max_nodes:
        check_size(graph, max_nodes, grouped=True)
    root_ids = {id(r) for r in graph.roots}
    dot = graphviz.Digraph("autograd", graph_attr={"fontname": "Helvetica"},
                           node_attr={"fontname": "Helvetica", "fontsize": str(NODE_FONTSIZE)},
                           edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    if marks is not None and marks.caption:
        dot.attr(label=html_caption(marks.caption), labelloc="t", labeljust="l")
    clusters = Clusters(dot)
    layout = LayoutEstimate()
    names = {id(t): f"t{k}" for k, t in enumerate(graph.tensors)}
    names.update({id(fn): f"op{k}" for k, (fn, _) in enumerate(graph.ops)})
    placed = drawn_scopes(graph, scope_of)

    def node_name(node: Any) -> str:
        scope = scope_of(node) if isinstance(node, Function) else placed[id(node)]
        return collapsed.node_name(scope) or names[id(node)]

    for t in graph.tensors:
        scope = placed[id(t)]
        if collapsed.hides(scope):
            continue
        note = marks.notes.get(id(t), "") if marks is not None else ""
        nickname = marks.nicknames.get(id(t), "") if marks is not None else ""
        attrs = dict(NODE_STYLES[tensor_kind(t, root_ids)])
        attrs.update(_mark_style(id(t), marks))
        computed = marks is None or id(t) not in marks.pending
        label = tensor_label(t, show_values and computed, grads.get(id(t)), max_elements, note, nickname)
        clusters.at(scope).node(names[id(t)], label, **attrs)
        layout.add_node(names[id(t)], label, NODE_FONTSIZE)
    edges: set[tuple[str, str]] = set()
    for fn, out in graph.ops:
        scope = scope_of(fn)
        op_node = node_name(fn)
        if not collapsed.hides(scope):
            attrs = dict(NODE_STYLES["op"], shape="circle" if len(op_text(fn)) <= 2 else "ellipse")
            attrs.update(_mark_style(id(fn), marks))
            clusters.at(scope).node(op_node, op_label(fn), **attrs)
            layout.add_node(op_node, op_label(fn), float(NODE_STYLES["op"]["fontsize"]))
        targets = [(node_name(out), "")]
        for parent in fn.parents:
            label = marks.edge_labels.get((id(parent), id(fn)), "") if marks is not None else ""
            targets.append((node_name(parent), label))
        for i, (name, label) in enumerate(targets):
            edge = (op_node, name) if i == 0 else (name, op_node)
            if edge[0] == edge[1] or edge in edges:
                continue
            edges.add(edge)
            layout.add_edge(*edge)
            # A real edge label: dot gives it room of its own, so it never covers a node's text.
            extra = {"label": label, "fontcolor": "#b91c1c", "color": "#b91c1c"} if label else {}
            dot.edge(*edge, **extra)
    for parent, name, label in collapsed.boxes():
        clusters.at(parent).node(name, label, **BOX_STYLE)
        layout.add_node(name, label, NODE_FONTSIZE)
    clusters.attach()
    dot.graph_attr["rankdir"] = layout.rankdir() if rankdir == "auto" else rankdir
    if legend:
        add_legend(dot, at_bottom=dot.graph_attr["rankdir"] in ("TB", "BT"),
                   summaries=any(t.size > max_elements for t in graph.tensors))
    return dot


# A caption line longer than this wraps, so the caption never makes a picture wider.
CAPTION_WIDTH = 100


def html_caption(text: str) -> str:
    """`text` as a left-aligned Graphviz label, long lines wrapped with an indent."""
    lines = [wrapped for line in text.splitlines() for wrapped in
             textwrap.wrap(line, CAPTION_WIDTH, subsequent_indent="      ", drop_whitespace=False) or [""]]
    return "<" + "".join(html.escape(line) + '<br align="left"/>' for line in lines) + ">"


def _mark_style(node_id: int, marks: Optional[FrameMarks]) -> dict:
    if marks is None:
        return {}
    if node_id in marks.highlight:
        return HIGHLIGHT_STYLE
    if node_id in marks.pending:
        return PENDING_STYLE
    return {}
