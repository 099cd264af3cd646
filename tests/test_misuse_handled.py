"""Mistakes handled rather than refused, and mistakes that need the environment changed.

The table of refused mistakes is tests/test_misuse.py.
"""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import viz
from nn.layers import Dense, Input


# ---- mistakes that are handled rather than refused ------------------------------------------------
@pytest.mark.parametrize("target_shape", [(5,), (5, 1)])
def test_a_flat_target_against_a_column_prediction_does_not_broadcast_to_a_matrix(target_shape):
    """MSE of y (n,) against y_pred (n, 1) is mean((y - y_pred)^2), not the (n, n) broadcast's mean."""
    y = np.arange(5.0)
    y_pred = (y + 1.0).reshape(5, 1)
    loss = nn.losses.mean_squared_error(y.reshape(target_shape), y_pred)
    assert loss.item() == pytest.approx(1.0)


def test_a_flat_target_trains_a_one_output_regression_like_a_column_target():
    x = np.linspace(-1, 1, 20, dtype="float32").reshape(-1, 1)
    y = 3.0 * x[:, 0]
    losses = []
    for target in (y, y.reshape(-1, 1)):
        nn.utils.set_random_seed(0)
        model = nn.Sequential([Input(shape=(1,)), Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        losses.append(model.fit(x, target, epochs=3, verbose=0, shuffle=False).history["loss"])
    assert losses[0] == losses[1]


def test_integer_input_to_a_float32_model_gives_float32_like_the_weights():
    model = nn.Sequential([Input(shape=(4,)), Dense(3, activation="relu"), Dense(2)])
    x = np.arange(8).reshape(2, 4)
    assert model(x).dtype == np.float32
    assert model.predict(x, verbose=0).dtype == np.float32
    np.testing.assert_allclose(model(x).data, model(x.astype("float32")).data)


@pytest.mark.parametrize("built", [True, False])
def test_predict_on_an_empty_batch_returns_an_empty_result_of_the_output_shape(built):
    model = nn.Sequential(([Input(shape=(4,))] if built else []) + [Dense(3), Dense(2, activation="softmax")])
    result = model.predict(np.zeros((0, 4), dtype="float32"), verbose=0)
    assert result.shape == (0, 2) and result.dtype == np.float32


def test_a_loss_class_and_a_lone_callback_are_taken_as_keras_takes_them():
    nn.utils.set_random_seed(0)
    model = nn.Sequential([Input(shape=(2,)), Dense(1)])
    model.compile(optimizer="sgd", loss=nn.losses.MeanSquaredError)  # the class, not an instance
    stop = nn.callbacks.EarlyStopping(monitor="loss", patience=0)
    history = model.fit(np.ones((8, 2)), np.zeros(8), epochs=3, verbose=0, callbacks=stop)  # not in a list
    assert isinstance(model.loss, nn.losses.MeanSquaredError) and len(history.history["loss"]) >= 1
    assert stop.model is model


# ---- mistakes that need the environment changed ---------------------------------------------------
def test_rendering_without_dot_says_how_to_install_graphviz(tmp_path, monkeypatch):
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    drawing = viz.draw((ag.Tensor([1.0, 2.0], requires_grad=True, dtype="float64") * 3.0).sum())
    with pytest.raises(viz.GraphvizNotFoundError) as caught:
        drawing.render(tmp_path / "graph.png")
    message = str(caught.value)
    assert "`dot` program, which was not found on PATH" in message
    assert "apt-get install graphviz" in message and ".source" in message
    assert drawing.source.startswith("digraph")  # the DOT text still works without Graphviz
