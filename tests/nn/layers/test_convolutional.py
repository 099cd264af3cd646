"""Convolution layers: output shapes and parameter counts, gradients (float64 gradcheck), the
causal padding's promise, configs, and the errors a learner meets. Parity with Keras is in
test_keras_parity_convolutional.py."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.layers import Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("make, input_shape, output_shape, params", [
    (lambda: Conv2D(32, 3), (2, 28, 28, 1), (2, 26, 26, 32), 3 * 3 * 1 * 32 + 32),
    (lambda: Conv2D(8, 3, padding="same"), (2, 7, 9, 3), (2, 7, 9, 8), 3 * 3 * 3 * 8 + 8),
    (lambda: Conv2D(8, (3, 5), strides=2, padding="same"), (2, 7, 9, 3), (2, 4, 5, 8), 3 * 5 * 3 * 8 + 8),
    (lambda: Conv2D(8, 3, dilation_rate=2), (2, 7, 9, 3), (2, 3, 5, 8), 3 * 3 * 3 * 8 + 8),
    (lambda: Conv2D(6, 3, groups=3, use_bias=False), (2, 5, 5, 6), (2, 3, 3, 6), 3 * 3 * 2 * 6),
    (lambda: Conv1D(4, 3), (2, 10, 5), (2, 8, 4), 3 * 5 * 4 + 4),
    (lambda: Conv1D(4, 3, strides=2, padding="same"), (2, 10, 5), (2, 5, 4), 3 * 5 * 4 + 4),
    (lambda: Conv1D(4, 3, padding="causal", dilation_rate=2), (2, 10, 5), (2, 10, 4), 3 * 5 * 4 + 4),
    (lambda: Conv2DTranspose(4, 3), (2, 5, 6, 2), (2, 7, 8, 4), 3 * 3 * 4 * 2 + 4),
    (lambda: Conv2DTranspose(4, 3, strides=2, padding="same"), (2, 5, 6, 2), (2, 10, 12, 4), 3 * 3 * 4 * 2 + 4),
    (lambda: Conv2DTranspose(4, 3, strides=2, output_padding=1), (2, 5, 6, 2), (2, 12, 14, 4), 3 * 3 * 4 * 2 + 4),
    (lambda: DepthwiseConv2D(3, depth_multiplier=2), (2, 6, 6, 3), (2, 4, 4, 6), 3 * 3 * 3 * 2 + 6),
    (lambda: SeparableConv2D(5, 3, padding="same"), (2, 6, 6, 3), (2, 6, 6, 5), 3 * 3 * 3 + 3 * 5 + 5),
])
def test_output_shape_and_parameter_count(make, input_shape, output_shape, params):
    layer = make()
    assert layer(np.ones(input_shape, dtype=np.float32)).shape == output_shape
    assert layer.count_params() == params
    assert layer.compute_output_shape((None, *input_shape[1:])) == (None, *output_shape[1:])


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("kernel, stride, dilation", [(1, 1, 1), (2, 1, 1), (3, 2, 1), (4, 3, 1), (3, 1, 2),
                                                      (2, 1, 3)])
@pytest.mark.parametrize("length", [7, 8, 11])
def test_the_computed_output_shape_is_the_real_one(padding, kernel, stride, dilation, length):
    layers = [Conv2D(2, kernel, strides=stride, padding=padding, dilation_rate=dilation),
              Conv1D(2, kernel, strides=stride, padding=padding, dilation_rate=dilation),
              DepthwiseConv2D(kernel, strides=stride, padding=padding, dilation_rate=dilation),
              Conv2DTranspose(2, kernel, strides=stride, padding=padding, dilation_rate=dilation)]
    for layer in layers:
        shape = (1, length, length + 1, 3)[:layer.rank + 1] + (3,)
        assert layer.compute_output_shape(shape) == layer(np.zeros(shape, dtype=np.float32)).shape


def test_unknown_spatial_sizes_stay_unknown():
    assert Conv2D(4, 3).compute_output_shape((None, None, 9, 2)) == (None, None, 7, 4)
    assert Conv2DTranspose(4, 3, strides=2).compute_output_shape((None, None, None, 2)) == (None, None, None, 4)


@pytest.mark.parametrize("make, shape", [
    (lambda: Conv2D(3, 2, activation="tanh"), (2, 4, 3, 2)),
    (lambda: Conv2D(4, (2, 3), strides=2, padding="same", groups=2), (1, 5, 5, 2)),
    (lambda: Conv2D(2, 2, dilation_rate=2), (1, 5, 4, 2)),
    (lambda: Conv1D(3, 3, padding="causal", dilation_rate=2, activation="sigmoid"), (2, 6, 2)),
    (lambda: Conv2DTranspose(2, 3, strides=2, padding="same"), (1, 3, 2, 2)),
    (lambda: Conv2DTranspose(2, 2, strides=2, output_padding=1), (1, 2, 3, 2)),
    (lambda: DepthwiseConv2D(2, depth_multiplier=2, padding="same"), (1, 4, 3, 2)),
    (lambda: SeparableConv2D(3, 2, depth_multiplier=2), (1, 4, 3, 2)),
])
def test_gradients_match_numerical_ones(gradcheck_layer, make, shape):
    layer, x = make(), RNG.standard_normal(shape)
    layer(x)
    weights = [(layer, w.name.rsplit("/", 1)[-1]) for w in layer.trainable_weights]  # layer.kernel is "kernel"
    assert gradcheck_layer(layer, weights, x)


def test_causal_padding_never_reads_the_future():
    layer = Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = ag.Tensor(RNG.standard_normal((1, 9, 2)), requires_grad=True)
    layer(x)[0, 4].sum().backward()
    assert np.all(x.grad.data[0, 5:] == 0) and np.any(x.grad.data[0, :5] != 0)


def test_depthwise_output_channel_c_times_m_plus_k_reads_input_channel_c():
    layer = DepthwiseConv2D(1, depth_multiplier=2, use_bias=False)
    layer(np.zeros((1, 2, 2, 3), dtype=np.float32))
    layer.set_weights([np.arange(1.0, 7.0).reshape(1, 1, 3, 2)])  # kernel[0, 0, c, k] = 2c + k + 1
    out = layer(np.ones((1, 2, 2, 3), dtype=np.float32) * np.array([1.0, 10.0, 100.0], dtype=np.float32))
    np.testing.assert_allclose(out.data[0, 0, 0], [1, 2, 30, 40, 500, 600])


@pytest.mark.parametrize("make", [
    lambda: Conv2D(4, (3, 2), strides=2, padding="same", dilation_rate=1, groups=2, activation="relu",
                   kernel_regularizer="l2", name="c"),
    lambda: Conv1D(4, 3, padding="causal", dilation_rate=2, use_bias=False, input_shape=(10, 2)),
    lambda: Conv2DTranspose(3, 3, strides=2, output_padding=1, bias_initializer="ones"),
    lambda: DepthwiseConv2D(3, depth_multiplier=2, depthwise_regularizer="l1"),
    lambda: SeparableConv2D(5, 3, depth_multiplier=2, pointwise_initializer="he_normal"),
])
def test_config_rebuilds_the_same_layer(make):
    layer = make()
    copy = type(layer).from_config(layer.get_config())
    assert copy.get_config() == layer.get_config()
    x = RNG.standard_normal((2, 8, 6, 2) if layer.rank == 2 else (2, 10, 2)).astype(np.float32)
    layer(x), copy(x)
    copy.set_weights(layer.get_weights())
    np.testing.assert_array_equal(copy(x).data, layer(x).data)


def test_kernel_regularizer_adds_its_penalty():
    layer = Conv2D(2, 3, kernel_regularizer=nn.regularizers.L2(0.5))
    layer(np.ones((1, 4, 4, 1), dtype=np.float32))
    np.testing.assert_allclose(layer.losses[0].data, 0.5 * np.sum(layer.kernel.data ** 2), rtol=1e-6)


@pytest.mark.parametrize("make, x, message", [
    (lambda: Conv2D(4, 3), np.ones((28, 28, 1)), r"expects 4-D inputs \(batch, height, width, channels\).*x\[None\]"),
    (lambda: Conv1D(4, 3), np.ones((2, 4, 4, 1)), r"expects 3-D inputs \(batch, steps, channels\)"),
    (lambda: Conv2D(4, 5), np.ones((1, 3, 8, 1)), r"smaller than the kernel.*padding=\"same\""),
    (lambda: Conv2D(4, 3, groups=2), np.ones((1, 5, 5, 3)), r"groups=2 must divide the input's 3 channels"),
    (lambda: Conv2D(4, 3, data_format="channels_first"), None, r'data_format must be "channels_last"'),
    (lambda: Conv2D(4, 3, padding="causal"), None, r'padding must be one of "valid", "same", got'),
    (lambda: Conv2D(4, 3, strides=2, dilation_rate=2), None, r"cannot both exceed 1"),
    (lambda: Conv2D(0, 3), None, r"filters must be a positive int"),
    (lambda: Conv2D(4, (3, 3, 3)), None, r"kernel_size must be a positive int or a tuple of 2"),
    (lambda: Conv2D(6, 3, groups=4), None, r"groups must be a positive int that divides filters=6"),
    (lambda: Conv2DTranspose(4, 3, strides=2, output_padding=2), None, r"output_padding=\(2, 2\) must be smaller"),
    (lambda: DepthwiseConv2D(3, depth_multiplier=0), None, r"depth_multiplier must be a positive int"),
])
def test_mistakes_get_clear_errors(make, x, message):
    with pytest.raises(ValueError, match=message):
        make()(x)


def test_a_built_layer_refuses_other_channels():
    layer = Conv2D(4, 3)
    layer(np.ones((1, 5, 5, 2)))
    with pytest.raises(ValueError, match=r"built for inputs with 2 channels but got shape \(1, 5, 5, 3\)"):
        layer(np.ones((1, 5, 5, 3)))


def test_default_names_follow_keras():
    assert [Conv2D(1, 1).name, Conv2D(1, 1).name, Conv2DTranspose(1, 1).name, DepthwiseConv2D(1).name] == \
        ["conv2d", "conv2d_1", "conv2d_transpose", "depthwise_conv2d"]
