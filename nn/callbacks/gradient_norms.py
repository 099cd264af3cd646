"""`GradientNorms`: how large each layer's gradient is, epoch by epoch."""
from __future__ import annotations

from typing import Any

import numpy as np

from nn.callbacks.core import Callback, Logs
from nn.plots.network import plot_gradient_norms


class GradientNorms(Callback):
    """Records ||dL/dw|| of each layer with trainable weights after every training batch, and
    its mean over each epoch, in ``norms[layer_name]`` (one value per epoch).

    The norm is taken over all of a layer's trainable weights together:
    sqrt(sum over its weights w of sum(dL/dw ** 2)). Layers whose norm falls far below the
    others' learn slowly (vanishing gradients); one that grows without bound is exploding.

    Example:
        >>> norms = nn.callbacks.GradientNorms()
        >>> model.fit(x, y, epochs=5, callbacks=[norms])
        >>> norms.norms["dense"], norms.plot()
    """

    def __init__(self) -> None:
        super().__init__()
        self.norms: dict[str, list[float]] = {}
        self.epochs: list[int] = []
        self._batch_norms: dict[str, list[float]] = {}

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self._batch_norms = {}

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        for layer in self.model.layers:
            grads = [w.grad.data for w in layer.trainable_weights if w.grad is not None]
            if grads:
                norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads)))
                self._batch_norms.setdefault(layer.name, []).append(norm)

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self.epochs.append(epoch + 1)
        for name, values in self._batch_norms.items():
            self.norms.setdefault(name, []).append(float(np.mean(values)))

    def plot(self) -> Any:
        """The norms per layer and epoch as a matplotlib Figure (log scale)."""
        return plot_gradient_norms(self.norms, self.epochs)
