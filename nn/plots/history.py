"""Training curves: loss and each metric per epoch, training and validation on one panel."""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from nn.plots.figures import new_figure


def curves(history: Any) -> tuple[list[int], dict[str, list[float]]]:
    """(epoch numbers from 1, {name: values}) from a History, `history.history`, or a dict."""
    logs: Mapping[str, list] = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(f"plot_history takes the History that fit() returns (or its .history dict), "
                        f"got {type(history).__name__}.")
    length = max((len(values) for values in logs.values()), default=0)
    epochs = [e + 1 for e in getattr(history, "epoch", [])]
    if len(epochs) != length:  # a plain dict, or a history resumed part way
        epochs = list(range(1, length + 1))
    return epochs, {name: list(values) for name, values in logs.items()}


def plot_history(history: Any, metrics: Optional[Sequence[str]] = None) -> Any:
    """One panel per quantity (loss first, then each metric), training solid, validation dashed.

    Args:
        history: what ``fit`` returns (or its ``.history`` dict).
        metrics: the names to draw, e.g. ["loss", "accuracy"] (default: every logged name;
            ``val_*`` curves join their training curve).

    Returns:
        A matplotlib Figure.
    """
    epochs, logs = curves(history)
    names = list(metrics) if metrics is not None else [
        name for name in logs if not name.startswith("val_") and name != "learning_rate"]
    names += [name[4:] for name in logs if name.startswith("val_") and name[4:] not in names
              and metrics is None]
    missing = [name for name in names if name not in logs and "val_" + name not in logs]
    if missing or not names:
        raise ValueError(f"plot_history: nothing logged under {missing or 'any name'}; the history "
                         f"has {sorted(logs)}.")
    figure, axes = new_figure("plot_history", len(names), columns=3, panel_size=(4.2, 3.0))
    for ax, name in zip(axes, names):
        for key, style, label in ((name, "-", "training"), ("val_" + name, "--", "validation")):
            if key in logs:
                values = logs[key]
                ax.plot(epochs[:len(values)], values, style, marker="o", markersize=3, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    return figure
