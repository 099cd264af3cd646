"""Pooling layers: output shapes, gradients (float64 gradcheck), the uneven "same" average that
leaves padding out of its count, masks, configs and errors. Parity with Keras is in
test_keras_parity_pooling.py."""
import numpy as np
import pytest

import autograd as ag
from nn.layers import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                       GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D)

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("make, input_shape, output_shape", [
    (lambda: MaxPooling2D(), (2, 26, 26, 32), (2, 13, 13, 32)),
    (lambda: MaxPooling2D(), (2, 11, 11, 4), (2, 5, 5, 4)),
    (lambda: MaxPooling2D(3, strides=2, padding="same"), (2, 7, 8, 3), (2, 4, 4, 3)),
    (lambda: MaxPooling1D(), (2, 9, 3), (2, 4, 3)),
    (lambda: AveragePooling2D((2, 3), strides=1), (2, 7, 8, 3), (2, 6, 6, 3)),
    (lambda: AveragePooling1D(3, padding="same"), (2, 10, 3), (2, 4, 3)),
    (lambda: GlobalAveragePooling2D(), (2, 7, 8, 3), (2, 3)),
    (lambda: GlobalMaxPooling2D(keepdims=True), (2, 7, 8, 3), (2, 1, 1, 3)),
    (lambda: GlobalAveragePooling1D(keepdims=True), (2, 7, 3), (2, 1, 3)),
    (lambda: GlobalMaxPooling1D(), (2, 7, 3), (2, 3)),
])
def test_output_shape_and_no_parameters(make, input_shape, output_shape):
    layer = make()
    assert layer(np.ones(input_shape, dtype=np.float32)).shape == output_shape
    assert layer.count_params() == 0
    assert layer.compute_output_shape((None, *input_shape[1:])) == (None, *output_shape[1:])


@pytest.mark.parametrize("make, shape", [
    (lambda: MaxPooling2D(), (2, 4, 5, 2)),
    (lambda: MaxPooling2D(3, strides=2, padding="same"), (1, 5, 4, 2)),
    (lambda: MaxPooling1D(2, strides=1), (2, 5, 2)),
    (lambda: AveragePooling2D(2, padding="same"), (1, 5, 3, 2)),
    (lambda: AveragePooling1D(3, strides=2), (2, 7, 2)),
    (lambda: GlobalAveragePooling2D(), (2, 3, 4, 2)),
    (lambda: GlobalMaxPooling2D(), (2, 3, 4, 2)),
    (lambda: GlobalAveragePooling1D(), (2, 5, 3)),
    (lambda: GlobalMaxPooling1D(keepdims=True), (2, 5, 3)),
])
def test_gradients_match_numerical_ones(gradcheck_layer, make, shape):
    assert gradcheck_layer(make(), [], RNG.permutation(np.prod(shape)).reshape(shape) / 10.0)  # no ties


def test_uneven_same_average_leaves_the_padding_out():
    """3x3 windows moving by 2 over 4 columns pad one column on the right only: the last window
    averages the two real columns it holds (Keras on TensorFlow and JAX does the same; Keras on
    torch would repeat the edge column and average three)."""
    x = np.arange(4.0, dtype=np.float32).reshape(1, 1, 4, 1)
    out = AveragePooling2D((1, 3), strides=2, padding="same")(x)
    np.testing.assert_allclose(out.data[0, 0, :, 0], [1.0, 2.5])


def test_max_pool_gradient_goes_to_each_window_s_maximum():
    x = ag.Tensor(np.array([[1.0, 4.0, 2.0, 0.0], [3.0, 2.0, 5.0, 1.0]]).reshape(1, 2, 4, 1), requires_grad=True)
    MaxPooling2D()(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, :, :, 0], [[0, 1, 0, 0], [0, 0, 1, 0]])


def test_masked_global_average_counts_only_real_steps():
    x = np.arange(12.0, dtype=np.float32).reshape(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    out = GlobalAveragePooling1D().call(ag.Tensor(x), mask=mask)
    np.testing.assert_allclose(out.data, [[1.0, 2.0], [6.0, 7.0]])


@pytest.mark.parametrize("make", [
    lambda: MaxPooling2D(3, strides=(1, 2), padding="same", name="p"),
    lambda: AveragePooling1D(4, input_shape=(10, 2)),
    lambda: GlobalMaxPooling2D(keepdims=True),
])
def test_config_rebuilds_the_same_layer(make):
    layer = make()
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("make, x, message", [
    (lambda: MaxPooling2D(), np.ones((4, 4, 1)), r"expects 4-D inputs \(batch, height, width, channels\)"),
    (lambda: MaxPooling2D(5), np.ones((1, 4, 8, 1)), r"smaller than pool_size=\(5, 5\); use padding=\"same\""),
    (lambda: MaxPooling2D(padding="full"), None, r'padding must be one of "valid", "same"'),
    (lambda: AveragePooling2D(0), None, r"pool_size must be a positive int"),
    (lambda: GlobalAveragePooling1D(data_format="channels_first"), None, r'data_format must be "channels_last"'),
    (lambda: GlobalMaxPooling2D(), np.ones((2, 5, 3)), r"expects 4-D inputs"),
])
def test_mistakes_get_clear_errors(make, x, message):
    with pytest.raises(ValueError, match=message):
        make()(x)


def test_average_pooling_has_no_default_pool_size():
    with pytest.raises(TypeError, match="pool_size"):
        AveragePooling2D()
