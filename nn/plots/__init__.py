"""Pictures of training and of what a network learned, each one call returning a matplotlib
Figure (which a notebook displays by itself; ``fig.savefig("name.png")`` writes it to a file).

    >>> nn.plots.plot_history(history)                   # loss and metrics, train vs validation
    >>> nn.plots.plot_decision_boundary(model, x, y)     # a 2-D classifier's regions
    >>> nn.plots.plot_weights(model)                     # per-layer histograms: weights,
    >>> nn.plots.plot_activations(model, x)              #   outputs on a batch,
    >>> nn.plots.plot_gradients(model, x, y)             #   and dL/dw on a batch
    >>> nn.plots.plot_filters(conv_layer)                # a Conv2D's kernels as small images
    >>> nn.plots.plot_feature_maps(conv_layer, image)    # its output channels on one image
    >>> nn.plots.plot_attention(scores, tokens)          # attention weights as a heat map

matplotlib is an optional extra (`pip install "chainrule[plots]"`); it is imported only when a
picture is drawn, and its absence is reported with what to install. Figures are made without
pyplot, so drawing one never opens a window or changes pyplot's state.
"""
from nn.plots.history import plot_history
from nn.plots.images import plot_attention, plot_feature_maps, plot_filters
from nn.plots.network import (plot_activations, plot_decision_boundary, plot_gradient_norms,
                              plot_gradients, plot_weights)

__all__ = ["plot_history", "plot_decision_boundary", "plot_weights", "plot_activations",
           "plot_gradients", "plot_gradient_norms", "plot_filters", "plot_feature_maps",
           "plot_attention"]
