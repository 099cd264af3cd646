"""numpy references for the op table's rows (op_table.py) where numpy has no one function.

Each takes arrays and the row's parameters and returns what the op must return; the convolution
and pooling references are in conv_references.py.
"""
import math

import numpy as np


def np_euclidean_norm(a, axis=None, keepdims=False):
    return np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))


def np_erf(a):
    """erf by its Taylor series 2/sqrt(pi) sum (-1)^n a^(2n+1) / (n! (2n+1)), summed exactly
    (math.fsum), so the reference does not share autograd's math.erf: good to ~1e-13 for |a| <= 3."""
    def series(x):
        return 2 / math.sqrt(math.pi) * math.fsum(
            (-1) ** n * x ** (2 * n + 1) / (math.factorial(n) * (2 * n + 1)) for n in range(80))
    return np.vectorize(series, otypes=[np.float64])(a)


def np_logsumexp(a, axis=None, keepdims=False):
    shift = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=tuple(range(a.ndim)) if axis is None else axis)


def np_log_softmax(a, axis=-1):
    return a - np_logsumexp(a, axis=axis, keepdims=True)


def np_softmax_cross_entropy(z, labels):
    return -np.mean(np_log_softmax(z, axis=1)[np.arange(len(labels)), labels])


def np_lstm_cell(x, state, weights):
    """[h' | c'] by the LSTM equations in numpy (gate order i, f, g, o)."""
    h, c = np.split(state, 2, axis=1)
    bias_column = [np.ones((x.shape[0], 1))] if len(weights) > x.shape[1] + h.shape[1] else []
    i, f, g, o = np.split(np.concatenate([x, h] + bias_column, 1) @ weights, 4, axis=1)
    sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    new_c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return np.concatenate([sigmoid(o) * np.tanh(new_c), new_c], axis=1)


def np_flatten(a, start_dim, end_dim):
    if a.ndim == 0:
        return a.reshape(1)
    start, end = start_dim % a.ndim, end_dim % a.ndim
    return a.reshape(a.shape[:start] + (-1,) + a.shape[end + 1:]) if a.size else a.reshape(
        a.shape[:start] + (0,) + a.shape[end + 1:])


def weighted_pieces(pieces):
    """The pieces joined again, each scaled by its position: every piece gets its own gradient."""
    return [piece * (k + 1) for k, piece in enumerate(pieces)]


def np_chunk(a, chunks, dim):
    size = -(-a.shape[dim] // chunks)
    return np.split(a, range(size, a.shape[dim], size), axis=dim)


def np_gather(x, dim, index):
    cropped = tuple(slice(None) if d == dim % x.ndim else slice(0, n) for d, n in enumerate(index.shape))
    return np.take_along_axis(x[cropped], index, axis=dim)


def np_index_put(x, values, index, accumulate):
    out = x.copy()
    if accumulate:  # numpy 2.4's add.at misreads values it broadcasts itself
        np.add.at(out, index, np.broadcast_to(values, x[index].shape))
    else:
        out[index] = values
    return out


def np_scatter(x, src, dim, index, reduce):
    out = x.copy()
    positions = tuple(index if d == dim % x.ndim else
                      np.arange(n).reshape((-1,) + (1,) * (index.ndim - d - 1))
                      for d, n in enumerate(index.shape))
    values = src[tuple(slice(0, n) for n in index.shape)]
    if reduce == "add":
        np.add.at(out, positions, np.broadcast_to(values, index.shape))
    else:
        out[positions] = values
    return out
