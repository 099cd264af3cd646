"""`LivePlot`: the training curves, redrawn after every epoch."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence, Union

from nn.callbacks.core import Callback, Logs
from nn.plots.figures import png_bytes
from nn.plots.history import plot_history

DEFAULT_PATH = "training_curves.png"


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where a display can be updated in place)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class LivePlot(Callback):
    """Loss and metric curves, training vs validation, redrawn after each epoch.

    In a notebook one figure under the cell updates in place; in a terminal the figure is saved
    as a PNG when training ends (and after each epoch, so it can be watched from an image viewer).
    Needs matplotlib (the `plots` extra).

    Args:
        metrics: the names to draw, e.g. ["loss", "accuracy"] (default: everything logged).
        path: where to save the PNG: by default "training_curves.png" in a terminal and nowhere
            in a notebook; a path saves in both.

    Example:
        >>> model.fit(x, y, epochs=20, validation_split=0.1, callbacks=[nn.callbacks.LivePlot()])
    """

    def __init__(self, metrics: Optional[Sequence[str]] = None,
                 path: Optional[Union[str, Path]] = None) -> None:
        super().__init__()
        self.metrics = metrics
        self.path = Path(path) if path is not None else None
        self.history: dict[str, list[float]] = {}
        self.figure: Any = None
        self._display: Any = None

    def on_train_begin(self, logs: Logs = None) -> None:
        from nn.plots.figures import figure_class
        figure_class("LivePlot")  # fail now, not after the first epoch, when matplotlib is missing
        self.history = {}
        self._display = None
        if self.path is None and not in_notebook():
            self.path = Path(DEFAULT_PATH)

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        self.figure = plot_history(self.history, self.metrics)
        if in_notebook():
            self._show()
        elif self.path is not None:
            self._save()

    def on_train_end(self, logs: Logs = None) -> None:
        if self.figure is not None and self.path is not None:
            print(f"LivePlot: saved the training curves to {self._save()}")

    def _show(self) -> None:
        from IPython.display import Image, display
        image = Image(data=png_bytes(self.figure), format="png")
        if self._display is None:
            self._display = display(image, display_id=True)
        else:
            self._display.update(image)

    def _save(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(png_bytes(self.figure))
        return self.path
