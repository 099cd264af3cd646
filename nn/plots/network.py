"""What a network learned: a 2-D classifier's regions, and per-layer histograms of its weights,
of its outputs on a batch and of the gradients a batch gives its weights."""
from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np

import autograd as ag
from nn.plots.figures import new_figure


def plot_decision_boundary(model: Any, x: Any, y: Any, resolution: int = 200,
                           margin: float = 0.5) -> Any:
    """The class the model predicts at every point of the plane, with the data on top.

    Args:
        model: a classifier of 2 input features: one sigmoid output (class 1 when > 0.5) or one
            output per class (the largest wins).
        x: the points, shape (n, 2); they set the plotted area (plus `margin` on each side).
        y: their labels, shape (n,) (or one-hot, (n, classes)).
        resolution: grid points along each axis.

    Returns:
        A matplotlib Figure.
    """
    x = np.asarray(x, dtype=np.float64)
    labels = np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary draws a plane, so x must have 2 features, shape "
                         f"(n, 2); got shape {x.shape}. Pick two features, or project the data first.")
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(axis=1)
    labels = labels.reshape(-1)
    low, high = x.min(axis=0) - margin, x.max(axis=0) + margin
    grid_x, grid_y = np.meshgrid(np.linspace(low[0], high[0], resolution),
                                 np.linspace(low[1], high[1], resolution))
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(ag.get_default_dtype())
    with ag.no_grad():
        scores = np.asarray(model(points).data)
    predicted = (scores.reshape(-1) > 0.5).astype(int) if scores.ndim == 1 or scores.shape[1] == 1 \
        else scores.argmax(axis=1)
    classes = max(int(labels.max()) + 1, int(predicted.max()) + 1)
    figure, (ax,) = new_figure("plot_decision_boundary", 1, panel_size=(5.0, 4.2))
    colours = [f"C{k % 10}" for k in range(classes)]
    from matplotlib.colors import ListedColormap
    regions = ListedColormap(colours)
    ax.contourf(grid_x, grid_y, predicted.reshape(grid_x.shape), levels=np.arange(classes + 1) - 0.5,
                cmap=regions, alpha=0.25)
    ax.contour(grid_x, grid_y, predicted.reshape(grid_x.shape), levels=np.arange(classes) + 0.5,
               colors="k", linewidths=0.8)
    ax.scatter(x[:, 0], x[:, 1], c=labels, cmap=regions, vmin=-0.5, vmax=classes - 0.5,
               edgecolors="k", linewidths=0.4, s=18)
    ax.set_title("decision boundary (areas: predicted class, dots: data)")
    return figure


def _histograms(what: str, arrays: Mapping[str, np.ndarray], bins: int, xlabel: str) -> Any:
    """One histogram per named array, titled with its name, shape and spread."""
    if not arrays:
        raise ValueError(f"{what}: the model has nothing to draw; build it (call it on data or "
                         "start with nn.Input) and give it layers with weights.")
    figure, axes = new_figure(what, len(arrays))
    for ax, (name, values) in zip(axes, arrays.items()):
        values = np.asarray(values, dtype=np.float64)
        ax.hist(values.ravel(), bins=bins, color="C0")
        ax.set_title(f"{name} {values.shape}\nmean {values.mean():.3g}, std {values.std():.3g}",
                     fontsize=10)
        ax.set_xlabel(xlabel)
    return figure


def plot_weights(model: Any, bins: int = 50) -> Any:
    """A histogram of every weight array of the model (kernels, biases, ...), one panel each."""
    return _histograms("plot_weights", {w.name: w.data for w in model.weights}, bins, "value")


def plot_activations(model: Any, x: Any, bins: int = 50) -> Any:
    """A histogram of each layer's output on the batch `x` (a Sequential's layers in order):
    saturated sigmoids pile up at 0 and 1, dead ReLUs at 0."""
    outputs = {}
    with ag.no_grad():
        a = ag.Tensor(np.asarray(x), dtype=ag.get_default_dtype())
        for layer in model.layers:
            a = layer(a)
            outputs[layer.name] = a.data
    return _histograms("plot_activations", outputs, bins, "output value")


def plot_gradients(model: Any, x: Any, y: Any, bins: int = 50) -> Any:
    """A histogram of dL/dw for every trainable weight, on the batch (x, y) and the compiled
    loss; computed with `autograd.grad`, so no `.grad` changes."""
    if getattr(model, "loss", None) is None:
        raise ValueError("plot_gradients needs the loss: call model.compile(optimizer=..., loss=...) first.")
    weights = model.trainable_weights
    loss = model.loss(y, model(np.asarray(x)))
    loss = loss if loss.ndim == 0 else ag.mean(loss)
    gradients = ag.grad(loss, weights, allow_unused=True)
    return _histograms("plot_gradients", {w.name: g.data for w, g in zip(weights, gradients)
                                          if g is not None}, bins, "dL/dw")


def plot_gradient_norms(norms: Mapping[str, list], epochs: Optional[list] = None) -> Any:
    """||dL/dw|| of each layer per epoch, one line per layer on a log scale (what
    `nn.callbacks.GradientNorms` records): vanishing gradients show as lines far below the rest.

    Layers are coloured in order, from the first (dark) to the last (light), and labelled at the
    right of the panel.
    """
    if not norms:
        raise ValueError("plot_gradient_norms: no norms recorded yet; pass GradientNorms() to fit first.")
    from matplotlib import colormaps
    from matplotlib.ticker import MaxNLocator
    figure, (ax,) = new_figure("plot_gradient_norms", 1, panel_size=(7.0, 4.0))
    shades = colormaps["viridis"](np.linspace(0.0, 0.9, len(norms)))
    for shade, (name, values) in zip(shades, norms.items()):
        ax.semilogy(epochs or range(1, len(values) + 1), values, "o-", color=shade, markersize=3,
                    label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("||dL/dw|| (mean over batches)")
    ax.set_title("gradient norm per layer")
    ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5), title="layer")
    ax.grid(alpha=0.3)
    return figure
