"""Convolutions in Keras's channels-last layout: conv1d, conv2d, conv_transpose2d.

Inputs are NHWC (batch, height, width, channels; NWC in 1-D), kernels HWIO (kernel height,
kernel width, input channels per group, output channels; WIO in 1-D). Like every deep-learning
library, a "convolution" is a cross-correlation (the kernel is not flipped):

    out[n, i, j, o] = sum_{a, b, c} xpad[n, i*sh + a*dh, j*sw + b*dw, g*Cg + c] * w[a, b, c, o]

with strides (sh, sw), dilations (dh, dw), Cg = channels // groups and g = o // (out_channels //
groups) the group of output channel o. It is bilinear in (x, w), so three maps say everything:

    conv2d(x, w)            x -> out     the forward pass
    conv_transpose2d(g, w)  g -> x-like  d/dx of sum(conv2d(x, w) * g)
    kernel gradient(x, g)   x -> w-like  d/dw of sum(conv2d(x, w) * g)

and the derivatives of each are the other two, so gradients of gradients stay among them.

Speed: the forward is one strided view of every window (`as_strided`) copied into a matrix and
one matrix product (im2col); the kernel gradient reuses that matrix in one more product; the
input gradient is one small product per kernel offset (kh*kw of them), added into place.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd.function import Function
from autograd.ops._common import lift, lift_pair, unbroadcast
from autograd.ops._windows import Padding, Window, check_fits, int_pair, padded, resolve_padding
from autograd.tensor import Tensor


# ---- the three maps on arrays -------------------------------------------------------------------
def columns(x: np.ndarray, window: Window, groups: int) -> np.ndarray:
    """im2col: each window position as one row of its cells in the kernel's (a, b, c) order, per
    group: shape (groups, N * out_h * out_w, kh * kw * Cg). One strided view, one copy."""
    xp = padded(x, window.pads)
    n, height, width, channels = x.shape
    (out_h, out_w), (kh, kw), per_group = window.output_size(height, width), window.size, channels // groups
    s_n, s_h, s_w, s_c = xp.strides
    (step_h, step_w), (gap_h, gap_w) = window.stride, window.dilation
    view = as_strided(xp, (n, out_h, out_w, kh, kw, groups, per_group),
                      (s_n, s_h * step_h, s_w * step_w, s_h * gap_h, s_w * gap_w, s_c * per_group, s_c),
                      writeable=False)
    rows, cells = n * out_h * out_w, kh * kw * per_group
    if groups == 1:
        return view.reshape((1, rows, cells))
    return view.transpose(5, 0, 1, 2, 3, 4, 6).reshape((groups, rows, cells))


def _by_group(a: np.ndarray, groups: int) -> np.ndarray:
    """(N, H, W, C) as (groups, N*H*W, C // groups), a view."""
    return a.reshape((math.prod(a.shape[:-1]), groups, a.shape[-1] // groups)).transpose(1, 0, 2)


def convolve(cols: np.ndarray, w: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
    """conv2d from the columns of x: one (batched over groups) matrix product."""
    groups = cols.shape[0]
    kernel_rows = w.reshape((-1, groups, w.shape[-1] // groups)).transpose(1, 0, 2)
    return np.matmul(cols, kernel_rows).transpose(1, 0, 2).reshape(out_shape)


def kernel_gradient(cols: np.ndarray, grad: np.ndarray, kernel_shape: tuple[int, ...]) -> np.ndarray:
    """d/dw of sum(conv2d(x, w) * grad) = columns(x)^T @ grad, per group."""
    per_group = np.matmul(cols.transpose(0, 2, 1), _by_group(grad, cols.shape[0]))
    return per_group.transpose(1, 0, 2).reshape(kernel_shape)


def input_gradient(grad: np.ndarray, w: np.ndarray, window: Window, groups: int,
                   x_shape: tuple[int, ...]) -> np.ndarray:
    """d/dx of sum(conv2d(x, w) * grad): every kernel offset (a, b) sends grad @ w[a, b]^T back to
    the input cells it read (col2im), one matrix product and one strided add per offset."""
    n, height, width, channels = x_shape
    (out_h, out_w), per_group = grad.shape[1:3], channels // groups
    grad_rows = _by_group(grad, groups)
    taps = w.reshape(window.size + (per_group, groups, -1)).transpose(0, 1, 3, 4, 2)  # (a, b, g, o, c)
    padded_h, padded_w = window.padded_size(height, width)
    result = np.zeros((n, padded_h, padded_w, groups, per_group), dtype=np.result_type(grad, w))
    for a, b, index in window.offsets((out_h, out_w)):
        piece = np.matmul(grad_rows, taps[a, b])  # (groups, N*out_h*out_w, Cg)
        result[index] += piece.reshape((groups, n, out_h, out_w, per_group)).transpose(1, 2, 3, 0, 4)
    result = result.reshape((n, padded_h, padded_w, channels))
    return result if window.pads == ((0, 0), (0, 0)) else result[window.interior(height, width)]


def recorded_kernel_gradient(x: Tensor, grad: Tensor, window: Window, groups: int,
                             kernel_shape: tuple[int, ...]) -> Tensor:
    """The kernel gradient as recorded ops, so that it can be differentiated again: a conv2d of
    x with grad as the kernel, batch and channel axes swapped, stride and dilation swapped:
    dw[a, b, c, o] = sum_{n, i, j} xpad[n, i*s + a*d, j*s + b*d, c] grad[n, i, j, o]."""
    n, height, width, channels = x.shape
    per_group = channels // groups
    images = x.reshape((n, height, width, groups, per_group)).transpose((4, 1, 2, 3, 0))
    images = images.reshape((per_group, height, width, groups * n))  # channel (g, n) in group g
    kernel = grad.transpose((1, 2, 0, 3))  # (out_h, out_w, N, out_channels): HWIO
    swapped = Window(grad.shape[1:3], window.dilation, window.stride, window.pads)
    full = Conv2d.apply(images, kernel, window=swapped, groups=groups)  # (Cg, >=kh, >=kw, O)
    return full[:, :kernel_shape[0], :kernel_shape[1], :].transpose((1, 2, 0, 3))


# ---- the ops ------------------------------------------------------------------------------------
class Conv2d(Function):
    """out = x ⋆ w over NHWC windows; dx = conv_transpose2d(grad, w), dw = x ⋆ grad.

    A plain backward works on arrays and reuses the forward's columns; a recorded one
    (create_graph=True) applies the ops themselves, so it can be differentiated again.
    """

    name = "conv2d"
    derivatives = ("conv_transpose2d(grad, {1})", "{0} correlated with grad", "grad summed over every position")

    def __init__(self, window: Window, groups: int, keep_columns: bool = True) -> None:
        self.window, self.groups, self.keep_columns = window, groups, keep_columns

    def forward(self, x, w, bias=None):
        n, height, width, _ = x.shape
        cols = columns(x, self.window, self.groups)
        # The columns serve the kernel gradient only: a kernel without one (frozen) frees them now.
        self.saved = cols if self.keep_columns else None
        out = convolve(cols, w, (n, *self.window.output_size(height, width), w.shape[-1]))
        if bias is not None:  # added in place: no second output-sized array
            out += bias
        return out

    def backward(self, grad, out):
        x, w = self.inputs(grad)[:2]
        needs = self.needs_input_grad
        window, groups = self.window, self.groups
        if isinstance(grad, Tensor):
            grads = (ConvTranspose2d.apply(grad, w, window=window, groups=groups, out_hw=x.shape[1:3])
                     if needs[0] else None,
                     recorded_kernel_gradient(x, grad, window, groups, w.shape) if needs[1] else None)
        else:
            cols = self.saved if self.saved is not None or not needs[1] else columns(x, window, groups)
            grads = (input_gradient(grad, w, window, groups, x.shape) if needs[0] else None,
                     kernel_gradient(cols, grad, w.shape) if needs[1] else None)
        if len(self.parents) == 3:
            grads += (unbroadcast(grad, (w.shape[-1],)) if needs[2] else None,)
        return grads


class ConvTranspose2d(Function):
    """out = d/dx sum(conv2d(x, w) * z): each cell of z spreads z * w over the window it came
    from. dz = conv2d(grad, w), dw = grad ⋆ z (the kernel gradient with x = grad)."""

    name = "conv_transpose2d"
    derivatives = ("conv2d(grad, {1})", "grad correlated with {0}")

    def __init__(self, window: Window, groups: int, out_hw: tuple[int, int]) -> None:
        self.window, self.groups, self.out_hw = window, groups, out_hw

    def forward(self, z, w):
        out_shape = (z.shape[0], *self.out_hw, w.shape[2] * self.groups)
        return input_gradient(z, w, self.window, self.groups, out_shape)

    def backward(self, grad, out):
        z, w = self.inputs(grad)
        need_z, need_w = self.needs_input_grad
        window, groups = self.window, self.groups
        if isinstance(grad, Tensor):
            return (Conv2d.apply(grad, w, window=window, groups=groups) if need_z else None,
                    recorded_kernel_gradient(grad, z, window, groups, w.shape) if need_w else None)
        cols = columns(grad, window, groups)
        return (convolve(cols, w, z.shape) if need_z else None,
                kernel_gradient(cols, z, w.shape) if need_w else None)


# ---- checks and public functions -----------------------------------------------------------------
def _check_ranks(op: str, x_shape: tuple, k_shape: tuple, groups: Any, rank: int, kernel_layout: str) -> None:
    layout = "(batch, height, width, channels)" if rank == 2 else "(batch, length, channels)"
    if len(x_shape) != rank + 2:
        raise ValueError(f"{op}: the input must be {rank + 2}-D {layout}, channels last, got shape "
                         f"{x_shape}; for a single example add a batch axis with x[None].")
    if len(k_shape) != rank + 2:
        raise ValueError(f"{op}: the kernel must be {rank + 2}-D {kernel_layout}, got shape {k_shape}.")
    if 0 in k_shape[:rank]:
        raise ValueError(f"{op}: the kernel of shape {k_shape} has an empty spatial axis.")
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}.")


def _check_channels(op: str, x_shape: tuple, k_shape: tuple, groups: int, rank: int) -> None:
    """The input's channels split into `groups`, each read by the kernel's in_channels // groups."""
    spatial = "kernel_height, kernel_width" if rank == 2 else "kernel_length"
    _check_ranks(op, x_shape, k_shape, groups, rank, f"({spatial}, in_channels // groups, out_channels)")
    channels, per_group, outputs = x_shape[-1], k_shape[-2], k_shape[-1]
    if channels % groups or outputs % groups:
        raise ValueError(f"{op}: groups={groups} must divide both the input's {channels} channels "
                         f"(shape {x_shape}) and the kernel's {outputs} output channels (shape {k_shape}).")
    if per_group * groups != channels:
        raise ValueError(f"{op}: the kernel of shape {k_shape} reads {per_group} channels per group, so with "
                         f"groups={groups} it needs an input with {per_group * groups} channels, but the "
                         f"input of shape {x_shape} has {channels}; give the kernel {channels // groups} "
                         f"there (in_channels // groups).")


def _bias(op: str, bias: Optional[Any], kernel: Tensor) -> tuple[Tensor, ...]:
    """() without a bias, else (bias,) as a Tensor of the kernel's dtype, one per output channel."""
    if bias is None:
        return ()
    bias = lift(bias, kernel)
    if bias.shape != (kernel.shape[-1],):
        raise ValueError(f"{op}: the bias must have shape ({kernel.shape[-1]},), one value per output channel of "
                         f"the kernel of shape {kernel.shape}; got shape {bias.shape}.")
    return (bias,)


def _conv_window(op: str, x_shape: tuple, k_shape: tuple, stride: Any, padding: Padding,
                 dilation: Any, groups: Any, rank: int) -> Window:
    _check_channels(op, x_shape, k_shape, groups, rank)
    size = int_pair(k_shape[:rank], "the kernel's spatial size", op, rank)
    stride, dilation = int_pair(stride, "stride", op, rank), int_pair(dilation, "dilation", op, rank)
    in_hw = tuple(x_shape[1:3]) if rank == 2 else (1, x_shape[1])
    window = Window(size, stride, dilation, resolve_padding(padding, op, in_hw, size, stride, dilation, rank))
    check_fits(op, window, in_hw, x_shape, "kernel", rank)
    return window


def conv2d(x: Any, kernel: Any, stride: Any = 1, padding: Padding = "valid", dilation: Any = 1,
           groups: int = 1, bias: Optional[Any] = None) -> Tensor:
    """2-D convolution (cross-correlation), channels last, plus an optional bias per output channel.

    Args:
        x: (batch, height, width, in_channels), NHWC.
        kernel: (kernel_height, kernel_width, in_channels // groups, out_channels), HWIO as in Keras.
        stride: an int or (stride_h, stride_w).
        padding: "valid" (none), "same" (output size ceil(input / stride); an odd padding cell
            goes to the bottom/right, as in Keras and TensorFlow), an int for every side, one int
            per axis, or ((top, bottom), (left, right)).
        dilation: an int or a pair: the gap between the kernel's cells.
        groups: split the channels into this many independent convolutions; output channel o
            reads group o // (out_channels // groups). groups == in_channels is a depthwise
            convolution: a Keras DepthwiseConv2D kernel (kh, kw, in, mult) reshaped to
            (kh, kw, 1, in * mult).
        bias: None, or (out_channels,) added to every position in the same step (a layer's bias;
            its gradient is grad summed over batch, height and width).

    Returns:
        (batch, out_h, out_w, out_channels), out = (padded - dilated kernel) // stride + 1.
    """
    x, kernel = lift_pair(x, kernel)
    window = _conv_window("conv2d", x.shape, kernel.shape, stride, padding, dilation, groups, 2)
    return Conv2d.apply(x, kernel, *_bias("conv2d", bias, kernel), window=window, groups=int(groups),
                        keep_columns=kernel.requires_grad)


def conv1d(x: Any, kernel: Any, stride: Any = 1, padding: Padding = "valid", dilation: Any = 1,
           groups: int = 1, bias: Optional[Any] = None) -> Tensor:
    """1-D convolution, channels last: x (batch, length, in_channels), NWC; kernel
    (kernel_length, in_channels // groups, out_channels), WIO as in Keras; padding "valid",
    "same", an int or (left, right); bias None or (out_channels,). A conv2d over a height of 1
    (see conv2d)."""
    x, kernel = lift_pair(x, kernel)
    window = _conv_window("conv1d", x.shape, kernel.shape, stride, padding, dilation, groups, 1)
    n, length, channels = x.shape
    out = Conv2d.apply(x.reshape((n, 1, length, channels)), kernel.reshape((1,) + kernel.shape),
                       *_bias("conv1d", bias, kernel), window=window, groups=int(groups),
                       keep_columns=kernel.requires_grad)
    return out.reshape((n,) + out.shape[2:])


def _transposed_size(op: str, in_hw: tuple, size: tuple, stride: tuple, dilation: tuple,
                     padding: Padding, output_padding: Optional[Any]) -> tuple[int, int]:
    """The output height and width of a transposed convolution, by Keras's rules."""
    extra = None if output_padding is None else int_pair(output_padding, "output_padding", op, minimum=0)
    if extra is not None and (extra[0] >= stride[0] or extra[1] >= stride[1]):
        raise ValueError(f"{op}: output_padding {output_padding} must be smaller than the stride {stride}.")
    mode = padding.lower() if isinstance(padding, str) else None
    explicit = (None if mode in ("valid", "same")
                else resolve_padding(padding, op, (1, 1), size, stride, dilation))
    lengths = []
    for axis in (0, 1):
        span, step, length = (size[axis] - 1) * dilation[axis] + 1, stride[axis], in_hw[axis]
        if extra is None and mode == "same":
            lengths.append(length * step)
        elif extra is None and mode == "valid":
            lengths.append(length * step + max(span - step, 0))
        else:
            removed = sum(explicit[axis]) if explicit else 2 * (span // 2) if mode == "same" else 0
            lengths.append((length - 1) * step + span - removed + (extra[axis] if extra else 0))
    return tuple(lengths)


def conv_transpose2d(x: Any, kernel: Any, stride: Any = 1, padding: Padding = "valid",
                     output_padding: Optional[Any] = None, dilation: Any = 1, groups: int = 1) -> Tensor:
    """Transposed convolution (Keras's Conv2DTranspose, without bias): the gradient of conv2d
    with respect to its input, so each input cell spreads the kernel over a window of the output.

    Args:
        x: (batch, height, width, in_channels), NHWC.
        kernel: (kernel_height, kernel_width, out_channels // groups, in_channels), Keras's
            Conv2DTranspose layout: the HWIO kernel of the conv2d that maps the output back.
        padding: "valid", "same" or explicit as in conv2d (padding removed from the output).
        output_padding: extra rows/columns at the bottom/right, each below the stride; None picks
            Keras's lengths: height * stride for "same", height * stride + max(k - stride, 0)
            for "valid" (k the dilated kernel size), (height - 1) * stride + k - pads otherwise.

    Returns:
        (batch, out_h, out_w, out_channels), out_h = (height - 1) * stride + k - pads + output_padding.
    """
    op = "conv_transpose2d"
    x, kernel = lift_pair(x, kernel)
    _check_ranks(op, x.shape, kernel.shape, groups, 2,
                 "(kernel_height, kernel_width, out_channels // groups, in_channels)")
    if kernel.shape[-1] != x.shape[-1] or x.shape[-1] % groups:
        raise ValueError(f"{op}: the kernel of shape {kernel.shape} takes {kernel.shape[-1]} input channels "
                         f"(its last axis), the input of shape {x.shape} has {x.shape[-1]}; they must be "
                         f"equal and divisible by groups={groups}.")
    size = int_pair(kernel.shape[:2], "the kernel's spatial size", op)
    stride, dilation = int_pair(stride, "stride", op), int_pair(dilation, "dilation", op)
    lengths = _transposed_size(op, x.shape[1:3], size, stride, dilation, padding, output_padding)
    if min(lengths) < 1:
        raise ValueError(f"{op}: padding {padding!r} removes the whole output of an input of shape {x.shape} "
                         f"with kernel {kernel.shape}; use less padding.")
    window = Window(size, stride, dilation, resolve_padding(padding, op, lengths, size, stride, dilation))
    if window.output_size(*lengths) != x.shape[1:3]:  # Keras's "same" lengths for even kernels
        raise ValueError(f"{op}: with padding {padding!r} and output_padding {output_padding}, the output "
                         f"would be {lengths}, whose conv2d is not {x.shape[1:3]}; change output_padding.")
    return ConvTranspose2d.apply(x, kernel, window=window, groups=int(groups), out_hw=lengths)
