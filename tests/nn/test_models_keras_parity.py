"""Parity with Keras 3 (torch backend) on the same architecture and weights: multi-output History
and evaluate names and values, summary() text, the functional config's structure, merge layers."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import json  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402
from nn import layers  # noqa: E402

keras = pytest.importorskip("keras")
# Keras's torch backend turns its own variables into arrays in a way numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


@pytest.fixture(autouse=True)
def fresh_keras_session():
    keras.backend.clear_session()


def two_in_two_out(api):
    """The same graph in Keras or in nn (`api` is the module), every layer named."""
    a, b = api.Input(shape=(4,), name="a"), api.Input(shape=(3,), name="b")
    joined = api.layers.Concatenate(name="join")([a, b])
    hidden = api.layers.Dense(8, activation="relu", name="hidden")(joined)
    digit = api.layers.Dense(3, activation="softmax", name="digit")(hidden)
    price = api.layers.Dense(1, name="price")(api.layers.Add(name="skip")([hidden, api.layers.Dense(8, name="side")(a)]))
    return api.Model([a, b], [digit, price], name="two_heads")


def data(n=32):
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(n, 4)).astype(np.float32), rng.normal(size=(n, 3)).astype(np.float32)]
    return x, [rng.integers(0, 3, n), rng.normal(size=(n, 1)).astype(np.float32)]


def twins():
    theirs, mine = two_in_two_out(keras), two_in_two_out(nn)
    mine.set_weights(theirs.get_weights())
    return theirs, mine


@pytest.mark.parametrize("as_dict", [False, True], ids=["lists", "dicts"])
def test_history_keys_and_evaluate_match_keras(as_dict):
    theirs, mine = twins()
    x, y = data()
    if as_dict:
        loss = {"digit": "sparse_categorical_crossentropy", "price": "mse"}
        settings = dict(loss=loss, loss_weights={"digit": 1.0, "price": 0.5}, metrics={"digit": ["accuracy"],
                                                                                       "price": ["mae"]})
        y = {"digit": y[0], "price": y[1]}
        x = {"a": x[0], "b": x[1]}
    else:
        settings = dict(loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                        metrics=[["accuracy"], ["mae"]])
    for model in (theirs, mine):
        model.compile(optimizer="sgd", **settings)
    expected = theirs.evaluate(x, y, verbose=0, return_dict=True)
    got = mine.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == pytest.approx(expected[name], rel=1e-5), name
    assert mine.evaluate(x, y, verbose=0) == pytest.approx(theirs.evaluate(x, y, verbose=0), rel=1e-5)
    history_theirs = theirs.fit(x, y, epochs=1, batch_size=8, validation_split=0.25, shuffle=False, verbose=0)
    history_mine = mine.fit(x, y, epochs=1, batch_size=8, validation_split=0.25, shuffle=False, verbose=0)
    assert sorted(history_mine.history) == sorted(history_theirs.history)
    for name, values in history_theirs.history.items():
        assert history_mine.history[name][0] == pytest.approx(values[0], rel=1e-4), name


def summary_of(model, **kwargs):
    lines = []
    model.summary(print_fn=lambda text, **_: lines.append(text), **kwargs)
    return lines[0].rstrip("\n")


@pytest.mark.parametrize("line_length", [76, 108, 130])
def test_summary_of_a_branching_graph_matches_keras_character_for_character(line_length, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich, which draws Keras's table, would cut lines at 80 columns
    theirs, mine = twins()
    assert summary_of(mine, line_length=line_length) == summary_of(theirs, line_length=line_length)


def test_summary_of_a_stack_with_a_nested_model_matches_keras(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")

    def stack(api):
        inner = api.Sequential([api.Input(shape=(5,)), api.layers.Dense(4, name="inner_dense")], name="inner")
        return api.Sequential([inner, api.layers.Dense(2, name="head"), api.layers.Softmax(name="probabilities")],
                              name="outer")

    theirs, mine = stack(keras), stack(nn)
    theirs.build((None, 5))
    assert summary_of(mine, line_length=88) == summary_of(theirs, line_length=88)


def test_functional_config_has_keras_s_structure():
    theirs, mine = twins()
    expected, got = json.loads(json.dumps(theirs.get_config())), mine.get_config()
    assert set(got) == set(expected) - {"module"} and got["name"] == expected["name"]
    assert got["input_layers"] == expected["input_layers"] and got["output_layers"] == expected["output_layers"]
    assert [entry["name"] for entry in got["layers"]] == [entry["name"] for entry in expected["layers"]]
    for mine_entry, keras_entry in zip(got["layers"], expected["layers"]):
        assert mine_entry["class_name"] == keras_entry["class_name"]
        assert set(mine_entry) == set(keras_entry) - {"module", "build_config"}
        assert mine_entry["inbound_nodes"] == keras_entry["inbound_nodes"], mine_entry["name"]
        if keras_entry["class_name"] == "Dense":
            for key in ("name", "units", "activation", "use_bias", "trainable"):
                assert mine_entry["config"][key] == keras_entry["config"][key]


@pytest.mark.parametrize("name, kwargs", [("Add", {}), ("Subtract", {}), ("Multiply", {}), ("Average", {}),
                                          ("Maximum", {}), ("Minimum", {}), ("Concatenate", {"axis": 1}),
                                          ("Dot", {"axes": 1}), ("Dot", {"axes": 1, "normalize": True})])
def test_merge_layers_compute_what_keras_computes(name, kwargs):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)
    expected = keras.ops.convert_to_numpy(getattr(keras.layers, name)(**kwargs)([a, b]))
    np.testing.assert_allclose(getattr(layers, name)(**kwargs)([a, b]).data, expected, rtol=1e-5, atol=1e-6)
