"""model.summary(): Keras 3's box table, "Connected to" for graphs that branch, shared layers
counted once, nested models as one row, widths as Keras computes them."""
import numpy as np
import pytest

import nn
from nn import layers


def summary_text(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    assert len(lines) == 1  # one string, as Keras 3 gives print_fn
    return lines[0]


def test_a_chain_has_three_columns_and_keras_s_widths():
    model = nn.Sequential([nn.Input(shape=(64,)), layers.Dense(128, activation="relu"), layers.Flatten(),
                           layers.Dense(10, activation="softmax")], name="mlp")
    text = summary_text(model, line_length=88)
    lines = text.splitlines()
    assert lines[0] == 'Model: "mlp"'
    assert lines[1] == "┏" + "━" * 38 + "┳" + "━" * 29 + "┳" + "━" * 17 + "┓"
    assert lines[2] == "┃ " + "Layer (type)".ljust(36) + " ┃ " + "Output Shape".ljust(27) + " ┃ " + "Param #".rjust(15) + " ┃"
    assert lines[4] == "│ " + "dense (Dense)".ljust(36) + " │ " + "(None, 128)".ljust(27) + " │ " + "8,320".rjust(15) + " │"
    assert "Connected to" not in text and all(len(line) == 88 for line in lines[1:-3])
    assert lines[-3:] == [" Total params: 9,610 (37.54 KB)", " Trainable params: 9,610 (37.54 KB)",
                          " Non-trainable params: 0 (0.00 B)"]


def test_a_branching_graph_shows_what_each_layer_is_connected_to():
    a, b = nn.Input(shape=(4,), name="a"), nn.Input(shape=(3,), name="b")
    shared = layers.Dense(7, name="shared")
    joined = layers.Add(name="add")([shared(layers.Concatenate(name="cat")([a, b])),
                                     shared(layers.Dense(7, name="pre")(a))])
    model = nn.Model([a, b], joined, name="graph")
    text = summary_text(model, line_length=108)
    assert all(len(line) == 108 for line in text.splitlines()[1:-3])
    assert "Connected to" in text and "│ a (InputLayer)" in text
    assert "a[0][0], b[0][0]" in text and "cat[0][0], pre[0][0]" in text and "shared[0][0], shared[1][0]" in text
    assert " Total params: 91 (364.00 B)" in text  # the shared layer's 56 weights once, pre's 35


def test_a_nested_model_is_one_row_unless_expanded():
    inner = nn.Sequential([nn.Input(shape=(4,)), layers.Dense(3, name="inner_dense")], name="inner")
    outer = nn.Sequential([inner, layers.Softmax(name="probabilities")], name="outer")
    text = summary_text(outer, line_length=88)
    assert "inner (Sequential)" in text and "inner_dense" not in text and " Total params: 15 " in text
    expanded = summary_text(outer, line_length=88, expand_nested=True)
    assert "   └ inner_dense (Dense)" in expanded


def test_show_trainable_adds_a_column():
    model = nn.Sequential([nn.Input(shape=(2,)), layers.Dense(2, name="frozen"), layers.Dense(1, name="free"),
                           layers.Softmax(name="soft")])
    model.get_layer("frozen").trainable = False
    rows = [line for line in summary_text(model, show_trainable=True, line_length=100).splitlines() if "│" in line]
    assert [row.split("│")[-2].strip() for row in rows] == ["N", "Y", "-"]


def test_an_unbuilt_layer_shows_a_question_mark_and_long_names_wrap():
    class Late(nn.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.a_rather_long_layer_name_for_the_column = layers.Dense(2, name="a_rather_long_layer_name_indeed")
            self.unused = layers.Dense(3, name="never_called")

        def call(self, inputs):
            return self.a_rather_long_layer_name_for_the_column(inputs)

    model = Late()
    model(np.ones((1, 2)))
    text = summary_text(model, line_length=60)
    assert "(unbuilt)" in text and "│ ?" in text and "│ _indeed (Dense)" in text
    assert all(len(line) == 60 for line in text.splitlines()[1:-3])


def test_the_optimizer_state_is_counted_once_it_exists():
    model = nn.Sequential([nn.Input(shape=(3,)), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    assert "Optimizer params" not in summary_text(model)
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    text = summary_text(model)
    assert " Optimizer params: 18 (72.00 B)" in text and " Total params: 26 (104.00 B)" in text


def test_a_line_too_narrow_for_the_table_says_so():
    with pytest.raises(ValueError, match="too narrow"):
        summary_text(nn.Sequential([nn.Input(shape=(2,)), layers.Dense(1)]), line_length=10)
