"""autograd.viz.Stepper: a replay of the chain rule that leaves `.grad` alone."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd import viz
from autograd.viz.examples import mlp_loss, neuron

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("make_graph, op_count", [(neuron, 5), (mlp_loss, 4)])
def test_one_backward_frame_per_op_node_reached(make_graph, op_count):
    loss, _ = make_graph()
    stepper = viz.Stepper(loss)
    phases = [frame.step.phase for frame in stepper]
    assert phases.count("backward") == op_count == stepper.backward_count
    assert phases.count("forward") == op_count
    assert len(stepper) == 2 * op_count


@pytest.mark.parametrize("make_graph", [neuron, mlp_loss])
def test_last_frame_shows_the_grads_backward_computes_and_stepping_changes_no_grad(make_graph):
    loss, leaves = make_graph()
    stepper = viz.Stepper(loss)
    frames = list(stepper)
    assert all(t.grad is None for t in leaves.values())  # stepping touched nothing
    loss.backward()
    shown = frames[-1].grads
    for name, leaf in leaves.items():
        np.testing.assert_allclose(shown[id(leaf)], leaf.grad.data, rtol=1e-6, err_msg=name)
        np.testing.assert_allclose(stepper.gradient(leaf), leaf.grad.data, rtol=1e-6)


def test_frames_highlight_the_node_and_show_arriving_local_and_sent_gradients(tmp_path):
    y, leaves = neuron()
    stepper = viz.Stepper(y)
    first_backward = stepper.frame(stepper.forward_count)
    assert first_backward.caption.startswith("Backward 1/5: y = tanh(n); dL/dy = 1 arrives")
    assert "∂y/∂n = 1 - tanh²(n) = 1 - y² = 0.5" in first_backward.caption
    last = stepper.frame(-1)
    assert "∂(x1*w1)/∂x1 = w1 = -3" in last.caption and "sends dL/dx1 = dL/d(x1*w1)" in last.caption
    assert "#ea580c" in last.source  # the highlighted op
    assert "label=\"sends -1.5\"" in last.source  # a real edge label: dot keeps it off the nodes
    assert "xlabel" not in last.source
    svg = last.render(tmp_path / "last.svg").read_text()
    assert "grad arriving" in svg
    forward = stepper.frame(0)
    assert forward.caption == "Forward 1/5: x1*w1 = x1 * w1 = -6"
    assert forward.grads == {} and "dashed" in forward.source  # later ops not computed yet


def test_unnamed_tensors_get_short_names_in_captions():
    x = ag.Tensor(3.0, requires_grad=True)
    loss = (x * x + 1.0).log()
    captions = [frame.caption for frame in viz.Stepper(loss)]
    assert captions[0] == "Forward 1/3: t2 = t1 * t1 = 9"
    assert captions[1] == "Forward 2/3: t3 = t2 + 1 = 10"


def test_html_player_holds_every_frame_and_works_offline(tmp_path):
    loss, _ = mlp_loss()
    stepper = viz.Stepper(loss, group="name_scope")
    page = stepper.to_html(tmp_path / "steps.html").read_text()
    assert page.count('class="cr-frame"') == len(stepper)
    assert page.count("<svg") == len(stepper)
    for word in ("Prev", "Next", 'type="range"', "<script>"):
        assert word in page
    assert "<script src" not in page and "<link" not in page
    assert stepper._repr_html_().count('class="cr-frame"') == len(stepper)


def test_save_writes_one_image_per_frame(tmp_path):
    y, _ = neuron()
    stepper = viz.Stepper(y)
    paths = stepper.save(tmp_path / "frames")
    assert [p.name for p in paths][:2] == ["frame_000.png", "frame_001.png"]
    assert len(paths) == len(stepper)
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in paths)
    svgs = stepper.save(tmp_path / "svg", format="svg")
    assert all(p.suffix == ".svg" for p in svgs)
    with pytest.raises(ValueError, match="'png', 'svg'"):
        stepper.save(tmp_path, format="gif")


def test_a_freed_graph_gets_a_clear_error_and_retain_graph_keeps_it_steppable():
    y, _ = neuron()
    y.backward()
    with pytest.raises(RuntimeError, match="before calling loss.backward.*retain_graph=True"):
        viz.Stepper(y)
    y2, leaves = neuron()
    y2.backward(retain_graph=True)
    stepper = viz.Stepper(y2)
    np.testing.assert_allclose(stepper.gradient(leaves["w1"]), leaves["w1"].grad.data)


def test_accumulate_grads_writes_what_backward_would():
    y, leaves = neuron()
    viz.Stepper(y).accumulate_grads()
    y_ref, leaves_ref = neuron()
    y_ref.backward()
    for name in leaves:
        np.testing.assert_allclose(leaves[name].grad.data, leaves_ref[name].grad.data)


def test_deep_chain_replays_without_recursion():
    x = ag.Tensor(1.0, requires_grad=True, dtype="float64")
    y = x
    for _ in range(3000):
        y = y * 1.0001
    stepper = viz.Stepper(y, max_nodes=None)
    assert stepper.backward_count == 3000
    np.testing.assert_allclose(stepper.gradient(x), 1.0001 ** 3000)
    assert x.grad is None


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="requires_grad=True"):
        viz.Stepper(ag.Tensor(1.0))
    vector = ag.Tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="needs grad="):  # the engine's own message
        viz.Stepper(vector)
    stepper = viz.Stepper(vector, grad=[1.0, 1.0])
    with pytest.raises(IndexError, match="2 frames"):
        stepper.frame(2)


def test_show_without_ipywidgets_falls_back_to_the_html_player():
    pytest.importorskip("IPython")
    try:
        import ipywidgets  # noqa: F401
        pytest.skip("ipywidgets is installed: show() returns the widget instead")
    except ImportError:
        pass
    y, _ = neuron()
    shown = viz.Stepper(y).show()
    assert 'class="cr-frame"' in shown.data


def test_show_with_ipywidgets_is_a_player_whose_slider_changes_the_frame():
    ipywidgets = pytest.importorskip("ipywidgets")
    y, _ = neuron()
    stepper = viz.Stepper(y)
    player = stepper.show()
    controls, frame_view = player.children
    slider = next(c for c in controls.children if isinstance(c, ipywidgets.IntSlider))
    first = frame_view.value
    slider.value = len(stepper) - 1
    assert frame_view.value != first
    assert slider.max == len(stepper) - 1


@pytest.mark.parametrize("make_graph", [neuron, mlp_loss])
def test_every_frame_is_the_engines_walk(make_graph):
    """Backward frames come in the engine's order and carry what backward() computes, on
    intermediates too (retain_grad makes the engine keep theirs)."""
    loss, _ = make_graph()
    stepper = viz.Stepper(loss)
    order = [t for t in ag.topological_order([loss]) if t.grad_fn is not None]
    assert [step.out for step in stepper.steps[stepper.forward_count:]] == order
    for t in order:
        t.retain_grad()
    loss.backward()
    for step in stepper.steps[stepper.forward_count:]:
        np.testing.assert_allclose(step.grad_out, step.out.grad.data, rtol=1e-12)


def test_names_made_of_operators_are_parenthesised_in_formulas():
    y, _ = neuron()
    stepper = viz.Stepper(y)
    caption = stepper.frame(stepper.forward_count + 1).caption  # n = (x1*w1 + x2*w2) + b
    assert caption.startswith("Backward 2/5: n = (x1*w1 + x2*w2) + b; dL/dn = 0.5 arrives")
    assert "∂n/∂(x1*w1 + x2*w2) = 1; sends dL/d(x1*w1 + x2*w2) = dL/dn · ∂n/∂(x1*w1 + x2*w2)" in caption


def test_vector_gradients_stay_short_on_the_picture_and_complete_in_the_caption():
    loss, _ = mlp_loss()
    stepper = viz.Stepper(loss)
    frame = stepper.frame(stepper.forward_count)  # the loss sends an 8x3 gradient to the logits
    assert 'label="sends 8×3 values"' in frame.source
    assert "grad arriving 1" in frame.source
    assert "an array of shape (8, 3)" in frame.caption


def test_every_frame_flows_the_same_way():
    loss, _ = mlp_loss()
    stepper = viz.Stepper(loss)
    directions = {frame.digraph.graph_attr["rankdir"] for frame in stepper}
    assert directions == {stepper.options["rankdir"]}
    assert len({viz.Stepper(neuron()[0], rankdir="TB").frame(k).digraph.graph_attr["rankdir"]
                for k in range(3)}) == 1
