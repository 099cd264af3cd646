"""autograd.viz.draw: pictures rendered through the real Graphviz `dot`."""
from __future__ import annotations

import base64
import html
import re

import graphviz
import numpy as np
import pytest

import autograd as ag
from autograd import viz
from autograd.viz.examples import mlp_loss, neuron
from autograd.viz.graph import collect_graph
from autograd.viz.labels import format_array, operand
from autograd.viz.png_text import read_png_text, with_png_text

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def neuron_after_backward() -> tuple[ag.Tensor, dict[str, ag.Tensor]]:
    y, leaves = neuron()
    y.backward()
    return y, leaves


def test_neuron_renders_to_png_and_svg_with_names_ops_values_and_grads(tmp_path):
    y, leaves = neuron_after_backward()
    picture = viz.draw(y)
    png = picture.render(tmp_path / "neuron.png")
    svg = html.unescape(picture.render(tmp_path / "neuron.svg").read_text())
    data = png.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5_000
    for text in ("x1", "w1", "x2", "w2", "b", "tanh", "*", "+", "data 0.7071", "grad -1.5",
                 "grad 0.5", "legend"):
        assert text in svg, text
    assert leaves["x1"].grad.item() == pytest.approx(-1.5)


def test_mlp_loss_shows_shapes_and_summaries_grouped_by_layer(tmp_path):
    loss, params = mlp_loss()
    loss.backward()
    picture = viz.draw(loss, group="name_scope")
    data = picture.render(tmp_path / "mlp.png").read_bytes()
    svg = html.unescape(picture.render(tmp_path / "mlp.svg").read_text())
    assert data.startswith(PNG_MAGIC) and len(data) > 5_000
    for text in ("dense_1/kernel", "dense_2/bias", "linear", "relu", "softmax_cross_entropy", "8×5 float64",
                 " ± ", " in [", "loss", "sequential", "dense_1"):
        assert text in svg, text


def test_name_scope_groups_ops_and_named_parameters_into_nested_clusters():
    loss, params = mlp_loss()
    source = viz.draw(loss, group="name_scope").source
    outer = source.index("subgraph cluster_sequential {")
    inner = source.index('subgraph "cluster_sequential/dense_1" {')
    inner_block = source[inner:source.index("}", inner)]
    assert outer < inner  # dense_1 sits inside sequential
    assert "<b>dense_1/kernel</b>" in inner_block
    assert "dense_2/kernel" not in inner_block
    assert "relu" in inner_block


def test_collapse_draws_each_layer_as_one_box():
    loss, _ = mlp_loss()
    source = viz.draw(loss, group="name_scope", collapse=True).source
    assert "group_sequential/dense_1" in source and "2 ops" in source
    assert "linear" not in source


def test_node_kinds_are_visually_distinct_and_legend_names_them():
    x = ag.Tensor([1.0, 2.0, 3.0], name="x")
    w = ag.Tensor([0.5, -1.0, 2.0], requires_grad=True, name="w")
    out = (2 * (x * w)).sum()
    source = viz.draw(out).source
    position = {id(t): k for k, t in enumerate(collect_graph([out]).tensors)}  # nodes t0, t1, ...
    fill = {name: re.search(rf'\bt{position[id(t)]} \[label=.*fillcolor="([^"]+)"', source).group(1)
            for name, t in [("input", x), ("parameter", w), ("output", out)]}
    assert len(set(fill.values())) == 3
    assert "constant (a number)" in source and "data 2" in source
    assert "legend" not in viz.draw(out, legend=False).source


def test_values_above_max_elements_become_summaries_and_can_be_hidden():
    t = ag.Tensor(np.arange(10.0), requires_grad=True, name="t")
    s = t.sum()
    assert "data 4.5 ± 2.87 in [0, 9]" in viz.draw(s).source  # mean ± std in [min, max]
    assert "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" in viz.draw(s, max_elements=10).source
    assert "data " not in viz.draw(s, show_values=False).source


def test_source_and_dot_file_need_no_graphviz_and_the_error_says_how_to_install(tmp_path, monkeypatch):
    y, _ = neuron_after_backward()
    picture = viz.draw(y)
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without `dot`
    assert picture.source.startswith("digraph")
    assert picture.render(tmp_path / "g.dot").read_text() == picture.source
    with pytest.raises(viz.GraphvizNotFoundError, match=r"`dot` program.*apt-get install graphviz"):
        picture.render(tmp_path / "g.png")
    assert "dot" in picture._repr_mimebundle_()["text/plain"]


