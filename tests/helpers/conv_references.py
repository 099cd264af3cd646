"""numpy loop references for convolution and pooling, channels last (NHWC), by their definitions:
one output cell and channel at a time, with Keras's padding rules. The op table (op_table.py)
checks conv2d, conv1d, conv_transpose2d and the poolings against them.
"""
import numpy as np


def np_pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def np_pads(padding, lengths, size, stride, dilation):
    """((before, after), ...) per spatial axis, by the Keras/TensorFlow rules (see the ops' docs)."""
    if padding == "valid":
        return tuple((0, 0) for _ in lengths)
    if padding == "same":
        pads = []
        for length, k, s, d in zip(lengths, size, stride, dilation):
            total = max((-(-length // s) - 1) * s + (k - 1) * d + 1 - length, 0)
            pads.append((total // 2, total - total // 2))
        return tuple(pads)
    if isinstance(padding, int):
        return tuple((padding, padding) for _ in lengths)
    return tuple(np_pair(p) for p in padding)


def np_conv2d(x, w, stride=1, padding="valid", dilation=1, groups=1):
    """The convolution by its definition, one output cell and channel at a time."""
    (sh, sw), (dh, dw) = np_pair(stride), np_pair(dilation)
    kh, kw, per_group, out_channels = w.shape
    pads = np_pads(padding, x.shape[1:3], (kh, kw), (sh, sw), (dh, dw))
    xp = np.pad(x, ((0, 0),) + pads + ((0, 0),))
    out_h, out_w = ((xp.shape[1] - (kh - 1) * dh - 1) // sh + 1, (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1)
    out = np.zeros((x.shape[0], out_h, out_w, out_channels))
    for i in range(out_h):
        for j in range(out_w):
            for o in range(out_channels):
                g = o // (out_channels // groups)
                patch = xp[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw,
                           g * per_group:(g + 1) * per_group]
                out[:, i, j, o] = np.sum(patch * w[..., o], axis=(1, 2, 3))
    return out


def np_conv1d(x, w, stride=1, padding="valid", dilation=1, groups=1):
    if not isinstance(padding, str):
        padding = ((0, 0), np_pair(padding))
    return np_conv2d(x[:, None], w[None], (1, stride), padding, (1, dilation), groups)[:, 0]


def np_conv_transpose2d(z, w, stride=1, padding="valid", output_padding=None, dilation=1, groups=1):
    """Each input cell adds z * kernel into its window of the output (Keras's Conv2DTranspose
    lengths; "same" pads as TensorFlow's conv2d of the output would)."""
    (sh, sw), (dh, dw) = np_pair(stride), np_pair(dilation)
    kh, kw, per_group, in_channels = w.shape
    lengths, pads = [], []
    for length, k, s, d, extra in zip(z.shape[1:3], (kh, kw), (sh, sw), (dh, dw),
                                      (None, None) if output_padding is None else np_pair(output_padding)):
        span = (k - 1) * d + 1
        if extra is None:
            full = length * s + (0 if padding == "same" else max(span - s, 0))
        else:
            full = (length - 1) * s + span - (2 * (span // 2) if padding == "same" else 0) + extra
        total = max((length - 1) * s + span - full, 0) if padding == "same" else 0
        lengths.append(full)
        pads.append(total // 2)
    big = np.zeros((z.shape[0], pads[0] + lengths[0] + (kh - 1) * dh + sh * z.shape[1],
                    pads[1] + lengths[1] + (kw - 1) * dw + sw * z.shape[2], per_group * groups))
    for i in range(z.shape[1]):
        for j in range(z.shape[2]):
            for o in range(in_channels):
                g = o // (in_channels // groups)
                big[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw,
                    g * per_group:(g + 1) * per_group] += z[:, i, j, o, None, None, None] * w[..., o]
    return big[:, pads[0]:pads[0] + lengths[0], pads[1]:pads[1] + lengths[1]]


def np_pool2d(x, pool_size, stride=None, padding="valid", reduce=np.max):
    """Each window clipped to the real input (so "same" padding never counts), then reduced."""
    size = np_pair(pool_size)
    stride = size if stride is None else np_pair(stride)
    pads = np_pads(padding, x.shape[1:3], size, stride, (1, 1))
    out_h, out_w = ((x.shape[a + 1] + sum(pads[a]) - size[a]) // stride[a] + 1 for a in (0, 1))
    out = np.zeros((x.shape[0], out_h, out_w, x.shape[3]))
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride[0] - pads[0][0], j * stride[1] - pads[1][0]
            window = x[:, max(top, 0):top + size[0], max(left, 0):left + size[1]]
            out[:, i, j] = reduce(window, axis=(1, 2))
    return out


def np_pool1d(x, pool_size, stride=None, padding="valid", reduce=np.max):
    return np_pool2d(x[:, None], (1, pool_size), None if stride is None else (1, stride), padding, reduce)[:, 0]
