"""A learner's mistakes with the functional API, models written as classes and layers of their
own, one row each (the row type and its check: tests/misuse_table.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from misuse_table import Case, raises_problem_and_fix

import autograd as ag
import nn
from nn.layers import Dense, Input


def disconnected_model() -> None:
    a, b = Input(shape=(2,)), Input(shape=(2,))
    nn.Model(a, nn.layers.Add()([a, b]))


def two_input_model() -> nn.Model:
    a, b = Input(shape=(3,)), Input(shape=(3,))
    return nn.Model([a, b], nn.layers.Add()([a, b]))


def two_output_model() -> nn.Model:
    x = Input(shape=(3,))
    return nn.Model(x, [Dense(1)(x), Dense(1)(x)])


def fit_two_outputs(loss: Any) -> None:
    model = two_output_model()
    model.compile(optimizer="sgd", loss=loss)
    model.fit(np.ones((4, 3)), [np.ones((4, 1)), np.ones((4, 1))], verbose=0)


def forgot_super_init() -> None:
    class Forgot(nn.layers.Layer):
        def __init__(self) -> None:
            self.units = 2

        def call(self, inputs: Any) -> Any:
            return inputs

    Forgot()(np.ones((1, 2)))


def saved_with_custom_loss(tmp: Path) -> Path:
    def gap(y_true: Any, y_pred: Any) -> ag.Tensor:
        return ag.mean((y_pred - y_true) ** 2)

    model = mlp()
    model.compile(optimizer="sgd", loss=gap)
    model.save(tmp / "custom.npz")
    return tmp / "custom.npz"


def mlp() -> nn.Sequential:
    return nn.Sequential([Input(shape=(4,)), Dense(8, activation="relu"), Dense(3)])


CASES = [
    Case("keras_tensor_plus_a_number", lambda _: Input(shape=(3,)) + 1.0, TypeError,
         "is a placeholder without values", "nn.layers.Rescaling(scale, offset) for numbers"),
    Case("keras_tensor_sliced", lambda _: Input(shape=(3,))[:, 0], TypeError,
         "is a placeholder without values", "a layer of your own whose call does the math"),
    Case("keras_tensor_to_array", lambda _: np.asarray(Input(shape=(3,))), TypeError,
         "placeholder without values", "call it (or its predict) on data"),
    Case("disconnected_graph", lambda _: disconnected_model(), ValueError,
         "the graph is disconnected", "add it to nn.Model(inputs=[...]"),
    Case("model_outputs_not_symbolic", lambda _: nn.Model(Input(shape=(2,)), np.ones(2)), TypeError,
         "must be a KerasTensor", "made by nn.Input(...)"),
    Case("functional_wrong_input_count", lambda _: two_input_model()(np.ones((2, 3))), ValueError,
         "has 2 inputs", "pass a list in that order or a dict"),
    Case("merge_single_input", lambda _: nn.layers.Add()(np.ones((2, 3))), ValueError,
         "got a single input", "Add()([a, b])"),
    Case("add_weight_too_many_positions", lambda _: nn.layers.Layer().add_weight((2,), "ones", "float32", False),
         TypeError, "at most 3 arguments by position", "pass the others by keyword"),
    Case("forgot_super_init", lambda _: forgot_super_init(), RuntimeError,
         "did not call super().__init__", "call it first"),
    Case("multi_output_loss_list", lambda _: fit_two_outputs(loss=["mse"]), ValueError,
         "loss is a list of 1 but the model has 2 outputs", "give one entry per output"),
    Case("multi_output_metrics_flat", lambda _: two_output_model().compile(loss="mse", metrics=["mae"]),
         ValueError, "has 2 outputs", "a list of one list per output"),
    Case("load_custom_loss", lambda tmp: nn.load_model(saved_with_custom_loss(tmp)), ValueError,
         "unknown function 'gap'", "compile=False"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_mistake_raises_a_message_naming_the_problem_and_the_fix(case, tmp_path):
    raises_problem_and_fix(case, tmp_path)
