"""The functional API: Input as a KerasTensor, layer calls as nodes, nn.Model(inputs, outputs)
run in topological order, shared layers, reused layers, get_layer, intermediate outputs, config."""
import json

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import viz
from nn import layers


def test_input_is_a_symbolic_tensor_and_a_layer_call_records_a_node():
    x = nn.Input(shape=(4,), name="features")
    assert isinstance(x, nn.KerasTensor) and x.shape == (None, 4) and x.dtype == "float32" and x.name == "features"
    dense = layers.Dense(3)
    y = dense(x)
    assert y.shape == (None, 3) and dense.built and dense.kernel.shape == (4, 3)
    (node,) = dense._inbound_nodes
    assert node.input_tensors == [x] and node.output_tensors == [y] and y._keras_history.layer is dense
    assert dense.input is x and dense.output is y
    assert nn.Input(batch_shape=(8, 2, 3)).shape == (8, 2, 3)


def test_a_keras_tensor_has_no_values_and_says_how_to_get_them():
    x = nn.Input(shape=(4,))
    with pytest.raises(TypeError, match=r"nn.layers.Rescaling\(scale, offset\) for numbers"):
        x * 2.0
    with pytest.raises(TypeError, match="placeholder without values"):
        np.asarray(x)


def test_model_runs_the_calls_in_order_and_matches_the_layers_by_hand():
    inputs = nn.Input(shape=(4,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    outputs = layers.Dense(2)(hidden)
    model = nn.Model(inputs, outputs, name="mlp")
    assert isinstance(model, nn.Model) and type(model).__name__ == "Functional"
    x = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    by_hand = model.layers[2](model.layers[1](x))
    np.testing.assert_array_equal(model(x).data, by_hand.data)
    np.testing.assert_array_equal(model.predict(x), by_hand.data)
    assert [layer.name for layer in model.layers] == ["input_layer", "dense", "dense_1"]
    assert model.inputs == [inputs] and model.outputs == [outputs] and model.input is inputs and model.output is outputs


def test_default_names_follow_keras():
    inputs = nn.Input(shape=(2,))
    first, second = nn.Model(inputs, layers.Dense(1)(inputs)), nn.Model(inputs, inputs)
    assert (first.name, second.name) == ("functional", "functional_1")


def test_a_shared_layer_runs_twice_with_the_same_weights_and_gets_both_gradients():
    a, b = nn.Input(shape=(3,)), nn.Input(shape=(3,))
    shared = layers.Dense(2, name="shared")
    model = nn.Model([a, b], layers.Subtract()([shared(a), shared(b)]))
    assert [w.name for w in model.weights] == ["shared/kernel", "shared/bias"]
    xa, xb = np.ones((1, 3)), np.full((1, 3), 2.0)
    out = model([xa, xb])
    np.testing.assert_allclose(out.data, (xa - xb) @ shared.kernel.data, rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(shared.kernel.grad.data, np.repeat((xa - xb).T, 2, axis=1), rtol=1e-6)
    assert np.all(shared.bias.grad.data == 0)  # the bias cancels in the difference


def test_layers_are_reused_across_models_and_an_intermediate_output_model_shares_weights():
    inputs = nn.Input(shape=(4,))
    hidden = layers.Dense(6, activation="tanh", name="hidden")(inputs)
    model = nn.Model(inputs, layers.Dense(1, name="out")(hidden))
    features = nn.Model(model.input, model.get_layer("hidden").output)
    x = np.ones((2, 4))
    kernel = model.get_layer("hidden").kernel.data
    np.testing.assert_allclose(features.predict(x), np.tanh(x @ kernel), rtol=1e-6)
    assert features.layers[1] is model.layers[1]
    model.get_layer("hidden").kernel.data[...] = 0.0
    assert np.all(features.predict(x) == 0.0)


def test_several_inputs_and_outputs_as_lists_or_dicts():
    a, b = nn.Input(shape=(4,), name="a"), nn.Input(shape=(3,), name="b")
    joined = layers.Concatenate()([a, b])
    listed = nn.Model([a, b], [layers.Dense(2)(joined), layers.Dense(1)(joined)])
    named = nn.Model({"a": a, "b": b}, {"first": listed.outputs[0], "second": listed.outputs[1]})
    xa, xb = np.ones((5, 4)), np.ones((5, 3))
    as_list = listed([xa, xb])
    as_dict = named({"b": xb, "a": xa})
    assert isinstance(as_list, list) and set(as_dict) == {"first", "second"}
    np.testing.assert_array_equal(as_list[0].data, as_dict["first"].data)
    np.testing.assert_array_equal(listed({"a": xa, "b": xb})[1].data, as_list[1].data)  # a dict by input name
    assert listed.output_names == ["dense", "dense_1"] and named.output_names == ["first", "second"]
    predicted = named.predict({"a": xa, "b": xb}, batch_size=2)
    assert set(predicted) == {"first", "second"} and predicted["second"].shape == (5, 1)
    with pytest.raises(ValueError, match=r"has 2 inputs \(a, b\) but was given 1"):
        listed(xa)
    with pytest.raises(ValueError, match=r"input 'b' expects shape \(None, 3\)"):
        listed([xa, np.ones((5, 4))])


def test_a_disconnected_graph_names_the_missing_input():
    a, b = nn.Input(shape=(2,), name="a"), nn.Input(shape=(2,), name="b")
    total = layers.Add()([a, b])
    with pytest.raises(ValueError, match="input 'b' needed by layer 'add' is not among the model's inputs"):
        nn.Model(a, total)
    with pytest.raises(TypeError, match="must be a KerasTensor"):
        nn.Model(a, np.ones(2))


def test_layer_names_must_be_unique_in_a_model():
    x = nn.Input(shape=(2,))
    with pytest.raises(ValueError, match=r"several layers named \['twin'\]"):
        nn.Model(x, layers.Dense(2, name="twin")(layers.Dense(2, name="twin")(x)))


def test_get_layer_by_name_or_index():
    x = nn.Input(shape=(2,))
    model = nn.Model(x, layers.Dense(1, name="out")(x))
    assert model.get_layer("out") is model.get_layer(index=1) is model.get_layer(index=-1)
    with pytest.raises(ValueError, match=r"no layer named 'nope'; its layers are \['input_layer', 'out'\]"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only 2 layers"):
        model.get_layer(index=5)
    with pytest.raises(ValueError, match="exactly one of name= or index="):
        model.get_layer()


def test_a_model_is_a_layer_inside_another_model():
    inner_in = nn.Input(shape=(3,))
    inner = nn.Model(inner_in, layers.Dense(2, name="inner_dense")(inner_in), name="inner")
    x = nn.Input(shape=(3,))
    outer = nn.Model(x, layers.Dense(1, name="head")(inner(x)), name="outer")
    assert [layer.name for layer in outer.layers] == ["input_layer_1", "inner", "head"]
    assert len(outer.weights) == 4 and outer.count_params() == 3 * 2 + 2 + 2 + 1
    data = np.ones((2, 3))
    np.testing.assert_allclose(outer(data).data, outer.get_layer("head")(inner(data)).data, rtol=1e-6)


def test_training_reaches_dropout_through_the_graph():
    x = nn.Input(shape=(100,))
    model = nn.Model(x, layers.Dropout(0.9)(x))
    data = np.ones((2, 100))
    assert np.array_equal(model(data).data, data) and (model(data, training=True).data == 0).any()
    fixed = nn.Model(x, layers.Dropout(0.9)(x, training=True))  # given in the graph: always on
    assert (fixed(data).data == 0).any()


def test_config_is_keras_s_functional_config_and_rebuilds_the_same_graph():
    a, b = nn.Input(shape=(4,), name="a"), nn.Input(shape=(2,), name="b")
    shared = layers.Dense(4, name="shared")
    h = shared(layers.Dense(4, name="first")(a))
    out = layers.Concatenate(name="join")([shared(h), b])
    model = nn.Model([a, b], [out, h], name="m")
    config = model.get_config()
    assert set(config) == {"name", "trainable", "layers", "input_layers", "output_layers"}
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["join", 0, 0], ["shared", 0, 0]]
    shared_entry = next(entry for entry in config["layers"] if entry["name"] == "shared")
    assert [call["args"][0]["config"]["keras_history"] for call in shared_entry["inbound_nodes"]] == \
        [["first", 0, 0], ["shared", 0, 0]]
    assert shared_entry["inbound_nodes"][0]["args"][0]["class_name"] == "__keras_tensor__"
    rebuilt = nn.Model.from_config(json.loads(json.dumps(config)))
    assert type(rebuilt).__name__ == "Functional" and rebuilt.get_config() == config
    rebuilt.set_weights(model.get_weights())
    xa, xb = np.ones((3, 4)), np.ones((3, 2))
    for mine, theirs in zip(model.predict([xa, xb]), rebuilt.predict([xa, xb])):
        np.testing.assert_array_equal(mine, theirs)


def test_to_json_and_model_from_json_round_trip():
    x = nn.Input(shape=(3,))
    model = nn.Model(x, {"y": layers.Dense(2, activation="relu")(x)}, name="json")
    described = json.loads(model.to_json())
    assert described["class_name"] == "Functional" and described["config"]["output_layers"] == {"y": ["dense", 0, 0]}
    clone = nn.models.model_from_json(model.to_json())
    assert clone.get_config() == model.get_config() and clone.output_names == ["y"]


def test_a_model_cut_from_the_middle_of_a_graph_runs_but_cannot_be_configured():
    x = nn.Input(shape=(3,))
    hidden = layers.Dense(4, name="hidden")(x)
    head = nn.Model(hidden, layers.Dense(1, name="head")(hidden))
    np.testing.assert_allclose(head(np.ones((2, 4))).data, head.get_layer("head")(np.ones((2, 4))).data)
    with pytest.raises(ValueError, match="only a model whose inputs are nn.Input"):
        head.get_config()


def test_viz_groups_a_functional_model_s_ops_by_layer():
    x = nn.Input(shape=(3,))
    hidden = layers.Dense(3, activation="relu", name="hidden")(x)
    model = nn.Model(x, layers.Add(name="skip")([x, hidden]), name="residual")
    loss = ag.mean(model(np.ones((2, 3))))
    source = viz.draw(loss, group="name_scope").source
    for cluster in ("cluster_residual", '"cluster_residual/hidden"', '"cluster_residual/skip"'):
        assert f"subgraph {cluster}" in source


def test_data_given_to_a_model_is_named_after_its_inputs_in_pictures_of_the_graph():
    features, extra = nn.Input(shape=(4,), name="features"), nn.Input(shape=(3,))
    joined = layers.Concatenate()([layers.Dense(2, name="hidden")(features), extra])
    model = nn.Model([features, extra], layers.Dense(1)(joined))
    source = viz.draw(model([np.ones((2, 4)), np.ones((2, 3))]).sum()).source
    assert "<b>features</b>" in source and f"<b>{extra._keras_history.layer.name}</b>" in source
    single = nn.Model(extra, layers.Dense(1)(extra))
    assert "<b>x</b>" in viz.draw(single(np.ones((2, 3))).sum()).source
    by_name = model({"features": np.ones((1, 4)), extra._keras_history.layer.name: np.ones((1, 3))})
    assert by_name.shape == (1, 1)


def test_sum_difference_and_product_of_two_keras_tensors_are_merge_layers():
    a, b = nn.Input(shape=(3,), name="a"), nn.Input(shape=(3,), name="b")
    hidden = layers.Dense(3, name="hidden")(a)
    model = nn.Model([a, b], [hidden + b, b - hidden, hidden * b])
    assert [type(layer).__name__ for layer in model.layers if type(layer).__name__ in ("Add", "Subtract", "Multiply")] \
        == ["Add", "Subtract", "Multiply"]
    x, y = np.ones((2, 3), dtype="float32"), np.arange(6, dtype="float32").reshape(2, 3)
    h = model.get_layer("hidden")(x).data
    added, subtracted, multiplied = model.predict([x, y])
    np.testing.assert_allclose(added, h + y, rtol=1e-6)
    np.testing.assert_allclose(subtracted, y - h, rtol=1e-6)
    np.testing.assert_allclose(multiplied, h * y, rtol=1e-6)
