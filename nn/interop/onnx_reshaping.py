"""ONNX converters for the reshaping layers: Permute, RepeatVector, ZeroPadding1D/2D,
Cropping1D/2D and UpSampling1D/2D (channels last, spatial axes 1..rank)."""
from __future__ import annotations

from typing import Any

import numpy as np

from nn.interop.onnx_graph import GraphBuilder, check_channels_last

LAST = np.iinfo(np.int64).max  # a Slice end meaning "to the end of the axis"


def permute(graph: GraphBuilder, layer: Any, x: str) -> str:
    return graph.node("Transpose", [x], "permute", perm=[0, *layer.dims])


def repeat_vector(graph: GraphBuilder, layer: Any, x: str) -> str:
    """(batch, features) -> (batch, 1, features), broadcast to (batch, n, features)."""
    row = graph.node("Unsqueeze", [x, graph.axes([1])], "row")
    return graph.node("Expand", [row, graph.constant("copies", [1, layer.n, 1], np.int64)], "repeat_vector")


def zero_padding(graph: GraphBuilder, layer: Any, x: str) -> str:
    check_channels_last(layer)
    before = [pair[0] for pair in layer.padding]
    after = [pair[1] for pair in layer.padding]
    pads = [0, *before, 0, 0, *after, 0]  # ONNX: every axis's start, then every axis's end
    return graph.node("Pad", [x, graph.constant("pads", pads, np.int64)], "zero_padding", mode="constant")


def cropping(graph: GraphBuilder, layer: Any, x: str) -> str:
    check_channels_last(layer)
    starts = [pair[0] for pair in layer.cropping]
    ends = [-pair[1] if pair[1] else LAST for pair in layer.cropping]
    axes = list(range(1, len(layer.cropping) + 1))
    return graph.node("Slice", [x, graph.constant("starts", starts, np.int64), graph.constant("ends", ends, np.int64),
                                graph.axes(axes)], "cropping")


def up_sampling(graph: GraphBuilder, layer: Any, x: str) -> str:
    """Nearest-neighbour upsampling by whole factors: out[i] = in[floor(i / size)] on each axis."""
    check_channels_last(layer)
    scales = graph.constant("scales", [1.0, *layer.size, 1.0])
    return graph.node("Resize", [x, "", scales], "up_sampling", mode="nearest",
                      coordinate_transformation_mode="asymmetric", nearest_mode="floor")
