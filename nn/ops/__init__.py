"""`nn.ops`: Keras 3's ``keras.ops`` on autograd Tensors, so a custom layer, loss or metric written
with ``from keras import ops`` runs here with ``from nn import ops``.

Every function takes Keras's arguments with Keras's defaults (tests/nn/test_ops.py checks the
signatures and the values against ``keras.ops``) and is a few lines on autograd's own functions,
so gradients flow through them as through any Tensor expression. Three families, as Keras lays
them out:

- `core`: ``convert_to_tensor``, ``convert_to_numpy``, ``cast``, ``shape``, ``stop_gradient``;
- `array_math`: numpy's functions (``matmul``, ``sum``, ``mean``, ``reshape``, ``where``, ...);
- `activations`: the neural-network functions (``relu``, ``softmax``, ``one_hot``, ``moments``, ...).

Left out: ops on KerasTensors (a functional model's math goes through layers), sparse and
ragged tensors, control flow (``cond``, ``scan``, ``while_loop``), linear algebra beyond
``matmul``/``dot``/``einsum``/``tensordot``, images, signal processing and the convolutions (use
the layers or ``autograd.conv2d``).
"""
from nn.ops.activations import (elu, gelu, hard_sigmoid, leaky_relu, log_softmax, moments, one_hot, relu, relu6,
                                selu, sigmoid, silu, softmax, softplus, softsign, swish)
from nn.ops.array_math import (abs, absolute, add, all, any, arange, argmax, argmin, broadcast_to, clip,
                               concatenate, cos, cumsum, divide, dot, einsum, equal, erf, exp, expand_dims, eye,
                               flip, floor, full, greater, greater_equal, isfinite, isnan, less, less_equal,
                               linspace, log, log1p, logsumexp, matmul, max, maximum, mean, min, minimum, multiply,
                               negative, norm, not_equal, ones, ones_like, outer, pad, power, prod, reciprocal,
                               repeat, reshape, roll, round, rsqrt, sign, sin, sqrt, square, squeeze, stack, std,
                               subtract, sum, swapaxes, take, take_along_axis, tanh, tensordot, tile, transpose,
                               tril, triu, true_divide, var, where, zeros, zeros_like)
from nn.ops.core import cast, convert_to_numpy, convert_to_tensor, shape, stop_gradient

__all__ = [
    # core
    "convert_to_tensor", "convert_to_numpy", "cast", "shape", "stop_gradient",
    # activations
    "relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "gelu", "elu", "selu", "hard_sigmoid",
    "leaky_relu", "softmax", "log_softmax", "one_hot", "moments",
    # array math
    "abs", "absolute", "add", "all", "any", "arange", "argmax", "argmin", "broadcast_to", "clip", "concatenate",
    "cos", "cumsum", "divide", "dot", "einsum", "equal", "erf", "exp", "expand_dims", "eye", "flip", "floor", "full",
    "greater", "greater_equal", "isfinite", "isnan", "less", "less_equal", "linspace", "log", "log1p",
    "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum", "multiply", "negative", "norm", "not_equal",
    "ones", "ones_like", "outer", "pad", "power", "prod", "reciprocal", "repeat", "reshape", "roll", "round",
    "rsqrt", "sign", "sin", "sqrt", "square", "squeeze", "stack", "std", "subtract", "sum", "swapaxes", "take",
    "take_along_axis", "tanh", "tensordot", "tile", "transpose", "tril", "triu", "true_divide", "var", "where",
    "zeros", "zeros_like",
]
