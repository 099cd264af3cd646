"""Layer contracts: output shapes, parameter counts, weight names, errors, gradients."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.layers import Activation, Dense, Dropout, Flatten, Input, InputLayer, Layer, PReLU
from nn.layers.naming import WeightBudgetExceeded, weight_budget


@pytest.mark.parametrize("layer, input_shape, output_shape, params", [
    (lambda: Dense(5), (3, 4), (3, 5), 4 * 5 + 5),
    (lambda: Dense(5, use_bias=False), (3, 4), (3, 5), 20),
    (lambda: Dense(2), (3, 6, 4), (3, 6, 2), 10),
    (lambda: Activation("tanh"), (3, 4), (3, 4), 0),
    (lambda: Dropout(0.5), (3, 4), (3, 4), 0),
    (lambda: Flatten(), (3, 2, 5), (3, 10), 0),
    (lambda: PReLU(), (3, 4), (3, 4), 4),
    (lambda: PReLU(shared_axes=[1]), (3, 6, 4), (3, 6, 4), 4),
])
def test_output_shape_and_parameter_count(layer, input_shape, output_shape, params):
    layer = layer()
    out = layer(np.ones(input_shape, dtype=np.float32))
    assert out.shape == output_shape
    assert layer.count_params() == params
    assert layer.compute_output_shape((None, *input_shape[1:])) == (None, *output_shape[1:])


def test_automatic_names_count_per_class_and_name_the_weights():
    first, second, act = Dense(3), Dense(3), Activation("relu")
    assert (first.name, second.name, act.name) == ("dense", "dense_1", "activation")
    second(np.ones((2, 4)))
    assert [w.name for w in second.weights] == ["dense_1/kernel", "dense_1/bias"]
    assert all(w.requires_grad for w in second.trainable_weights)
    assert PReLU().name == "prelu" and InputLayer(shape=(3,)).name == "input_layer"
    nn.layers.reset_name_counters()
    assert Dense(1).name == "dense"


def test_dense_computes_activation_of_x_kernel_plus_bias():
    layer = Dense(3, activation="relu", kernel_initializer="ones", bias_initializer="ones")
    x = np.array([[1.0, -2.0], [-3.0, -4.0]], dtype=np.float32)
    np.testing.assert_allclose(layer(x).data, np.maximum(x @ np.ones((2, 3)) + 1, 0))


def test_dense_uses_the_fused_linear_op_inside_its_name_scope():
    layer = Dense(3, activation="relu")
    out = layer(ag.Tensor(np.ones((2, 4))))
    assert out.grad_fn.name == "relu" and out.grad_fn.scope == "dense"
    assert out.grad_fn.parents[0].grad_fn.name == "linear"


def test_dense_gradients_match_numerical_ones():
    ag.set_default_dtype("float64")
    try:
        layer = Dense(3, activation="tanh")
        x = ag.Tensor(np.random.default_rng(1).normal(size=(4, 2)), requires_grad=True)
        layer(x)

        def through_layer(x, kernel, bias):
            layer.kernel, layer.bias = kernel, bias
            return layer(x)

        assert ag.gradcheck(through_layer, x, layer.kernel, layer.bias)
    finally:
        ag.set_default_dtype("float32")


def test_dense_input_size_mismatch_after_build_names_layer_and_shapes():
    layer = Dense(3, name="hidden")
    layer(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"hidden.*\(batch, 4\).*\(2, 5\)"):
        layer(np.ones((2, 5)))


@pytest.mark.parametrize("units", [0, -3, 2.5, True])
def test_dense_rejects_non_positive_units(units):
    with pytest.raises(ValueError, match="units must be a positive integer"):
        Dense(units)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rejects_rates_outside_zero_one(rate):
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Dropout(rate)


def test_dropout_is_inverted_and_only_active_in_training():
    layer = Dropout(0.25, seed=3)
    x = np.ones((200, 50), dtype=np.float32)
    np.testing.assert_array_equal(layer(x).data, x)
    out = layer(x, training=True).data
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.02
    assert abs(out.mean() - 1.0) < 0.03


def test_dropout_without_seed_follows_the_global_seed():
    x = np.ones((4, 10), dtype=np.float32)
    nn.utils.set_random_seed(7)
    first = Dropout(0.5)(x, training=True).data
    nn.utils.set_random_seed(7)
    np.testing.assert_array_equal(Dropout(0.5)(x, training=True).data, first)


def test_prelu_starts_as_relu_and_learns_its_slope():
    layer = PReLU()
    x = ag.Tensor([[-2.0, 3.0]])
    np.testing.assert_array_equal(layer(x).data, [[0.0, 3.0]])
    layer(x).sum().backward()
    np.testing.assert_array_equal(layer.alpha.grad.data, [-2.0, 0.0])


def test_prelu_gradients_match_numerical_ones():
    ag.set_default_dtype("float64")
    try:
        layer = PReLU(alpha_initializer="ones")
        x = ag.Tensor([[-1.5, 0.7, 2.0], [0.3, -0.2, -4.0]], requires_grad=True)
        layer(x)
        layer.alpha.data = np.array([0.1, 0.5, -0.3])

        def through_layer(x, alpha):
            layer.alpha = alpha
            return layer(x)

        assert ag.gradcheck(through_layer, x, layer.alpha)
    finally:
        ag.set_default_dtype("float32")


def test_regularizer_penalty_appears_in_layer_losses():
    layer = Dense(2, kernel_regularizer="l2", kernel_initializer="ones")
    layer(np.ones((1, 3)))
    (penalty,) = layer.losses
    assert penalty.item() == pytest.approx(0.01 * 6)


def test_input_needs_a_positive_shape():
    assert Input(shape=(8,)).shape == (None, 8)
    with pytest.raises(ValueError, match="positive integers"):
        Input(shape=(0,))


def test_layer_names_must_be_plain_strings():
    with pytest.raises(ValueError, match="without '/'"):
        Dense(2, name="a/b")


def test_custom_layers_use_add_weight_and_are_known_to_files_once_registered():
    class Scale(Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

        def call(self, inputs):
            return inputs * self.scale

    layer = Scale()
    assert layer.name == "scale"
    layer(np.ones((2, 3)))
    assert [w.name for w in layer.weights] == ["scale/scale"]
    with pytest.raises(ValueError, match="unknown layer class 'Scale'.*register_serializable"):
        nn.layers.get("Scale")
    registered = nn.saving.register_serializable(package="test_layers")(Scale)
    assert nn.layers.get("Scale", "test_layers>Scale") is registered
    with pytest.raises(ValueError, match="unknown layer class 'Nope'.*Dense"):
        nn.layers.get("Nope")


def test_a_weight_budget_refuses_a_weight_before_allocating_it_and_is_restored_after():
    with weight_budget(40):
        Dense(8).build_for((None, 4))  # 32 + 8 = 40 numbers: exactly the budget
        with pytest.raises(WeightBudgetExceeded, match=r"weight 'kernel' of shape \(4, 1099511627776\) "
                                                       r"\(4,398,046,511,104 numbers\) with only 0 left"):
            Dense(2**40).build_for((None, 4))
    outside = Dense(8)
    outside.build_for((None, 4))  # no budget outside the block
    assert outside.kernel.shape == (4, 8)
