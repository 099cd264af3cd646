"""MultiHeadAttention (Vaswani et al., 2017): several attentions side by side, each in its own
learned projection of the inputs, their results projected back together."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

import autograd as ag
from nn import constraints, initializers, regularizers
from nn.layers.arguments import constraint_argument, describe
from nn.layers.attention import attention_dropout, causal_mask
from nn.layers.base import Layer, Shape
from nn.layers.masks import get_mask
from nn.layers.node import KerasTensor
from nn.utils import to_tensor

# What masked scores become before the softmax (Keras's -1e9): their weight underflows to 0.
MASKED_SCORE = -1e9


class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention.

    For each head h: ``Q_h = query W_q[h] + b_q[h]``, ``K_h = key W_k[h] + b_k[h]``,
    ``V_h = value W_v[h] + b_v[h]``; ``A_h = softmax(Q_h K_h^T / sqrt(key_dim))`` over the value
    steps; then ``output = sum_h (A_h V_h) W_o[h] + b_o``.

    Args:
        num_heads: the number of heads.
        key_dim: the size of each head's queries and keys.
        value_dim: the size of each head's values (default key_dim).
        dropout: fraction of the attention weights to drop in training.
        use_bias: add the projections' biases.
        output_shape: the size of the output's last axis (default: the query's).
        kernel_initializer, bias_initializer: default "glorot_uniform" and "zeros".
        kernel_regularizer, bias_regularizer: penalties on the projections.
        kernel_constraint, bias_constraint: projections of the weights after each optimizer step.
        seed: a seed for the dropout.

    Call arguments: ``layer(query, value, key=None, query_mask=None, value_mask=None,
    key_mask=None, attention_mask=None, return_attention_scores=False, training=None,
    use_causal_mask=False)``. `attention_mask` (batch, Tq, Tv) is True where a query step may
    attend to a value step; the query, value and key masks (batch, steps) come from the inputs
    (e.g. ``Embedding(mask_zero=True)``) unless given; `use_causal_mask` lets step t attend to
    steps <= t only. With return_attention_scores the layer returns ``output, scores``.

    Shape:
        query (batch, Tq, dim), value (batch, Tv, dim_v), key (batch, Tv, dim_k); output
        (batch, Tq, output_shape or dim); scores (batch, num_heads, Tq, Tv). Weights, in
        Keras's order: query kernel (dim, heads, key_dim) and bias (heads, key_dim), key kernel
        and bias likewise, value kernel (dim_v, heads, value_dim) and bias (heads, value_dim),
        output kernel (heads, value_dim, out) and bias (out,).

    Example:
        >>> attention = MultiHeadAttention(num_heads=2, key_dim=8)
        >>> x = np.ones((4, 10, 16), dtype="float32")
        >>> attention(x, x, use_causal_mask=True).shape
        (4, 10, 16)
    """

    supports_masking = True

    def __init__(self, num_heads: int, key_dim: int, value_dim: Optional[int] = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: Any = None, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 seed: Optional[int] = None, *, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for what, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                                      or value <= 0):
                raise ValueError(f"MultiHeadAttention layer {self.name!r}: {what} must be a positive integer, "
                                 f"got {value!r}.")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"MultiHeadAttention layer {self.name!r}: dropout must lie in [0, 1), got {dropout!r}.")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        if isinstance(output_shape, (int, np.integer)):
            output_shape = (int(output_shape),)
        self.output_shape = None if not output_shape else tuple(int(n) for n in output_shape)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraint_argument(kernel_constraint, "kernel_constraint", describe(self))
        self.bias_constraint = constraint_argument(bias_constraint, "bias_constraint", describe(self))
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    # ---- weights ---------------------------------------------------------------------------------
    def __call__(self, query: Any, value: Any, key: Any = None, **kwargs: Any) -> Any:
        """Build from the query's, value's and key's shapes on the first call, then run."""
        if not self.built:
            key_shape = None if key is None else _shape_of(key)
            self.build(_shape_of(query), _shape_of(value), key_shape)
            self.built = True
        return super().__call__(query, value, key, **kwargs)

    def build(self, query_shape: Shape, value_shape: Shape = None, key_shape: Optional[Shape] = None) -> None:
        """The four projections, in Keras's order: query, key, value, output."""
        if value_shape is None:
            raise ValueError(f"MultiHeadAttention layer {self.name!r} builds from the query's and the value's "
                             f"shapes: call it as layer(query, value) (value=query for self-attention).")
        key_shape = value_shape if key_shape is None else key_shape
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(f"MultiHeadAttention layer {self.name!r} takes {what} of shape (batch, steps, "
                                 f"features), got {tuple(shape)}.")
        heads = self.num_heads
        self.query_kernel, self.query_bias = self._projection("query", query_shape[-1], (heads, self.key_dim))
        self.key_kernel, self.key_bias = self._projection("key", key_shape[-1], (heads, self.key_dim))
        self.value_kernel, self.value_bias = self._projection("value", value_shape[-1], (heads, self.value_dim))
        out = self.output_shape or (query_shape[-1],)
        self.output_kernel = self.add_weight(name="attention_output/kernel", shape=(heads, self.value_dim, *out),
                                             initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                             constraint=self.kernel_constraint)
        self.output_bias = (self.add_weight(name="attention_output/bias", shape=out, initializer=self.bias_initializer,
                                            regularizer=self.bias_regularizer, constraint=self.bias_constraint)
                            if self.use_bias else None)

    def _projection(self, name: str, features: int, heads_shape: tuple) -> tuple[ag.Tensor, Optional[ag.Tensor]]:
        kernel = self.add_weight(f"{name}/kernel", (features, *heads_shape), self.kernel_initializer,
                                 self.kernel_regularizer, constraint=self.kernel_constraint)
        bias = (self.add_weight(f"{name}/bias", heads_shape, self.bias_initializer, self.bias_regularizer,
                                constraint=self.bias_constraint) if self.use_bias else None)
        return kernel, bias

    # ---- running ---------------------------------------------------------------------------------
    def call(self, query: ag.Tensor, value: Any, key: Any = None, query_mask: Any = None, value_mask: Any = None,
             key_mask: Any = None, attention_mask: Any = None, return_attention_scores: bool = False,
             training: Optional[bool] = None, use_causal_mask: bool = False) -> Any:
        value = to_tensor(value)
        key = value if key is None else to_tensor(key)
        keep = self._attention_mask(query, value, key, query_mask, value_mask, key_mask, attention_mask,
                                    use_causal_mask)
        queries = self._project(query, self.query_kernel, self.query_bias) * (1.0 / math.sqrt(self.key_dim))
        keys = self._project(key, self.key_kernel, self.key_bias)
        values = self._project(value, self.value_kernel, self.value_bias)
        scores = ag.einsum("bshk,bthk->bhts", keys, queries)
        if keep is not None:
            scores = ag.where(keep[:, None], scores, MASKED_SCORE)
        weights = ag.softmax(scores, axis=-1)
        if keep is not None:  # a query step that may attend to nothing gets zeros, not a uniform average
            weights = ag.where(keep[:, None], weights, 0.0)
        mixed = ag.einsum("bhts,bshv->bthv", attention_dropout(weights, self.dropout, self._rng, training), values)
        output = self._output(mixed)
        return (output, weights) if return_attention_scores else output

    def _project(self, x: ag.Tensor, kernel: ag.Tensor, bias: Optional[ag.Tensor]) -> ag.Tensor:
        """(batch, steps, features) -> (batch, steps, heads, size)."""
        projected = ag.einsum("btd,dhk->bthk", x, kernel)
        return projected + bias if bias is not None else projected

    def _output(self, mixed: ag.Tensor) -> ag.Tensor:
        """(batch, Tq, heads, value_dim) -> (batch, Tq, *output_shape), summing over the heads."""
        kernel = self.output_kernel
        flat = kernel.reshape((kernel.shape[0], kernel.shape[1], -1))
        output = ag.einsum("bthv,hvo->bto", mixed, flat)
        output = output.reshape((*mixed.shape[:2], *kernel.shape[2:]))
        return output + self.output_bias if self.output_bias is not None else output

    def _attention_mask(self, query: ag.Tensor, value: ag.Tensor, key: ag.Tensor, query_mask: Any, value_mask: Any,
                        key_mask: Any, attention_mask: Any, use_causal_mask: bool) -> Optional[np.ndarray]:
        """(batch, Tq, Tv) booleans, True where query step t may attend to value step s: the AND of
        attention_mask, the query's, value's and key's masks (as Keras reads them) and the causal mask."""
        query_mask = get_mask(query) if query_mask is None else query_mask
        value_mask = get_mask(value) if value_mask is None else value_mask
        key_mask = get_mask(key) if key_mask is None and key is not value else key_mask
        keep = None
        for part, expand in ((query_mask, -1), (value_mask, -2), (key_mask, -2)):
            if part is not None:
                part = np.expand_dims(np.asarray(part.data if isinstance(part, ag.Tensor) else part, dtype=bool),
                                      expand)
                keep = part if keep is None else keep & part
        if use_causal_mask:
            causal = causal_mask(query.shape[1], value.shape[1])
            keep = causal if keep is None else keep & causal
        if attention_mask is not None:
            given = np.asarray(attention_mask.data if isinstance(attention_mask, ag.Tensor) else attention_mask,
                               dtype=bool)
            keep = given if keep is None else keep & given
        if keep is None:
            return None
        return np.broadcast_to(keep, (query.shape[0], query.shape[1], value.shape[1]))

    def compute_output_shape(self, query_shape: Shape, value_shape: Any = None, key_shape: Any = None) -> Shape:
        return (*query_shape[:-1], *(self.output_shape or query_shape[-1:]))

    def get_config(self) -> dict:
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": None if self.output_shape is None else list(self.output_shape),
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "seed": self.seed}


def _shape_of(x: Any) -> Shape:
    """The shape of a call argument: a KerasTensor's (in a functional model) or the data's."""
    return x.shape if isinstance(x, KerasTensor) else to_tensor(x).shape
