"""Merge layers: values against numpy, gradients against central differences, shapes, errors."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import layers

rng = np.random.default_rng(0)
A, B, C = (rng.normal(size=(3, 4)) for _ in range(3))

ELEMENTWISE = [
    (layers.Add, lambda *xs: sum(xs)),
    (layers.Subtract, lambda a, b: a - b),
    (layers.Multiply, lambda *xs: np.prod(xs, axis=0)),
    (layers.Average, lambda *xs: np.mean(xs, axis=0)),
    (layers.Maximum, lambda *xs: np.max(xs, axis=0)),
    (layers.Minimum, lambda *xs: np.min(xs, axis=0)),
]


@pytest.mark.parametrize("layer_class, reference", ELEMENTWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_elementwise_merges_match_numpy_and_their_gradients_check(layer_class, reference):
    inputs = [A, B] if layer_class is layers.Subtract else [A, B, C]
    layer = layer_class()
    np.testing.assert_allclose(layer([ag.Tensor(x, dtype="float64") for x in inputs]).data, reference(*inputs))
    assert ag.gradcheck(lambda *xs: layer(list(xs)), *inputs)
    assert layer.compute_output_shape([(None, 4)] * len(inputs)) == (None, 4)


def test_elementwise_merges_broadcast_size_one_axes_and_refuse_other_mismatches():
    ones = np.ones((3, 1))
    np.testing.assert_allclose(layers.Add()([A, ones]).data, A + 1, rtol=1e-6)
    assert layers.Add().compute_output_shape([(None, 4), (None, 1)]) == (None, 4)
    with pytest.raises(ValueError, match=r"shapes \(None, 4\) and \(None, 3\) do not fit"):
        layers.Add()([nn.Input(shape=(4,)), nn.Input(shape=(3,))])
    with pytest.raises(ValueError, match="different ranks"):
        layers.Multiply()([nn.Input(shape=(4,)), nn.Input(shape=(4, 1))])


def test_merges_take_a_list_and_say_so():
    with pytest.raises(ValueError, match=r"takes a list of at least 1 inputs, e.g. Add\(\)\(\[a, b\]\); got a single"):
        layers.Add()(np.ones((2, 3)))
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([A, B, C])


def test_concatenate_joins_along_an_axis_and_checks_the_others():
    x, y = nn.Input(shape=(2, 4)), nn.Input(shape=(2, 3))
    assert layers.Concatenate()([x, y]).shape == (None, 2, 7)
    assert layers.Concatenate(axis=1)([x, nn.Input(shape=(5, 4))]).shape == (None, 7, 4)
    np.testing.assert_allclose(layers.Concatenate(axis=0 + 1)([A, B]).data, np.concatenate([A, B], axis=1), rtol=1e-6)
    assert ag.gradcheck(lambda a, b: layers.Concatenate()([a, b]), A, B)
    with pytest.raises(ValueError, match="differ on axis 2"):
        layers.Concatenate(axis=1)([x, y])
    with pytest.raises(ValueError, match="axis after the batch axis"):
        layers.Concatenate(axis=0)([x, x])


def test_dot_takes_the_dot_product_sample_by_sample():
    out = layers.Dot(axes=1)([A, B])
    np.testing.assert_allclose(out.data, np.sum(A * B, axis=1, keepdims=True), rtol=1e-6)
    assert out.shape == (3, 1) and layers.Dot(axes=1).compute_output_shape([(None, 4), (None, 4)]) == (None, 1)
    x, y = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 4, 5))
    np.testing.assert_allclose(layers.Dot(axes=2)([x, y]).data, np.einsum("bik,bjk->bij", x, y), rtol=1e-6)
    np.testing.assert_allclose(layers.Dot(axes=(1, 1))([x, x]).data, np.einsum("bki,bkj->bij", x, x), rtol=1e-6)
    assert layers.Dot(axes=2).compute_output_shape([(None, 3, 5), (None, 4, 5)]) == (None, 3, 4)
    assert ag.gradcheck(lambda a, b: layers.Dot(axes=2)([a, b]), x, y)


def test_dot_normalize_gives_the_cosine_similarity():
    cosine = np.sum(A * B, axis=1) / (np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1))
    np.testing.assert_allclose(layers.Dot(axes=1, normalize=True)([A, B]).data[:, 0], cosine, rtol=1e-6)
    with pytest.raises(ValueError, match="sizes 4 and 3"):
        layers.Dot(axes=1)([nn.Input(shape=(4,)), nn.Input(shape=(3,))])


def test_lower_case_functions_make_and_call_the_layer():
    x, y = nn.Input(shape=(4,)), nn.Input(shape=(4,))
    for function in (layers.add, layers.subtract, layers.multiply, layers.average, layers.maximum, layers.minimum):
        assert function([x, y]).shape == (None, 4)
    assert layers.concatenate([x, y], axis=-1).shape == (None, 8)
    assert layers.dot([x, y], axes=1).shape == (None, 1)


@pytest.mark.parametrize("layer", [layers.Concatenate(axis=1), layers.Dot(axes=(1, 2), normalize=True), layers.Add()])
def test_config_round_trips(layer):
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()
