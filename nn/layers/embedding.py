"""Embedding: integer indices (words, tokens, categories) to learned dense vectors."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn import constraints, initializers, regularizers
from nn.layers.arguments import constraint_argument, describe
from nn.layers.base import Layer, Shape


class Embedding(Layer):
    """Looks up one learned row per index: ``output[..., :] = embeddings[index]``.

    A lookup is a product with a one-hot vector, so only the rows that were looked up receive
    a gradient (rows looked up several times add their gradients up).

    Args:
        input_dim: the number of indices (the vocabulary size, largest index + 1).
        output_dim: the length of each vector.
        embeddings_initializer: default "uniform", U(-0.05, 0.05) as in Keras.
        embeddings_regularizer: a penalty on the embeddings matrix.
        embeddings_constraint: a projection of the embeddings matrix after each optimizer step
            (e.g. ``nn.constraints.UnitNorm(axis=1)`` for vectors of norm 1).
        mask_zero: index 0 is padding: the output carries a mask (False where the index is 0)
            that recurrent and pooling layers downstream use to skip those steps. Index 0
            still has a row, so input_dim must be the vocabulary size + 1.

    Shape:
        input (batch, steps) of integers (floats holding integers are accepted, as `fit`
        passes them); output (batch, steps, output_dim); embeddings (input_dim, output_dim).

    Example:
        >>> layer = Embedding(1000, 64, mask_zero=True)
        >>> layer(np.array([[4, 20, 0]])).shape
        (1, 3, 64)
    """

    supports_masking = True

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None, mask_zero: bool = False,
                 **kwargs: Any) -> None:
        kwargs.pop("input_length", None)  # Keras 2's argument; the steps come from the data
        super().__init__(**kwargs)
        for what, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"Embedding layer {self.name!r}: {what} must be a positive integer, got {value!r}.")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraint_argument(embeddings_constraint, "embeddings_constraint",
                                                         describe(self))
        self.mask_zero = bool(mask_zero)
        self.embeddings: Optional[ag.Tensor] = None

    def build(self, input_shape: Shape) -> None:
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs: ag.Tensor, training: Optional[bool] = None) -> ag.Tensor:
        indices = self._indices(inputs)
        rows = ag.index_select(self.embeddings, 0, indices.reshape(-1))
        return rows.reshape((*indices.shape, self.output_dim))

    def _indices(self, inputs: ag.Tensor) -> np.ndarray:
        values = inputs.data
        if values.dtype.kind == "f":
            if not np.all(values == np.round(values)):
                raise ValueError(f"Embedding layer {self.name!r} looks up integer indices, but its input holds "
                                 f"fractions (e.g. {values[values != np.round(values)].flat[0]}); pass the "
                                 f"token indices, not features.")
            values = values.astype(np.int64)
        elif values.dtype.kind not in "iu":
            raise TypeError(f"Embedding layer {self.name!r} looks up integer indices, got dtype {values.dtype}.")
        if values.size and (values.min() < 0 or values.max() >= self.input_dim):
            bad = values.max() if values.max() >= self.input_dim else values.min()
            raise ValueError(f"Embedding layer {self.name!r} has input_dim={self.input_dim}, so indices must lie in "
                             f"0..{self.input_dim - 1}, but the input holds {int(bad)}; raise input_dim to the "
                             f"vocabulary size (+1 for the padding index 0 with mask_zero).")
        return values

    def compute_mask(self, inputs: ag.Tensor, mask: Any) -> Optional[np.ndarray]:
        """False where the index is 0 (padding), under mask_zero; no mask otherwise."""
        return inputs.data != 0 if self.mask_zero else None

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*input_shape, self.output_dim)

    def get_config(self) -> dict:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero}
