"""Sequential: the three ways to build, add/pop, forward on arrays and Tensors, summary, config."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.layers import Dense, Dropout, Flatten, Input


def test_builds_from_input_shape_on_the_first_layer():
    model = nn.Sequential([Dense(8, input_shape=(4,)), Dense(2)])
    assert model.built and model.input_shape == (None, 4) and model.output_shape == (None, 2)
    assert model.count_params() == 4 * 8 + 8 + 8 * 2 + 2


def test_builds_from_an_input_marker_which_is_not_a_layer_of_the_model():
    model = nn.Sequential([Input(shape=(4,)), Dense(3)])
    assert model.built and [layer.name for layer in model.layers] == ["dense"]


def test_builds_lazily_on_the_first_batch_and_via_add():
    model = nn.Sequential(name="lazy")
    model.add(Dense(3))
    assert not model.built and model.weights == []
    out = model(np.ones((5, 7)))
    assert out.shape == (5, 3) and model.input_shape == (None, 7)
    model.add(Dense(2))
    assert model.layers[-1].built and model(np.ones((1, 7))).shape == (1, 2)


def test_explicit_build_and_pop():
    model = nn.Sequential([Dense(3), Dense(2)])
    model.build((None, 6))
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.name == "dense_1" and model.output_shape == (None, 3)
    with pytest.raises(IndexError):
        nn.Sequential().pop()


def test_forward_on_tensors_records_the_graph_and_parameters_are_the_trainable_weights():
    model = nn.Sequential([Input(shape=(3,)), Dense(4, activation="relu"), Dense(1)])
    out = model(ag.Tensor(np.ones((2, 3))))
    out.sum().backward()
    params = model.parameters()
    assert params == model.trainable_weights and len(params) == 4
    assert all(p.grad is not None for p in params)


def test_dropout_is_off_outside_training():
    model = nn.Sequential([Input(shape=(10,)), Dropout(0.9)])
    x = np.ones((3, 10))
    np.testing.assert_array_equal(model(x).data, x)
    assert (model(x, training=True).data == 0).any()


def test_set_and_get_weights_round_trip():
    model = nn.Sequential([Input(shape=(3,)), Dense(2)])
    arrays = [np.full((3, 2), 0.5), np.arange(2.0)]
    kernel = model.layers[-1].weights[0]
    memory, version = kernel.data, kernel.version
    model.set_weights(arrays)
    np.testing.assert_array_equal(model.get_weights()[1], [0.0, 1.0])
    assert kernel.data is memory and kernel.version == version + 1  # copied in: a recorded change
    arrays[0][0, 0] = 9.0
    assert kernel.data[0, 0] == 0.5
    with pytest.raises(ValueError, match="has 2 weight arrays but was given 1"):
        model.set_weights(arrays[:1])


def test_summary_prints_keras_table(capsys):
    model = nn.Sequential([Input(shape=(64,)), Dense(128, activation="relu"), Flatten(),
                           Dense(10, activation="softmax")], name="mlp")
    model.summary()
    text = capsys.readouterr().out
    assert 'Model: "mlp"' in text and "Layer (type)" in text and "Output Shape" in text
    assert "dense (Dense)" in text and "(None, 128)" in text and "8,320" in text
    assert "Total params: 9,610" in text and "Trainable params: 9,610" in text
    assert "Non-trainable params: 0" in text


def test_summary_before_build_explains_how_to_build():
    with pytest.raises(ValueError, match="not been built"):
        nn.Sequential([Dense(2)]).summary()


def test_misplaced_inputs_and_duplicate_names_are_errors():
    with pytest.raises(ValueError, match="must be the first"):
        nn.Sequential([Dense(2), Input(shape=(3,))])
    with pytest.raises(ValueError, match="only the first layer"):
        nn.Sequential([Dense(2), Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="already has a layer named 'x'"):
        nn.Sequential([Dense(2, name="x"), Dense(2, name="x")])
    with pytest.raises(TypeError, match="expects a layer"):
        nn.Sequential([lambda x: x])


def test_config_round_trip_gives_the_same_architecture():
    model = nn.Sequential([Input(shape=(5,)), Dense(4, activation="relu", kernel_regularizer="l2"),
                           Dropout(0.2), nn.layers.PReLU(), Dense(1)])
    clone = nn.Sequential.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]


def test_input_dim_on_the_first_layer_builds_the_model_as_keras_does():
    model = nn.Sequential([nn.layers.Dense(3, input_dim=4), nn.layers.Dense(1)])
    assert model.input_shape == (None, 4) and model.count_params() == 4 * 3 + 3 + 3 + 1
    with pytest.raises(ValueError, match="only one"):
        nn.layers.Dense(3, input_dim=4, input_shape=(4,))
