"""Reshaping layers: output shapes, values, gradients (float64 gradcheck), configs and errors.
Parity with Keras is in test_keras_parity_reshaping.py."""
import numpy as np
import pytest

from nn.layers import (Cropping1D, Cropping2D, Permute, RepeatVector, Reshape, UpSampling1D, UpSampling2D,
                       ZeroPadding1D, ZeroPadding2D)

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("make, input_shape, output_shape", [
    (lambda: Reshape((8, 8, 1)), (5, 64), (5, 8, 8, 1)),
    (lambda: Reshape((-1, 4)), (5, 2, 6), (5, 3, 4)),
    (lambda: Permute((2, 1)), (5, 3, 4), (5, 4, 3)),
    (lambda: Permute((3, 1, 2)), (5, 2, 3, 4), (5, 4, 2, 3)),
    (lambda: RepeatVector(3), (5, 4), (5, 3, 4)),
    (lambda: ZeroPadding2D(), (2, 4, 5, 3), (2, 6, 7, 3)),
    (lambda: ZeroPadding2D((1, 2)), (2, 4, 5, 3), (2, 6, 9, 3)),
    (lambda: ZeroPadding2D(((0, 1), (2, 3))), (2, 4, 5, 3), (2, 5, 10, 3)),
    (lambda: ZeroPadding1D((2, 1)), (2, 4, 3), (2, 7, 3)),
    (lambda: Cropping2D(1), (2, 4, 5, 3), (2, 2, 3, 3)),
    (lambda: Cropping2D(((0, 1), (2, 0))), (2, 4, 5, 3), (2, 3, 3, 3)),
    (lambda: Cropping1D(), (2, 4, 3), (2, 2, 3)),
    (lambda: UpSampling2D(), (2, 4, 5, 3), (2, 8, 10, 3)),
    (lambda: UpSampling2D((1, 3)), (2, 4, 5, 3), (2, 4, 15, 3)),
    (lambda: UpSampling1D(3), (2, 4, 3), (2, 12, 3)),
])
def test_output_shape_and_no_parameters(make, input_shape, output_shape):
    layer = make()
    assert layer(np.ones(input_shape, dtype=np.float32)).shape == output_shape
    assert layer.count_params() == 0
    assert layer.compute_output_shape((None, *input_shape[1:])) == (None, *output_shape[1:])


def test_values_move_as_keras_documents():
    x = np.arange(6.0, dtype=np.float32).reshape(1, 2, 3, 1)
    np.testing.assert_array_equal(UpSampling2D()(x).data[0, :, :, 0],
                                  np.repeat(np.repeat(x[0, :, :, 0], 2, axis=0), 2, axis=1))
    np.testing.assert_array_equal(ZeroPadding2D(((1, 0), (0, 1)))(x).data[0, :, :, 0],
                                  [[0, 0, 0, 0], [0, 1, 2, 0], [3, 4, 5, 0]])
    np.testing.assert_array_equal(Cropping2D(((0, 1), (1, 1)))(x).data[0, :, :, 0], [[1]])
    np.testing.assert_array_equal(RepeatVector(2)(np.array([[1.0, 2.0]])).data, [[[1, 2], [1, 2]]])
    np.testing.assert_array_equal(Permute((2, 1))(np.arange(6.0).reshape(1, 2, 3)).data[0],
                                  np.arange(6.0).reshape(2, 3).T)


def test_unknown_sizes_stay_unknown():
    assert Reshape((-1, 4)).compute_output_shape((None, None, 4)) == (None, None, 4)
    assert ZeroPadding2D().compute_output_shape((None, None, 5, 3)) == (None, None, 7, 3)
    assert UpSampling1D().compute_output_shape((None, None, 3)) == (None, None, 3)


@pytest.mark.parametrize("make, shape", [
    (lambda: Reshape((3, -1)), (2, 2, 3)),
    (lambda: Permute((2, 3, 1)), (2, 2, 3, 2)),
    (lambda: RepeatVector(3), (2, 4)),
    (lambda: ZeroPadding2D(((1, 0), (2, 1))), (1, 2, 3, 2)),
    (lambda: ZeroPadding1D(), (2, 3, 2)),
    (lambda: Cropping2D(((1, 0), (0, 1))), (1, 3, 3, 2)),
    (lambda: Cropping1D((0, 2)), (2, 4, 2)),
    (lambda: UpSampling2D((2, 1)), (1, 2, 3, 2)),
    (lambda: UpSampling1D(2), (2, 3, 2)),
])
def test_gradients_match_numerical_ones(gradcheck_layer, make, shape):
    assert gradcheck_layer(make(), [], RNG.standard_normal(shape))


@pytest.mark.parametrize("make", [
    lambda: Reshape((-1, 4), name="r"),
    lambda: Permute((2, 1)),
    lambda: RepeatVector(3),
    lambda: ZeroPadding2D((1, 2)),
    lambda: ZeroPadding1D((2, 1)),
    lambda: Cropping2D(((0, 1), (2, 3))),
    lambda: Cropping1D(2),
    lambda: UpSampling2D((2, 3)),
    lambda: UpSampling1D(4),
])
def test_config_rebuilds_the_same_layer(make):
    layer = make()
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("make, x, message", [
    (lambda: Reshape((5, 5)), np.ones((2, 4, 6)), r"cannot reshape samples of shape \(4, 6\) \(24 values\)"),
    (lambda: Reshape((-1, 5)), np.ones((2, 4, 6)), r"cannot reshape"),
    (lambda: Reshape((-1, -1)), None, r"at most one -1"),
    (lambda: Permute((0, 1)), None, r"permutation of 1..rank"),
    (lambda: Permute((2, 1)), np.ones((2, 3, 4, 5)), r"expects 3-D inputs"),
    (lambda: RepeatVector(0), None, r"n must be a positive int"),
    (lambda: RepeatVector(2), np.ones((2, 3, 4)), r"expects 2-D inputs"),
    (lambda: ZeroPadding2D((1, 2, 3)), None, r"padding must be an int, a pair of ints"),
    (lambda: Cropping2D(3), np.ones((1, 5, 8, 1)), r"removes every cell"),
    (lambda: UpSampling2D(interpolation="bilinear"), None, r'interpolation must be "nearest"'),
    (lambda: Cropping1D(-1), None, r"cropping must be a non-negative int"),
])
def test_mistakes_get_clear_errors(make, x, message):
    with pytest.raises(ValueError, match=message):
        make()(x)
