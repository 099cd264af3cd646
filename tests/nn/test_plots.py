"""nn.plots: every picture is one call returning a matplotlib Figure that shows the real numbers."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import autograd as ag
import nn
from nn.layers import Dense

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def visible_axes(figure: Figure) -> list:
    return [ax for ax in figure.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def blobs(n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Two clouds of 2-D points: class 0 around (-1, -1), class 1 around (1, 1)."""
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], n // 2)
    points = rng.normal(scale=0.4, size=(n, 2)) + np.where(labels[:, None] == 1, 1.0, -1.0)
    return points.astype("float32"), labels


def trained_classifier() -> tuple[nn.Sequential, np.ndarray, np.ndarray]:
    x, y = blobs()
    model = nn.Sequential([nn.Input(shape=(2,)), Dense(8, activation="relu"),
                           Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=30, batch_size=20, verbose=0)
    return model, x, y


def saved_png(figure: Figure, tmp_path) -> bytes:
    path = tmp_path / "figure.png"
    figure.savefig(path)
    return path.read_bytes()


def test_history_plot_and_plot_history_draw_training_and_validation_per_metric(tmp_path):
    x, y = blobs()
    model = nn.Sequential([nn.Input(shape=(2,)), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, validation_split=0.25, verbose=0)
    figure = history.plot()
    assert [ax.get_title() for ax in visible_axes(figure)] == ["loss", "accuracy"]
    loss_panel = visible_axes(figure)[0]
    training, validation = loss_panel.get_lines()
    np.testing.assert_allclose(training.get_ydata(), history.history["loss"])
    np.testing.assert_allclose(validation.get_ydata(), history.history["val_loss"])
    assert list(training.get_xdata()) == [1, 2, 3, 4]
    assert [text.get_text() for text in loss_panel.get_legend().get_texts()] == ["training", "validation"]
    assert saved_png(figure, tmp_path).startswith(PNG_MAGIC)
    same = nn.utils.plot_history(history.history, metrics=["accuracy"])
    assert [ax.get_title() for ax in visible_axes(same)] == ["accuracy"]
    with pytest.raises(ValueError, match="nothing logged under.*'auc'.*has \\['accuracy', 'loss'"):
        nn.utils.plot_history(history, metrics=["auc"])
    with pytest.raises(TypeError, match="History that fit\\(\\) returns"):
        nn.plots.plot_history([0.5, 0.4])


def test_decision_boundary_colours_the_plane_by_the_predicted_class():
    model, x, y = trained_classifier()
    figure = nn.plots.plot_decision_boundary(model, x, y, resolution=50)
    (ax,) = visible_axes(figure)
    points = ax.collections[-1]  # the data, drawn last
    np.testing.assert_allclose(points.get_offsets(), x)
    np.testing.assert_array_equal(points.get_array(), y)
    assert "decision boundary" in ax.get_title()
    with pytest.raises(ValueError, match=r"2 features, shape \(n, 2\); got shape \(60, 3\)"):
        nn.plots.plot_decision_boundary(model, np.zeros((60, 3)), y)


def test_decision_boundary_of_a_single_sigmoid_output():
    x, y = blobs()
    model = nn.Sequential([nn.Input(shape=(2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y.astype("float32"), epochs=20, verbose=0)
    assert isinstance(nn.plots.plot_decision_boundary(model, x, y, resolution=30), Figure)


def histogram_counts(ax) -> float:
    return sum(patch.get_height() for patch in ax.patches)


def test_weight_activation_and_gradient_histograms_have_one_panel_per_array():
    model, x, y = trained_classifier()
    weights = nn.plots.plot_weights(model)
    titles = [ax.get_title() for ax in visible_axes(weights)]
    assert [title.split(" ")[0] for title in titles] == [w.name for w in model.weights]
    assert [histogram_counts(ax) for ax in visible_axes(weights)] == [w.size for w in model.weights]

    activations = nn.plots.plot_activations(model, x[:10])
    assert [ax.get_title().split(" ")[0] for ax in visible_axes(activations)] == [l.name for l in model.layers]
    assert histogram_counts(visible_axes(activations)[0]) == 10 * 8

    for w in model.trainable_weights:
        w.grad = None
    gradients = nn.plots.plot_gradients(model, x, y)
    assert len(visible_axes(gradients)) == len(model.trainable_weights)
    assert all(w.grad is None for w in model.trainable_weights)  # autograd.grad, not backward
    expected = ag.grad(model.loss(y, model(x)), model.trainable_weights[0])[0].data
    assert f"mean {expected.mean():.3g}" in visible_axes(gradients)[0].get_title()
    with pytest.raises(ValueError, match="call model.compile"):
        nn.plots.plot_gradients(nn.Sequential([nn.Input(shape=(2,)), Dense(1)]), x, y)


def tiny_conv_kernel(in_channels: int, filters: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.normal(size=(3, 3, in_channels, filters)).astype("float32")


def test_filters_of_a_grey_and_of_a_colour_convolution():
    grey = nn.plots.plot_filters(tiny_conv_kernel(1, 6))
    axes = visible_axes(grey)
    assert [ax.get_title() for ax in axes] == [f"filter {k}" for k in range(6)]
    np.testing.assert_allclose(axes[2].images[0].get_array(), tiny_conv_kernel(1, 6)[:, :, 0, 2])
    colour = nn.plots.plot_filters(ag.Tensor(tiny_conv_kernel(3, 2)))
    assert visible_axes(colour)[0].images[0].get_array().shape == (3, 3, 3)
    assert len(visible_axes(nn.plots.plot_filters(tiny_conv_kernel(1, 100)))) == 64
    dense = Dense(4)
    dense.build_for((None, 3))
    with pytest.raises(ValueError, match=r"\(height, width, in, filters\).*got shape \(3, 4\)"):
        nn.plots.plot_filters(dense)  # a layer's kernel is read, but this one is not a convolution
    with pytest.raises(ValueError, match="channel=5 does not exist"):
        nn.plots.plot_filters(tiny_conv_kernel(2, 2), channel=5)


def test_feature_maps_of_a_convolution_on_one_image():
    kernel = ag.Tensor(tiny_conv_kernel(1, 4))
    image = np.random.default_rng(2).random((8, 8, 1)).astype("float32")
    expected = ag.conv2d(ag.Tensor(image[None]), kernel).data[0]
    from_layer = nn.plots.plot_feature_maps(lambda batch: ag.conv2d(batch, kernel), image)
    axes = visible_axes(from_layer)
    assert [ax.get_title() for ax in axes] == [f"channel {k}" for k in range(4)]
    np.testing.assert_allclose(axes[3].images[0].get_array(), expected[:, :, 3], rtol=1e-6)
    from_array = nn.plots.plot_feature_maps(expected[None])
    np.testing.assert_allclose(visible_axes(from_array)[0].images[0].get_array(), expected[:, :, 0])
    with pytest.raises(ValueError, match="pass the image"):
        nn.plots.plot_feature_maps(lambda batch: batch)
    with pytest.raises(ValueError, match=r"\(height, width, channels\).*got shape \(8, 8\)"):
        nn.plots.plot_feature_maps(np.zeros((8, 8)))


def test_attention_heat_map_per_head_with_token_labels():
    logits = np.random.default_rng(3).normal(size=(2, 3, 4, 4))
    weights = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)  # (batch, heads, q, k)
    tokens = ["the", "cat", "sat", "."]
    figure = nn.plots.plot_attention(weights, tokens)
    axes = visible_axes(figure)
    assert [ax.get_title() for ax in axes] == ["head 0", "head 1", "head 2"]
    np.testing.assert_allclose(axes[1].images[0].get_array(), weights[0, 1])
    assert [t.get_text() for t in axes[0].get_xticklabels()] == tokens
    assert [t.get_text() for t in axes[0].get_yticklabels()] == tokens
    assert any(ax.get_label() == "<colorbar>" for ax in figure.axes)
    single = nn.plots.plot_attention(weights[0, 0])
    assert [ax.get_title() for ax in visible_axes(single)] == ["attention weights"]
    with pytest.raises(ValueError, match="3 labels for 4 keys"):
        nn.plots.plot_attention(weights, tokens[:3])
    with pytest.raises(ValueError, match="got shape \\(4,\\)"):
        nn.plots.plot_attention(np.ones(4))


def test_without_matplotlib_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"plot_weights draws with matplotlib.*pip install matplotlib"):
        nn.plots.plot_weights(nn.Sequential([nn.Input(shape=(2,)), Dense(1)]))
    with pytest.raises(ImportError, match="LivePlot draws with matplotlib"):
        nn.callbacks.LivePlot().on_train_begin()


def test_figures_are_readable_and_open_no_window():
    figure = nn.plots.plot_filters(tiny_conv_kernel(1, 2))
    assert figure.dpi >= 100  # 10-point text is at least 14 px high
    assert "matplotlib.pyplot" not in sys.modules or not matplotlib.pyplot.get_fignums()
