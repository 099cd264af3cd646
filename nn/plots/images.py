"""Pictures for image and sequence models: a convolution's filters, its feature maps on one
image, and attention weights as a heat map. They take arrays, or the layers that hold them
(a Conv2D's ``kernel`` of shape (height, width, in, filters), a MultiHeadAttention's scores of
shape (batch, heads, queries, keys) from ``return_attention_scores=True``)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

import autograd as ag
from nn.plots.figures import new_figure


def _array(value: Any) -> np.ndarray:
    return np.asarray(value.data if isinstance(value, ag.Tensor) else value, dtype=np.float64)


def _image_grid(what: str, images: list[np.ndarray], titles: list[str], cmap: str,
                symmetric: bool) -> Any:
    columns = min(8, len(images))
    figure, axes = new_figure(what, len(images), columns=columns, panel_size=(1.5, 1.6))
    for ax, image, title in zip(axes, images, titles):
        if image.ndim == 3:  # RGB: stretch to [0, 1]
            low, high = image.min(), image.max()
            ax.imshow((image - low) / (high - low if high > low else 1.0))
        else:
            limit = np.abs(image).max() or 1.0
            ax.imshow(image, cmap=cmap, vmin=-limit if symmetric else None,
                      vmax=limit if symmetric else None)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return figure


def plot_filters(kernel: Any, channel: int = 0, max_filters: int = 64) -> Any:
    """Each filter of a 2-D convolution as a small image (grey: 0, dark/light: -/+ weights).

    Args:
        kernel: a Conv2D layer (its ``kernel``) or an array of shape (height, width, in, filters).
        channel: which input channel to show when there are not exactly 3 (with 3 a filter is
            drawn in colour, as the RGB patch it responds to most).
        max_filters: draw at most this many.
    """
    weights = _array(getattr(kernel, "kernel", kernel))
    if weights.ndim != 4:
        raise ValueError(f"plot_filters needs a convolution kernel of shape (height, width, in, filters), "
                         f"as Conv2D's kernel is; got shape {weights.shape}.")
    count = min(weights.shape[3], max_filters)
    if weights.shape[2] == 3:
        images = [weights[:, :, :, k] for k in range(count)]
    else:
        if not 0 <= channel < weights.shape[2]:
            raise ValueError(f"plot_filters: channel={channel} does not exist; the kernel has "
                             f"{weights.shape[2]} input channels.")
        images = [weights[:, :, channel, k] for k in range(count)]
    return _image_grid("plot_filters", images, [f"filter {k}" for k in range(count)], "gray", True)


def plot_feature_maps(maps: Any, image: Any = None, max_maps: int = 32) -> Any:
    """The output channels of a convolution on one image, each as a picture.

    Args:
        maps: feature maps of shape (height, width, channels) or (1, height, width, channels);
            or a layer (any callable) to apply to `image`.
        image: one image (height, width, channels) or a batch of one, when `maps` is a layer.
        max_maps: draw at most this many channels.
    """
    if callable(maps):
        if image is None:
            raise ValueError("plot_feature_maps: pass the image to show the layer's output on, "
                             "e.g. plot_feature_maps(conv_layer, x_test[0]).")
        batch = _array(image)
        batch = batch[None] if batch.ndim == 3 else batch
        with ag.no_grad():
            maps = maps(ag.Tensor(batch, dtype=ag.get_default_dtype()))
    values = _array(maps)
    values = values[0] if values.ndim == 4 and values.shape[0] == 1 else values
    if values.ndim != 3:
        raise ValueError(f"plot_feature_maps needs maps of shape (height, width, channels) (or a batch "
                         f"of one); got shape {values.shape}.")
    count = min(values.shape[2], max_maps)
    return _image_grid("plot_feature_maps", [values[:, :, k] for k in range(count)],
                       [f"channel {k}" for k in range(count)], "viridis", False)


def plot_attention(scores: Any, keys: Optional[Sequence[str]] = None,
                   queries: Optional[Sequence[str]] = None, max_heads: int = 8) -> Any:
    """Attention weights as heat maps, one per head: row = query position, column = key position.

    Args:
        scores: an array of shape (queries, keys), (heads, queries, keys) or (batch, heads,
            queries, keys) (the first sample is drawn), e.g. the scores MultiHeadAttention returns.
        keys: labels of the key positions (e.g. the input tokens).
        queries: labels of the query positions (default: the keys' labels, for self-attention).
        max_heads: draw at most this many heads.
    """
    weights = _array(scores)
    if weights.ndim == 4:
        weights = weights[0]
    if weights.ndim == 2:
        weights = weights[None]
    if weights.ndim != 3:
        raise ValueError(f"plot_attention needs scores of shape (queries, keys), (heads, queries, keys) "
                         f"or (batch, heads, queries, keys); got shape {np.shape(_array(scores))}.")
    queries = queries if queries is not None else (keys if keys is not None and
                                                   len(keys) == weights.shape[1] else None)
    for labels, size, side in ((keys, weights.shape[2], "keys"), (queries, weights.shape[1], "queries")):
        if labels is not None and len(labels) != size:
            raise ValueError(f"plot_attention: {len(labels)} labels for {size} {side}.")
    count = min(weights.shape[0], max_heads)
    side = max(2.6, 0.32 * max(weights.shape[1:]))
    figure, axes = new_figure("plot_attention", count, columns=4, panel_size=(side + 0.6, side))
    for head, ax in enumerate(axes):
        picture = ax.imshow(weights[head], cmap="magma", vmin=0.0, vmax=max(weights.max(), 1e-12))
        ax.set_title(f"head {head}" if count > 1 else "attention weights", fontsize=10)
        ax.set_xlabel("key")
        ax.set_ylabel("query")
        if keys is not None:
            ax.set_xticks(range(len(keys)), list(keys), rotation=90)
        if queries is not None:
            ax.set_yticks(range(len(queries)), list(queries))
    figure.colorbar(picture, ax=axes, shrink=0.8, label="weight")
    return figure
