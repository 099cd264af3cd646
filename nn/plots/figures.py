"""matplotlib, imported only when a picture is drawn, and the figures every plot starts from."""
from __future__ import annotations

import io
import math
from typing import Any

# Text at matplotlib's 10 points is 14 px high at this resolution: readable in a notebook and
# in a saved PNG (the notebooks' old 80 dpi made it 11 px).
DPI = 110
PANEL_SIZE = (3.6, 2.8)  # inches per panel

MISSING_MESSAGE = (
    "{what} draws with matplotlib, which is not installed: run `pip install matplotlib` "
    "(or `pip install -e \".[plots]\"` in this repository).")


def figure_class(what: str) -> Any:
    """matplotlib's Figure class, or an ImportError that says what to install."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(MISSING_MESSAGE.format(what=what)) from None
    _show_in_notebooks(Figure)
    return Figure


def new_figure(what: str, panels: int, columns: int = 4, panel_size: tuple[float, float] = PANEL_SIZE
               ) -> tuple[Any, list]:
    """A Figure with `panels` axes on a grid at most `columns` wide; returns (figure, axes)."""
    Figure = figure_class(what)
    columns = max(1, min(columns, panels))
    rows = math.ceil(panels / columns)
    figure = Figure(figsize=(panel_size[0] * columns, panel_size[1] * rows), dpi=DPI,
                    layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel().tolist()
    for unused in axes[panels:]:
        unused.set_visible(False)
    return figure, axes[:panels]


def png_bytes(figure: Any) -> bytes:
    """The figure as PNG data."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _show_in_notebooks(figure_type: type) -> None:
    """Let IPython display a Figure returned by a cell as a PNG, as `%matplotlib inline` does for
    pyplot's figures (ours are made without pyplot, so nothing may have said how)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    try:
        formatter.lookup_by_type(figure_type)
    except KeyError:
        formatter.for_type(figure_type, png_bytes)
