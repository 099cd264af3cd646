"""Every primitive op, one family per file, forward and backward side by side."""
from autograd.ops.arithmetic import add, div, mul, neg, power, sub
from autograd.ops.clone import clone
from autograd.ops.conv import conv1d, conv2d, conv_transpose2d
from autograd.ops.elementwise import (abs, clip, exp, leaky_relu, log, maximum, minimum, reciprocal,
                                      relu, sigmoid, sign, softsign, sqrt, square, tanh, where)
from autograd.ops.einsum import dot, einsum, outer, tensordot
from autograd.ops.indexing import (gather, getitem, index_put, index_select, one_hot, scatter,
                                   take_along_axis, tril, triu)
from autograd.ops.linalg import det, inv, linear, matmul, solve
from autograd.ops.norms import norm, std, var
from autograd.ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from autograd.ops.rearrange import chunk, concatenate, flip, pad, repeat, roll, split, stack
from autograd.ops.recurrent import lstm_cell
from autograd.ops.reduce import all, any, argmax, argmin, cumsum, max, mean, min, prod, sum
from autograd.ops.shape import (astype, broadcast_to, expand_dims, flatten, permute, reshape, squeeze,
                                swapaxes, tile, transpose, unsqueeze)
from autograd.ops.softmax import log_softmax, logsumexp, softmax, softmax_cross_entropy
from autograd.ops.special import erf, expm1, log1p, log10, log2, softplus
from autograd.ops.trigonometric import arccos, arcsin, arctan, cos, cosh, sin, sinh, tan

__all__ = [
    "add", "sub", "mul", "div", "power", "neg",
    "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "leaky_relu",
    "maximum", "minimum", "clip", "where",
    "square", "reciprocal", "softsign", "sign",
    "log1p", "expm1", "log2", "log10", "erf", "softplus",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "matmul", "linear", "einsum", "tensordot", "outer", "dot", "inv", "det", "solve",
    "sum", "mean", "max", "min", "var", "std", "prod", "norm", "cumsum",
    "argmax", "argmin", "any", "all",
    "logsumexp", "softmax", "log_softmax", "softmax_cross_entropy",
    "reshape", "transpose", "permute", "swapaxes", "squeeze", "expand_dims", "unsqueeze", "flatten",
    "broadcast_to", "tile", "astype", "clone",
    "getitem", "take_along_axis", "gather", "index_select", "index_put", "scatter", "one_hot",
    "tril", "triu",
    "concatenate", "stack", "split", "chunk", "flip", "roll", "pad", "repeat",
    "conv1d", "conv2d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
    "lstm_cell",
]