def test_notebook_display_is_svg_by_default_and_png_on_request():
    y, _ = neuron()
    picture = viz.draw(y)
    assert picture._repr_mimebundle_()["image/svg+xml"].lstrip().startswith("<?xml")
    png = picture._repr_mimebundle_(include=["image/png"])["image/png"]
    assert base64.b64decode(png).startswith(PNG_MAGIC)


def test_errors_name_the_valid_choices(tmp_path):
    y, _ = neuron()
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf, \.dot"):
        viz.draw(y).render(tmp_path / "graph.jpeg")
    with pytest.raises(ValueError, match="'name_scope'"):
        viz.draw(y, group="layers")
    with pytest.raises(ValueError, match="LR, TB"):
        viz.draw(y, rankdir="up")
    with pytest.raises(TypeError, match="draw\\(loss\\)"):
        viz.draw(np.ones(3))


def test_large_graph_asks_for_grouping_and_deep_graphs_need_no_recursion():
    x = ag.Tensor(0.5, requires_grad=True, name="x")
    y = x
    for _ in range(3000):
        y = y * 1.0001
    with pytest.raises(viz.GraphTooLargeError, match='max_nodes=300.*group="name_scope"'):
        viz.draw(y)
    source = viz.draw(y, max_nodes=None).source
    assert source.count("->") == 2 * 3000 + 3000  # parent -> op and constant -> op, op -> out


def test_custom_group_function_is_a_hook_for_any_grouping():
    y, leaves = neuron()
    source = viz.draw(y, group=lambda node: "weights" if getattr(node, "name", "") in ("w1", "w2")
                      else "").source
    block = source[source.index("subgraph cluster_weights"):]
    assert "<b>w1</b>" in block[:block.index("}")] and "<b>x1</b>" not in block[:block.index("}")]


# ---- every node's gradient, without side effects ----------------------------------------------
def test_grads_true_shows_every_gradient_the_engine_computes_and_touches_no_grad():
    y, leaves = neuron()
    picture = viz.draw(y, grads=True)
    assert all(t.grad is None for t in collect_graph([y]).tensors)  # nothing was written
    # The same picture as retain_grad() on every intermediate followed by backward():
    y_ref, _ = neuron()
    for t in ag.topological_order([y_ref]):
        if t.grad_fn is not None:
            t.retain_grad()
    y_ref.backward()
    assert picture.source == viz.draw(y_ref, grads="stored").source
    for text in ("grad 1<", "grad -1.5", "grad 0.5"):  # the output, x1, the intermediates
        assert text in picture.source
    assert picture.source.count('">grad ') == 10  # all ten tensors of the neuron


def test_grads_true_on_a_model_loss_reaches_intermediates_and_the_loss_itself():
    loss, params = mlp_loss()
    source = viz.draw(loss, grads=True).source
    assert source.count('">grad ') == sum(1 for t in collect_graph([loss]).tensors if t.requires_grad)
    assert all(p.grad is None for p in params.values())


def test_grads_choices_and_their_errors():
    y, _ = neuron()
    assert '">grad ' not in viz.draw(y, grads=False).source
    assert '">grad ' not in viz.draw(y).source  # "stored": nothing stored yet
    with pytest.raises(ValueError, match="grads='all' is not one of True, False or 'stored'"):
        viz.draw(y, grads="all")
    vector = ag.Tensor([1.0, 2.0], requires_grad=True) * 3.0
    with pytest.raises(ValueError, match=r"shape \(2,\).*\.sum\(\)"):
        viz.draw(vector, grads=True)
    y.backward()
    with pytest.raises(RuntimeError, match=r"draw\(grads=True\).*already freed.*before calling loss.backward"):
        viz.draw(y, grads=True)


def test_the_same_computation_always_gives_the_same_dot_text():
    assert viz.draw(neuron()[0], grads=True).source == viz.draw(neuron()[0], grads=True).source
    assert viz.draw(mlp_loss()[0]).source == viz.draw(mlp_loss()[0]).source


