"""Masks: which time steps of a sequence are real and which are padding, carried beside a Tensor.

A mask is a boolean array of shape ``(batch, steps)``: True where a step counts. A layer that
makes one (``Embedding(mask_zero=True)``, ``Masking``) attaches it to its output; the next
layer's ``__call__`` finds it there and hands it to ``call(..., mask=...)`` if that call takes
one (recurrent layers skip masked steps, pooling leaves them out of the average). This is
Keras's ``tensor._keras_mask``, kept in a table beside the tensor because the engine's Tensor
knows nothing of layers.
"""
from __future__ import annotations

import weakref
from typing import Any, Optional

import numpy as np

import autograd as ag

# id(tensor) -> (a weak reference to the tensor, its mask). Keyed by id, not by the tensor:
# Tensor's == is elementwise, which a dict of weak keys would call. The entry goes when the
# tensor does, and the reference check guards against an id reused since.
_MASKS: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def _forget(key: int) -> Any:
    return lambda _reference: _MASKS.pop(key, None)


def set_mask(tensor: ag.Tensor, mask: Optional[Any]) -> None:
    """Attach `mask` (booleans, batch and step axes first) to `tensor`; None removes it."""
    key = id(tensor)
    if mask is None:
        _MASKS.pop(key, None)
        return
    mask = np.asarray(mask.data if isinstance(mask, ag.Tensor) else mask).astype(bool, copy=False)
    _MASKS[key] = (weakref.ref(tensor, _forget(key)), mask)


def get_mask(tensor: Any) -> Optional[np.ndarray]:
    """The mask attached to `tensor`, or None (also for anything that is not a Tensor)."""
    entry = _MASKS.get(id(tensor))
    if entry is None or entry[0]() is not tensor:
        return None
    return entry[1]


def masks_of(inputs: Any) -> Any:
    """The mask of a tensor, or a list of masks for a list of tensors (a layer's inputs)."""
    if isinstance(inputs, (list, tuple)):
        return [get_mask(x) for x in inputs]
    return get_mask(inputs)


def any_mask(mask: Any) -> bool:
    """Whether `mask` (a mask, None, or a list of them) holds a mask at all."""
    if isinstance(mask, (list, tuple)):
        return any(m is not None for m in mask)
    return mask is not None


def attach_masks(outputs: Any, masks: Any) -> None:
    """Attach a layer's output masks: one mask to one tensor, or one each to a list of them
    (a layer returning ``(output, *states)`` masks only the output)."""
    if isinstance(outputs, (list, tuple)):
        if not isinstance(masks, (list, tuple)):
            masks = [masks] + [None] * (len(outputs) - 1)
        for output, mask in zip(outputs, masks):
            if isinstance(output, ag.Tensor):
                set_mask(output, mask)
    elif isinstance(outputs, ag.Tensor) and not isinstance(masks, (list, tuple)):
        set_mask(outputs, masks)


def masked_mean(inputs: ag.Tensor, mask: Optional[np.ndarray], axis: int = 1,
                keepdims: bool = False) -> ag.Tensor:
    """The mean over the steps axis `axis` of the steps the mask (batch, steps) keeps:
    ``sum_t m_t x_t / sum_t m_t``.

    What GlobalAveragePooling1D computes on a masked sequence (axis 1 for channels_last, 2 for
    channels_first; Keras's rule: a sample whose steps are all masked divides 0 by 0).
    Without a mask, the plain mean.
    """
    if mask is None:
        return ag.mean(inputs, axis=axis, keepdims=keepdims)
    mask = np.asarray(mask)
    shape = [1] * inputs.ndim
    shape[0], shape[axis] = mask.shape
    weights = mask.astype(inputs.dtype).reshape(shape)
    total = ag.sum(inputs * weights, axis=axis, keepdims=keepdims)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / weights.sum(axis=axis, keepdims=keepdims)
