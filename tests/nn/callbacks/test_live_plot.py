"""LivePlot redraws the curves each epoch: one updating figure in a real notebook kernel, a PNG in
a terminal; GradientNorms records each layer's gradient norm per epoch."""
from __future__ import annotations

import base64
import textwrap
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.layers import Dense

pytest.importorskip("matplotlib")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[3]


def small_problem() -> tuple[nn.Sequential, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int64")
    model = nn.Sequential([nn.Input(shape=(3,)), Dense(4, activation="relu"), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_in_a_terminal_the_curves_are_saved_as_a_png(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    model, x, y = small_problem()
    live = nn.callbacks.LivePlot()
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[live])
    saved = tmp_path / "training_curves.png"
    assert saved.read_bytes().startswith(PNG_MAGIC)
    assert f"saved the training curves to {saved.name}" in capsys.readouterr().out
    assert live.history["val_loss"] == pytest.approx(history.history["val_loss"])
    titles = [ax.get_title() for ax in live.figure.axes if ax.get_visible()]
    assert titles == ["loss", "accuracy"]

    chosen = tmp_path / "plots" / "loss.png"
    model.fit(x, y, epochs=2, verbose=0, callbacks=[nn.callbacks.LivePlot(metrics=["loss"], path=chosen)])
    assert chosen.read_bytes().startswith(PNG_MAGIC)


def test_in_a_notebook_one_figure_updates_in_place(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    source = textwrap.dedent("""\
        import numpy as np
        import nn
        from nn.layers import Dense
        nn.utils.set_random_seed(0)
        x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
        y = (x.sum(axis=1) > 0).astype("int64")
        model = nn.Sequential([nn.Input(shape=(3,)), Dense(2, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        live = nn.callbacks.LivePlot()
        model.fit(x, y, epochs=4, validation_split=0.25, verbose=0, callbacks=[live])
        print("epochs drawn:", len(live.history["loss"]))
        """)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = notebook.cells[0].outputs
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) == 1  # one figure, updated after each epoch, not four
    assert base64.b64decode(images[0].data["image/png"]).startswith(PNG_MAGIC)
    assert any("epochs drawn: 4" in o.get("text", "") for o in outputs)
    assert not (ROOT / "training_curves.png").exists()  # nothing saved unless a path is given


def test_gradient_norms_per_layer_per_epoch_match_the_gradient_of_the_batch():
    model, x, y = small_problem()
    model.compile(optimizer=optim.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    layer = model.layers[0]
    grads = ag.grad(model.loss(y, model(x)), layer.trainable_weights)  # before any step
    expected = np.sqrt(sum(np.sum(g.data.astype(np.float64) ** 2) for g in grads))
    norms = nn.callbacks.GradientNorms()
    model.fit(x, y, epochs=3, batch_size=len(x), verbose=0, callbacks=[norms])  # one batch per epoch
    assert list(norms.norms) == [layer.name for layer in model.layers] and norms.epochs == [1, 2, 3]
    np.testing.assert_allclose(norms.norms[layer.name][0], expected, rtol=1e-5)
    assert norms.norms[layer.name][1] != norms.norms[layer.name][0]  # the weights moved
    figure = norms.plot()
    (ax,) = [a for a in figure.axes if a.get_visible()]
    assert [line.get_label() for line in ax.get_lines()] == list(norms.norms)
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="pass GradientNorms\\(\\) to fit first"):
        nn.callbacks.GradientNorms().plot()
