"""`Mean`: the running mean of values given batch by batch (how `fit` tracks its loss)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from nn.metrics.base import Metric, to_array


class Mean(Metric):
    """The weighted mean of every value seen since the last reset: ``sum(w v) / sum(w)``.

    Args:
        name: the key it is logged under (default "mean").

    Example:
        >>> loss_tracker = Mean(name="loss")
        >>> loss_tracker.update_state(0.5, sample_weight=32)   # a batch of 32 with mean loss 0.5
        >>> loss_tracker.update_state(0.2, sample_weight=8)
        >>> loss_tracker.result()                               # (0.5 * 32 + 0.2 * 8) / 40
        0.44
    """

    def __init__(self, name: Optional[str] = "mean") -> None:
        super().__init__(name)
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add `values` (a number, an array or a Tensor), each weighted by `sample_weight`."""
        values = to_array(values).astype(float)
        weights = np.broadcast_to(to_array(1.0 if sample_weight is None else sample_weight).astype(float),
                                  values.shape)
        self.total += float((values * weights).sum())
        self.count += float(weights.sum())

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0