def test_a_png_carries_the_dot_source_it_was_drawn_from(tmp_path):
    picture = viz.draw(neuron()[0], grads=True)
    data = picture.render(tmp_path / "neuron.png").read_bytes()
    assert read_png_text(data, "dot") == picture.source
    assert read_png_text(data, "other") is None
    assert data.startswith(PNG_MAGIC) and data.endswith(b"IEND\xaeB`\x82")
    assert read_png_text(with_png_text(data, "note", "ünïcode ∂"), "note") == "ünïcode ∂"


# ---- readable at any size ----------------------------------------------------------------------
def test_values_are_one_line_and_operands_with_operators_are_parenthesised():
    assert format_array(np.ones((4, 1)), 6) == "[[1], [1], [1], [1]]"
    assert format_array(np.array([-1.163, -1.13, 0.25]), 6) == "[-1.163, -1.13, 0.25]"
    assert format_array(np.arange(10.0), 6) == "4.5 ± 2.87 in [0, 9]"
    assert format_array(np.array([-0.0, 0.0, -0.0]), 1) == "0 ± 0 in [0, 0]"
    assert [operand(n) for n in ("x1", "0.5", "x1*w1", "-3", "dense/kernel")] == \
        ["x1", "0.5", "(x1*w1)", "(-3)", "(dense/kernel)"]


def chain(length: int) -> ag.Tensor:
    """A deep graph of vectors: `length` ops in a row."""
    h = ag.Tensor(np.linspace(0.0, 1.0, 8), requires_grad=True, name="h")
    for _ in range(length):
        h = (h * 1.5).tanh()
    return h.sum()


def test_direction_is_left_to_right_while_it_fits_and_top_to_bottom_for_deep_graphs():
    assert viz.draw(neuron()[0]).digraph.graph_attr["rankdir"] == "LR"
    assert viz.draw(chain(1)).digraph.graph_attr["rankdir"] == "LR"  # about 1300 px wide
    assert viz.draw(chain(3)).digraph.graph_attr["rankdir"] == "TB"  # about 2900 px as LR
    assert viz.draw(chain(3), rankdir="LR").digraph.graph_attr["rankdir"] == "LR"


def test_grouped_graphs_past_sixty_nodes_collapse_to_one_box_per_layer():
    small, _ = mlp_loss()
    assert "group_" not in viz.draw(small).source  # 25 nodes: every op shown
    h = ag.Tensor(np.ones((2, 3)), name="x")
    for layer in range(12):
        w = ag.Tensor(np.full((3, 3), 0.1), requires_grad=True, name=f"dense_{layer}/kernel")
        with ag.name_scope(f"dense_{layer}"):
            h = ag.relu(h @ w)
    big = h.sum()
    assert collect_graph([big]).node_count > 60
    source = viz.draw(big).source
    assert source.count("box3d") == 12 and "relu" not in source
    assert "relu" in viz.draw(big, collapse=False).source
    with pytest.raises(ValueError, match='collapse=True needs groups.*group="name_scope"'):
        viz.draw(neuron()[0], collapse=True)


def text_height_px(picture: viz.Drawing, tmp_path) -> tuple[float, int]:
    """(height in PNG pixels of the smallest text, the PNG's width in pixels)."""
    png = picture.render(tmp_path / "picture.png").read_bytes()
    svg = picture.pipe("svg").decode()
    width_pt = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    width_px = int.from_bytes(png[16:20], "big")
    smallest_pt = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
    return smallest_pt * width_px / width_pt, width_px


def test_png_text_is_at_least_ten_pixels_high_and_the_demo_graph_fits_a_screen(tmp_path):
    import nn
    from nn import demo
    nn.layers.reset_name_counters()
    model = demo.build_model()
    drawn = demo.draw_loss_graph(model, tmp_path / "model_graph.png")
    picture_source = read_png_text(drawn.read_bytes(), "dot")
    height, width = text_height_px(viz.Drawing(graphviz.Source(picture_source)), tmp_path)
    assert height >= 10 and width <= 1400
    for needed in ("<b>x</b>", "<b>y_true (one-hot)</b>", "<b>loss</b>", "grad 1<"):
        assert needed in picture_source, needed
    height, width = text_height_px(viz.draw(neuron()[0], grads=True), tmp_path)
    assert height >= 10 and width <= 1400
