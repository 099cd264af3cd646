"""Shapes without data: telling a symbolic call from a real one, and running `call` on
placeholder batches to learn the output shape of a layer that does not define
`compute_output_shape` (its inner layers get built on the way).

A placeholder batch is ones (zeros for integer inputs) with each unknown size (the batch axis)
set to 2, then to 3: the output dimensions that differ between the two runs follow the unknown
sizes, and are None in the result. The runs record no gradient and use ``training=False``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
from nn import tree
from nn.layers.call_context import call_kwargs, calling
from nn.layers.node import KerasTensor, is_symbolic

PLACEHOLDER_SIZES = (2, 3)


def has_keras_tensor(args: tuple, kwargs: dict) -> bool:
    """Whether a call is symbolic; quick for the usual call on one Tensor."""
    first = args[0]
    if isinstance(first, KerasTensor):
        return True
    if isinstance(first, ag.Tensor) and len(args) == 1 and \
            not any(isinstance(v, (KerasTensor, list, tuple, dict)) for v in kwargs.values()):
        return False
    return is_symbolic((args, kwargs))


def symbolic_inputs(input_shape: Any, dtype: str) -> Any:
    """KerasTensors of the shapes in `input_shape` (a shape or a structure of shapes)."""
    return tree.map_shape_structure(lambda shape: KerasTensor(shape, dtype, name="placeholder"), input_shape)


def placeholder_outputs(layer: Any, args: tuple, kwargs: dict) -> Any:
    """A KerasTensor with the shape and dtype of each output of ``layer.call`` on placeholder
    batches standing in for the KerasTensors in `args` and `kwargs`."""
    runs = []
    for size in PLACEHOLDER_SIZES:
        values, keywords = tree.map_structure(lambda leaf: _placeholder(leaf, size), (args, kwargs))
        try:
            with calling(False), ag.no_grad(), ag.name_scope(layer.name):
                runs.append(layer.call(*values, **call_kwargs(layer, dict(keywords), training=False)))
        finally:
            layer._clear_losses()  # what a placeholder run added is no loss of a real call
    return tree.map_structure(lambda a, b: KerasTensor([m if m == n else None for m, n in zip(a.shape, b.shape)],
                                                       a.dtype, name="placeholder"), *runs)


def _placeholder(leaf: Any, size: int) -> Any:
    if not isinstance(leaf, KerasTensor):
        return leaf
    dtype = np.dtype(leaf.dtype)
    filled = np.zeros if dtype.kind in "iub" else np.ones
    return ag.Tensor(filled(tuple(size if n is None else n for n in leaf.shape), dtype=dtype), dtype=dtype)
