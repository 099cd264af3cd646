"""Which way a picture flows: left to right while it fits a screen's width, else top to bottom.

Graphviz lays a graph out in ranks along the flow. Drawn left to right, a deep graph (a model's
loss: a dozen ops in a row) becomes a strip thousands of pixels wide, which any viewer shrinks
until its text is unreadable; drawn top to bottom it scrolls instead, at full size. The choice
is made from an estimate of each node's size from its label, so it needs no Graphviz.
"""
from __future__ import annotations

import html
import re

# Graphviz draws PNGs at 96 pixels per inch (72 points per inch): 11-point text is 14.7 px
# high, the legend's 9 points 12 px. Nothing here shrinks a picture below that.
PIXELS_PER_POINT = 96 / 72
# A picture up to this wide shows at full size on a laptop screen or in a notebook.
MAX_LR_WIDTH_PX = 1400
# Graphviz's defaults, in points: space between ranks and between nodes of one rank.
RANK_SEPARATION = 36.0
NODE_SEPARATION = 18.0
# Helvetica's average character width as a fraction of the font size, and a label's margins.
CHAR_WIDTH = 0.55
LINE_HEIGHT = 1.25
MARGIN = 16.0


def label_size(label: str, fontsize: float) -> tuple[float, float]:
    """(width, height) in points of a node showing `label` (plain text or an HTML-like label)."""
    text = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    lines = [html.unescape(re.sub(r"<[^>]*>", "", line)) for line in re.split(r"<br[^>]*>", text)]
    widest = max((len(line) for line in lines), default=0)
    return widest * fontsize * CHAR_WIDTH + MARGIN, len(lines) * fontsize * LINE_HEIGHT + MARGIN


class LayoutEstimate:
    """Node sizes and edges, enough to tell how wide each direction of flow would draw."""

    def __init__(self) -> None:
        self.sizes: dict[str, tuple[float, float]] = {}
        self.edges: list[tuple[str, str]] = []

    def add_node(self, name: str, label: str, fontsize: float) -> None:
        self.sizes[name] = label_size(label, fontsize)

    def add_edge(self, tail: str, head: str) -> None:
        self.edges.append((tail, head))

    def ranks(self) -> list[list[str]]:
        """The nodes by rank: a node sits one rank after the furthest of the nodes feeding it
        (the longest path), which is how Graphviz's `dot` stacks a graph."""
        feeding: dict[str, list[str]] = {name: [] for name in self.sizes}
        consumers: dict[str, list[str]] = {name: [] for name in self.sizes}
        for tail, head in self.edges:
            if tail in feeding and head in feeding:
                feeding[head].append(tail)
                consumers[tail].append(head)
        rank: dict[str, int] = {}
        ready = [name for name, parents in feeding.items() if not parents]
        waiting = {name: len(parents) for name, parents in feeding.items()}
        while ready:  # Kahn's order from the sources, so each node's inputs are ranked first
            name = ready.pop()
            rank[name] = max((rank[p] + 1 for p in feeding[name]), default=0)
            for head in consumers[name]:
                waiting[head] -= 1
                if waiting[head] == 0:
                    ready.append(head)
        by_rank: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
        for name, r in rank.items():
            by_rank[r].append(name)
        return by_rank

    def widths_px(self) -> tuple[float, float]:
        """Estimated (left-to-right width, top-to-bottom width) of the picture, in PNG pixels."""
        ranks = self.ranks()
        if not ranks:
            return 0.0, 0.0
        along = sum(max(self.sizes[n][0] for n in names) for names in ranks)
        along += RANK_SEPARATION * (len(ranks) - 1)
        across = max(sum(self.sizes[n][0] for n in names) + NODE_SEPARATION * (len(names) - 1)
                     for names in ranks)
        return along * PIXELS_PER_POINT, across * PIXELS_PER_POINT

    def rankdir(self) -> str:
        """"LR" while the left-to-right picture fits MAX_LR_WIDTH_PX, else the narrower way."""
        left_to_right, top_to_bottom = self.widths_px()
        if left_to_right <= MAX_LR_WIDTH_PX or left_to_right <= top_to_bottom:
            return "LR"
        return "TB"
