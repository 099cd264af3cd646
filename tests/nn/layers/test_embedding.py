"""Embedding without Keras: shapes, which rows get gradients, float indices from fit, errors."""
import numpy as np
import pytest

import autograd as ag
from nn.layers import Embedding


def test_output_shape_and_parameter_count():
    layer = Embedding(1000, 64)
    assert layer(np.array([[4, 20, 7]])).shape == (1, 3, 64)
    assert layer.count_params() == 64000
    assert layer.compute_output_shape((None, 3)) == (None, 3, 64)
    assert np.abs(layer.embeddings.data).max() <= 0.05  # Keras's "uniform": U(-0.05, 0.05)


def test_lookup_returns_the_rows_and_only_they_get_gradients():
    layer = Embedding(5, 2)
    layer.build_for((None, 3))
    layer.set_weights([np.arange(10.0).reshape((5, 2))])
    out = layer(np.array([[1, 3, 1]]))
    np.testing.assert_array_equal(out.data, [[[2, 3], [6, 7], [2, 3]]])
    out.sum().backward()
    np.testing.assert_array_equal(layer.embeddings.grad.data, [[0, 0], [2, 2], [0, 0], [1, 1], [0, 0]])


def test_gradient_matches_central_differences(gradcheck_layer):
    layer = Embedding(4, 3)
    ids = np.array([[0, 2, 2], [3, 1, 0]])
    layer(ids)
    assert gradcheck_layer(lambda: layer(ids), [(layer, "embeddings")])


def test_floats_holding_integers_are_indices_as_fit_passes_them():
    layer = Embedding(5, 2)
    np.testing.assert_array_equal(layer(np.array([[1.0, 4.0]], dtype=np.float32)).data,
                                  layer(np.array([[1, 4]])).data)


@pytest.mark.parametrize("ids, message", [
    (np.array([[1, 5]]), r"input_dim=5, so indices must lie in 0..4, but the input holds 5"),
    (np.array([[-1, 2]]), r"indices must lie in 0..4, but the input holds -1"),
    (np.array([[0.5, 2.0]]), r"holds fractions"),
])
def test_bad_indices_are_refused_naming_the_layer(ids, message):
    with pytest.raises(ValueError, match=message):
        Embedding(5, 2, name="words")(ids)


@pytest.mark.parametrize("dims", [(0, 3), (3, -1), (2.5, 3), (True, 3)])
def test_dimensions_must_be_positive_integers(dims):
    with pytest.raises(ValueError, match="must be a positive integer"):
        Embedding(*dims)


def test_config_round_trip():
    layer = Embedding(7, 3, mask_zero=True, embeddings_regularizer="l2", name="tokens")
    copy = Embedding.from_config(layer.get_config())
    assert copy.get_config() == layer.get_config() and copy.mask_zero


def test_regularizer_adds_a_penalty():
    layer = Embedding(3, 2, embeddings_initializer="ones", embeddings_regularizer="l2")
    layer(np.array([[1]]))
    assert layer.losses[0].item() == pytest.approx(0.01 * 6)
    assert isinstance(layer.losses[0], ag.Tensor)
