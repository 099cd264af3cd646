"""autograd.viz.draw: pictures rendered through the real Graphviz `dot`."""
from __future__ import annotations

import base64
import html
import re

import numpy as np
import pytest

import autograd as ag
from autograd import viz
from autograd.viz.examples import mlp_loss, neuron
from autograd.viz.graph import collect_graph

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
