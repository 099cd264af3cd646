"""Attention over a sequence: each query step takes a softmax-weighted average of the value steps.

`Attention` scores a query against a key by their dot product (Luong et al., 2015),
`AdditiveAttention` by ``sum(scale * tanh(q + k))`` (Bahdanau et al., 2015). Both take the
list ``[query, value]`` or ``[query, value, key]`` (the key defaults to the value).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from nn.layers.base import Layer, Shape
from nn.utils import get_rng

# What masked scores lose before the softmax (Keras's 1e9): their weight underflows to 0.
MASKED_SCORE_OFFSET = 1e9


def causal_mask(query_steps: int, value_steps: int) -> np.ndarray:
    """(1, Tq, Tv) booleans, True where value step s <= query step t: no peeking ahead."""
    return np.tril(np.ones((query_steps, value_steps), dtype=bool))[None]


def attention_dropout(weights: ag.Tensor, rate: float, rng: Optional[np.random.Generator],
                      training: Optional[bool]) -> ag.Tensor:
    """Inverted dropout on attention weights in training: drop with probability `rate`, scale the rest."""
    if not training or rate == 0.0:
        return weights
    keep = (rng if rng is not None else get_rng()).random(weights.shape) >= rate
    return weights * (keep.astype(weights.dtype) / weights.dtype.type(1.0 - rate))


class Attention(Layer):
    """Dot-product attention: ``softmax(q k^T) v`` over ``[query, value]`` or ``[query, value, key]``.

    Args:
        use_scale: learn a scalar that multiplies the scores (a learned temperature).
        score_mode: "dot" (``q . k``) or "concat" (``sum(tanh(q + k))``, times a learned scalar).
        dropout: fraction of the attention weights to drop in training.
        seed: a seed for the dropout.

    Call arguments: ``layer([query, value, key], mask=None, training=None,
    return_attention_scores=False, use_causal_mask=False)``; the masks (a list [query_mask,
    value_mask]) come from the inputs unless given: masked value steps get no weight, masked
    query steps output zeros.

    Shape:
        query (batch, Tq, dim), value (batch, Tv, dim), key (batch, Tv, dim);
        output (batch, Tq, dim); scores (batch, Tq, Tv).
    """

    supports_masking = True

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: Optional[int] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: score_mode must be 'dot' or 'concat', "
                             f"got {score_mode!r}.")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: dropout must lie in [0, 1), got {dropout!r}.")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self.scale: Optional[ag.Tensor] = None
        self.concat_score_weight: Optional[ag.Tensor] = None

    def build(self, input_shape: Any) -> None:
        self._check_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones")

    def _check_inputs(self, inputs: Any) -> None:
        if not isinstance(inputs, list) or not 2 <= len(inputs) <= 3:
            raise ValueError(f"{type(self).__name__} layer {self.name!r} is called on a list [query, value] or "
                             f"[query, value, key], got {type(inputs).__name__}.")

    def scores(self, query: ag.Tensor, key: ag.Tensor) -> ag.Tensor:
        """(batch, Tq, Tv) scores of every query step against every key step."""
        if self.score_mode == "dot":
            scores = query @ ag.swapaxes(key, -2, -1)
            return scores * self.scale if self.scale is not None else scores
        pairs = ag.expand_dims(query, -2) + ag.expand_dims(key, -3)  # (batch, Tq, Tv, dim)
        if self.scale is not None:
            pairs = pairs * self.scale
        return self.concat_score_weight * ag.sum(ag.tanh(pairs), axis=-1)

    def call(self, inputs: list, mask: Any = None, training: Optional[bool] = None,
             return_attention_scores: bool = False, use_causal_mask: bool = False) -> Any:
        self._check_inputs(inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask, value_mask = (mask[0], mask[1]) if mask else (None, None)
        scores = self.scores(query, key)
        keep = None if value_mask is None else np.asarray(value_mask, dtype=bool)[:, None, :]
        if use_causal_mask:
            causal = causal_mask(scores.shape[-2], scores.shape[-1])
            keep = causal if keep is None else keep & causal
        if keep is not None:
            scores = ag.where(keep, scores, scores - MASKED_SCORE_OFFSET)
        weights = ag.softmax(scores, axis=-1)
        output = attention_dropout(weights, self.dropout, self._rng, training) @ value
        if query_mask is not None:
            output = ag.where(np.asarray(query_mask, dtype=bool)[..., None], output, 0.0)
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        """The query's mask: a masked query step stays masked."""
        return mask[0] if mask else None

    def compute_output_shape(self, input_shape: Any) -> Shape:
        return (*input_shape[0][:-1], input_shape[1][-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention: scores ``sum(scale * tanh(q + k))`` over the features.

    Args:
        use_scale: learn a vector `scale` (dim,) weighting the features of tanh(q + k)
            (default True; without it each feature weighs 1).
        dropout: fraction of the attention weights to drop in training.

    Calls and shapes as `Attention`.
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._check_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],), initializer="glorot_uniform")

    def scores(self, query: ag.Tensor, key: ag.Tensor) -> ag.Tensor:
        features = ag.tanh(ag.expand_dims(query, -2) + ag.expand_dims(key, -3))  # (batch, Tq, Tv, dim)
        if self.scale is not None:
            features = features * self.scale
        return ag.sum(features, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
