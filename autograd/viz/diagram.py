"""`diagram(boxes, arrows)`: a picture of labelled boxes joined by arrows, for a graph known as
plain data (nn's `plot_model` draws a model's layers with it). It goes through the same Graphviz
code as `draw`: the same `Drawing` (render to a file, DOT text, inline in a notebook), fonts and
nested dashed boxes for groups.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Optional, Sequence

import graphviz

from autograd.viz.clusters import Clusters
from autograd.viz.draw import RANKDIRS, Drawing

HEADER_COLOR = "#1f2937"


@dataclass(frozen=True)
class Box:
    """One box: `name` in bold, then `kind` in brackets, over a row of `cells` (plain text).

    `key` identifies the box for arrows; `group` ("outer/inner") puts it inside nested dashed
    frames labelled with those names ("" for none).
    """

    key: str
    name: str
    kind: str = ""
    cells: Sequence[str] = field(default_factory=tuple)
    group: str = ""


def diagram(boxes: Sequence[Box], arrows: Sequence[tuple[str, str]], rankdir: str = "TB",
            dpi: Optional[int] = None, display_format: str = "svg", splines: Optional[str] = None) -> Drawing:
    """The picture of `boxes` with an arrow for each ``(from key, to key)`` in `arrows`.

    Args:
        rankdir: the direction arrows point, one of "TB", "LR", "BT", "RL".
        dpi: the resolution of rendered images (Graphviz's default, 96, when None).
        display_format: "svg" or "png", what a notebook shows.
        splines: how Graphviz draws the arrows, e.g. "ortho" (right angles), "spline" (curves);
            None: Graphviz's default.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"diagram: unknown rankdir={rankdir!r}; valid values are {', '.join(RANKDIRS)}.")
    keys = {box.key for box in boxes}
    for source, target in arrows:
        if source not in keys or target not in keys:
            raise ValueError(f"diagram: the arrow {source!r} -> {target!r} joins a box that is not in the picture.")
    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica"}
    if dpi is not None:
        graph_attr["dpi"] = str(dpi)
    if splines is not None:
        graph_attr["splines"] = splines
    dot = graphviz.Digraph("diagram", graph_attr=graph_attr,
                           node_attr={"fontname": "Helvetica", "fontsize": "11", "shape": "plaintext", "margin": "0"},
                           edge_attr={"color": "#374151"})
    clusters = Clusters(dot)
    for box in boxes:
        clusters.at(box.group).node(box.key, _label(box))
    seen: set[tuple[str, str]] = set()
    for arrow in arrows:
        if arrow not in seen:
            seen.add(arrow)
            dot.edge(*arrow)
    clusters.attach()
    return Drawing(dot, display_format=display_format)


def _label(box: Box) -> str:
    title = f"<b>{html.escape(box.name)}</b>" + (f" ({html.escape(box.kind)})" if box.kind else "")
    span = max(1, len(box.cells))
    rows = [f'<tr><td colspan="{span}" bgcolor="{HEADER_COLOR}"><font color="white">{title}</font></td></tr>']
    if box.cells:
        rows.append("<tr>" + "".join(f'<td bgcolor="white">{html.escape(cell)}</td>' for cell in box.cells) + "</tr>")
    return '<<table border="0" cellborder="1" cellspacing="0" cellpadding="6">' + "".join(rows) + "</table>>"
