"""Every primitive op, one family per file, forward and backward side by side."""
from autograd.ops.arithmetic import add, div, mul, neg, power, sub
from autograd.ops.clone import clone
from autograd.ops.elementwise import (abs, clip, exp, leaky_relu, log, maximum, minimum, relu,
                                      sigmoid, sqrt, tanh, where)
from autograd.ops.linalg import linear, matmul
from autograd.ops.reduce import max, mean, min, sum, var
from autograd.ops.shape import (astype, broadcast_to, concatenate, expand_dims, getitem, reshape,
                                squeeze, stack, swapaxes, transpose)
from autograd.ops.softmax import log_softmax, logsumexp, softmax, softmax_cross_entropy

__all__ = [
    "add", "sub", "mul", "div", "power", "neg",
    "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "leaky_relu",
    "maximum", "minimum", "clip", "where",
    "matmul", "linear",
    "sum", "mean", "max", "min", "var",
    "logsumexp", "softmax", "log_softmax", "softmax_cross_entropy",
    "reshape", "transpose", "swapaxes", "squeeze", "expand_dims", "broadcast_to", "getitem",
    "concatenate", "stack", "astype", "clone",
]
