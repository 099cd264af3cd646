"""Layers written as Keras's guide teaches: add_weight, call with or without training and mask,
compute_output_shape optional, inner layers tracked in attributes, lists and dicts, add_loss."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import layers


class Linear(layers.Layer):
    """The guide's first layer: weights from the input shape, a call without `training`."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ag.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Doubled(layers.Layer):
    """No compute_output_shape: the output is twice as wide as the input."""

    def call(self, inputs):
        return ag.concatenate([inputs, inputs], axis=-1)


def test_add_weight_takes_keras_3s_arguments_with_an_optional_name():
    layer = Linear(4)
    layer(np.ones((2, 3)))
    assert [w.name for w in layer.weights] == ["linear/variable", "linear/variable_1"]
    assert layer.w.shape == (3, 4) and np.all(layer.b.data == 0)
    scalar = layers.Layer().add_weight()  # Keras's defaults: shape (), glorot_uniform, trainable
    assert scalar.shape == () and scalar.requires_grad
    frozen = layers.Layer(name="stats")
    total = frozen.add_weight(shape=(2,), initializer="ones", trainable=False, name="total", dtype="float64")
    assert total.dtype == np.float64 and frozen.non_trainable_weights == [total] and frozen.trainable_weights == []
    count = frozen.add_weight(shape=(), dtype="int32", trainable=False, name="count")  # Keras: zeros for integers
    assert count.dtype == np.int32 and count.item() == 0


def test_add_weight_by_position_takes_keras_s_order_or_the_name_first():
    layer = layers.Layer(name="positional")
    keras_order = layer.add_weight((2, 3), "ones", "float64")
    name_first = layer.add_weight("kernel", (2, 3), "ones", nn.regularizers.L2(0.1))
    assert keras_order.dtype == np.float64 and keras_order.name == "positional/variable"
    assert name_first.name == "positional/kernel" and np.all(name_first.data == 1) and len(layer.losses) == 1
    with pytest.raises(TypeError, match="at most 3 arguments by position"):
        layer.add_weight((2,), "ones", "float32", False)
    with pytest.raises(TypeError, match="got shape both by position and by keyword"):
        layer.add_weight((2,), shape=(3,))


def test_regularizer_on_add_weight_adds_its_penalty_to_losses():
    layer = layers.Layer()
    weight = layer.add_weight(shape=(3,), initializer="ones", regularizer=nn.regularizers.L2(0.5))
    (penalty,) = layer.losses
    assert penalty.item() == pytest.approx(0.5 * 3) and weight in layer.trainable_weights


def test_training_and_mask_reach_only_a_call_that_names_them():
    seen = {}

    class TakesAll(layers.Layer):
        def call(self, inputs, training=None, mask=None):
            seen.update(training=training, mask=mask)
            return inputs

    x = np.ones((2, 3))
    Linear(2)(x, training=True)  # its call takes neither: no error
    TakesAll()(x, training=True, mask=None)
    assert seen == {"training": True, "mask": None}
    with pytest.raises(TypeError, match="takes no mask argument"), \
            pytest.warns(UserWarning, match="does not support masking"):
        Linear(2)(x, mask=np.ones((2, 3)))


def test_an_inner_layer_called_without_training_takes_the_callers_value():
    class Block(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dropout = layers.Dropout(0.99)

        def call(self, inputs):  # the guide's style: training is not passed on by hand
            return self.dropout(inputs)

    block = Block()
    x = np.ones((4, 50))
    assert np.array_equal(block(x).data, x)
    assert (block(x, training=True).data == 0).mean() > 0.5


def test_without_compute_output_shape_the_next_layer_is_built_for_the_true_size():
    inputs = nn.Input(shape=(4,))
    doubled = Doubled()(inputs)
    assert doubled.shape == (None, 8)
    dense = layers.Dense(2)
    dense(doubled)
    assert dense.kernel.shape == (8, 2)
    assert Doubled().compute_output_shape((None, 5)) == (None, 10)
    model = nn.Sequential([nn.Input(shape=(3,)), Doubled(), layers.Dense(1)])
    assert model.output_shape == (None, 1) and model.layers[1].kernel.shape == (6, 1)


def test_the_placeholder_run_records_no_graph_and_keeps_no_loss():
    class Penalized(layers.Layer):
        def call(self, inputs):
            self.add_loss(ag.sum(inputs))
            return inputs * 2.0

    layer = Penalized()
    out = layer(nn.Input(shape=(3,)))
    assert out.shape == (None, 3) and layer.losses == []


def test_layers_in_attributes_lists_and_dicts_are_tracked():
    class MLPBlock(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = [Linear(8), Linear(8)]
            self.heads = {"out": Linear(1)}

        def call(self, inputs):
            x = ag.relu(self.hidden[0](inputs))
            return self.heads["out"](ag.relu(self.hidden[1](x)))

    block = MLPBlock()
    assert block(np.ones((2, 5))).shape == (2, 1)
    assert len(block.weights) == 6 and len(block.trainable_weights) == 6
    assert block.count_params() == 5 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    block.hidden.append(Linear(3))  # a list changed after the first look is looked at again
    assert len(block._tracked_layers()) == 4


def test_trainable_false_freezes_the_inner_layers_too():
    outer = nn.Sequential([nn.Input(shape=(3,)), layers.Dense(2), layers.Dense(1)])
    outer.trainable = False
    assert outer.trainable_weights == [] and len(outer.non_trainable_weights) == 4
    assert not any(layer.trainable for layer in outer.layers)


def test_a_layer_shared_twice_counts_its_weights_once():
    shared = Linear(2)

    class Twice(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first, self.second = shared, shared

        def call(self, inputs):
            return self.second(self.first(inputs))

    twice = Twice()
    twice(np.ones((1, 2)))
    assert len(twice.weights) == 2 and twice.count_params() == 6


def test_add_loss_keeps_the_losses_of_the_last_outermost_call():
    class ActivityPenalty(layers.Layer):
        def call(self, inputs):
            self.add_loss(0.1 * ag.sum(inputs ** 2))
            return inputs

    inner = ActivityPenalty()
    model = nn.Sequential([nn.Input(shape=(2,)), inner, layers.Dense(1, kernel_regularizer="l2")])
    model(np.ones((3, 2)))
    model(np.full((3, 2), 2.0))
    added, penalty = model.losses
    assert added.item() == pytest.approx(0.1 * 24) and inner.losses[0].item() == pytest.approx(2.4)
    assert penalty.item() == pytest.approx(0.01 * float(np.sum(model.layers[1].kernel.data ** 2)), rel=1e-5)


def test_activity_regularizer_adds_a_penalty_per_sample():
    layer = layers.Dense(2, kernel_initializer="ones", activity_regularizer=nn.regularizers.L1(0.1))
    layer(np.ones((4, 3)))
    (penalty,) = layer.losses
    assert penalty.item() == pytest.approx(0.1 * 4 * 2 * 3 / 4)
    assert layer.get_config()["activity_regularizer"] == nn.regularizers.serialize(nn.regularizers.L1(0.1))


def test_forgetting_super_init_is_named():
    class Forgot(layers.Layer):
        def __init__(self):
            self.units = 3

        def call(self, inputs):
            return inputs

    with pytest.raises(RuntimeError, match=r"did not call super\(\).__init__"):
        Forgot()(np.ones((1, 2)))


def test_unknown_keyword_arguments_are_refused_and_input_dim_is_understood():
    with pytest.raises(TypeError, match="unknown keyword arguments"):
        layers.Dense(2, unitz=3)
    assert nn.Sequential([layers.Dense(2, input_dim=5)]).input_shape == (None, 5)
