"""What the windowed layer families share (convolution, pooling, reshaping): checks of sizes
given as an int or a tuple, padding modes, the data format and an input's rank, each turning a
wrong value into a sentence naming the layer, the argument and a fix; the length of a window's
output along one axis; and any layer's weight constraint arguments (``kernel_constraint=``...).
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from nn import constraints

# What each input rank of a channels-last layer looks like, for error messages.
LAYOUTS = {3: "(batch, steps, channels)", 4: "(batch, height, width, channels)"}

def is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def int_tuple(value: Any, rank: int, what: str, layer: str, allow_zero: bool = False) -> tuple[int, ...]:
    """An int (repeated `rank` times) or a sequence of `rank` ints, as a tuple; each must be
    positive (or non-negative with `allow_zero`), as Keras's `standardize_tuple` asks."""
    values = (value,) * rank if is_int(value) else tuple(value) if isinstance(value, (tuple, list)) else None
    lowest = 0 if allow_zero else 1
    if values is None or len(values) != rank or not all(is_int(v) and v >= lowest for v in values):
        kind = "non-negative" if allow_zero else "positive"
        example = "2" if rank == 1 else f"2 or {(2,) * rank}"
        raise ValueError(f"{layer}: {what} must be a {kind} int or a tuple of {rank} {kind} ints, such as "
                         f"{example}; got {value!r}.")
    return tuple(int(v) for v in values)


def padding_mode(padding: Any, layer: str, allow_causal: bool = False) -> str:
    """Keras's padding names, case-insensitive: "valid", "same" (and "causal" for Conv1D)."""
    modes = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if isinstance(padding, str) and padding.lower() in modes:
        return padding.lower()
    listed = ", ".join(f'"{mode}"' for mode in modes)
    raise ValueError(f"{layer}: padding must be one of {listed}, got {padding!r}.")


def channels_last(data_format: Any, layer: str) -> str:
    """Only Keras's default layout, "channels_last" (None means it too)."""
    if data_format is None or data_format == "channels_last":
        return "channels_last"
    raise ValueError(f'{layer}: data_format must be "channels_last" (the default, channels as the last axis), '
                     f"got {data_format!r}; move the channels last with np.moveaxis(x, 1, -1) or a Permute layer.")


def check_rank(layer: str, shape: Sequence[Optional[int]], ndim: int, channels: bool = True) -> None:
    """Raise unless an input of `shape` (batch axis first) has `ndim` axes; for inputs with
    `channels` last (images, sequences) the message shows the layout and the missing-channel fix."""
    if len(shape) == ndim:
        return
    described = channels and ndim in LAYOUTS
    layout = f" {LAYOUTS[ndim]}, channels last," if described else ""
    hint = ""
    if len(shape) == ndim - 1:
        hint = "; for one sample add a batch axis with x[None]" + (
            ", for data without a channel axis add one with x[..., None]" if described else "")
    raise ValueError(f"{layer} expects {ndim}-D inputs{layout} but got shape {tuple(shape)}{hint}.")

def describe(layer: Any) -> str:
    """"Conv2D layer 'conv2d'": how error messages name a layer."""
    return f"{type(layer).__name__} layer {layer.name!r}"


def window_output_length(length: Optional[int], size: int, stride: int, padding: str,
                         dilation: int = 1) -> Optional[int]:
    """Window positions along an axis of `length` cells (None stays None), as Keras counts them:
    "valid": (length - span) // stride + 1 with span = (size - 1) * dilation + 1;
    "same" and "causal": ceil(length / stride)."""
    if length is None:
        return None
    if padding == "valid":
        return (length - ((size - 1) * dilation + 1)) // stride + 1
    return -(-length // stride)


def constraint_argument(value: Any, argument: str, layer: str) -> Optional[Callable]:
    """`nn.constraints.get(value)` for the argument `argument` (e.g. "kernel_constraint") of
    `layer` (as `describe` names it), with an error that names both."""
    try:
        return constraints.get(value)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{layer}, {argument}: {error}") from None
