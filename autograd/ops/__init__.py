"""Every primitive op, one family per file, forward and backward side by side."""
from autograd.ops.arithmetic import add, div, mul, neg, power, sub
from autograd.ops.elementwise import (abs, clip, exp, leaky_relu, log, maximum, minimum, relu,
                                      sigmoid, sqrt, tanh, where)
from autograd.ops.linalg import linear, matmul
from autograd.ops.reduce import max, mean, min, sum, var
from autograd.ops.shape import (astype, broadcast_to, expand_dims, flatten, permute, reshape, squeeze,
                                swapaxes, tile, transpose, unsqueeze)
from autograd.ops.indexing import (gather, getitem, index_put, index_select, one_hot, scatter,
                                   take_along_axis, tril, triu)
from autograd.ops.rearrange import chunk, concatenate, flip, pad, repeat, roll, split, stack
from autograd.ops.softmax import log_softmax, logsumexp, softmax, softmax_cross_entropy

__all__ = [
    "add", "sub", "mul", "div", "power", "neg",
    "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "leaky_relu",
    "maximum", "minimum", "clip", "where",
    "matmul", "linear",
    "sum", "mean", "max", "min", "var",
    "logsumexp", "softmax", "log_softmax", "softmax_cross_entropy",
    "reshape", "transpose", "permute", "swapaxes", "squeeze", "expand_dims", "unsqueeze", "flatten",
    "broadcast_to", "tile", "astype",
    "getitem", "take_along_axis", "gather", "index_select", "index_put", "scatter", "one_hot",
    "tril", "triu",
    "concatenate", "stack", "split", "chunk", "flip", "roll", "pad", "repeat",
]
