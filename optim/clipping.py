"""Gradient clipping on numpy arrays, as Keras's ``clipnorm``, ``clipvalue``, ``global_clipnorm``.

Each function returns new arrays (or the untouched input) and never writes into the gradients,
which may be shared with other tensors.
"""
from __future__ import annotations

from typing import Optional

import numpy as np


def clip_by_value(grads: list[np.ndarray], clipvalue: float) -> list[np.ndarray]:
    """Each element clipped into ``[-clipvalue, clipvalue]``."""
    return [np.clip(g, -clipvalue, clipvalue) for g in grads]


def clip_by_norm(grads: list[np.ndarray], clipnorm: float) -> list[np.ndarray]:
    """Each gradient rescaled to L2 norm at most `clipnorm`: ``g * clipnorm / max(||g||, clipnorm)``."""
    return [_rescale(g, clipnorm, float(np.linalg.norm(g))) for g in grads]


def clip_by_global_norm(grads: list[np.ndarray], clipnorm: float) -> list[np.ndarray]:
    """All gradients rescaled together so the norm of their concatenation is at most `clipnorm`."""
    global_norm = float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))
    return [_rescale(g, clipnorm, global_norm) for g in grads]


def _rescale(g: np.ndarray, clipnorm: float, norm: float) -> np.ndarray:
    if norm <= clipnorm:
        return g
    return g * g.dtype.type(clipnorm / norm)


def clip_gradients(grads: list[np.ndarray], clipnorm: Optional[float] = None,
                   clipvalue: Optional[float] = None,
                   global_clipnorm: Optional[float] = None) -> list[np.ndarray]:
    """Apply whichever one of the three clipping options is set (at most one may be)."""
    if clipnorm is not None:
        return clip_by_norm(grads, clipnorm)
    if global_clipnorm is not None:
        return clip_by_global_norm(grads, global_clipnorm)
    if clipvalue is not None:
        return clip_by_value(grads, clipvalue)
    return grads
