"""`Stepper(loss)`: replay the forward pass op by op, then the chain rule node by node.

Backward frame k processes one op node: the gradient dL/d(out) arrives, the op's local
derivative turns it into dL/d(input) = dL/d(out) · ∂out/∂input for each input, and those are
added to what each input has already received. The frames are recorded from the engine's own
backward walk (its `on_node` hook), so they show exactly what `loss.backward()` does; the walk
writes no `.grad` unless `accumulate_grads()` is called.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Union

import numpy as np

from autograd.function import Function
from autograd.tensor import Tensor
from autograd.viz.draw import FrameMarks, Drawing, build_digraph
from autograd.viz.graph import DEFAULT_MAX_NODES, GroupBy, backward_walk, collect_graph
from autograd.viz.labels import expression_text, format_array, local_derivative_text, operand


@dataclass
class Step:
    """One frame's event: op `fn` made `out`; in the backward phase `grad_out` = dL/d(out)
    arrived and `sent[i]` = dL/d(fn.parents[i]) left (None for inputs needing no gradient)."""

    phase: str  # "forward" or "backward"
    index: int  # position within its phase
    fn: Function
    out: Tensor
    grad_out: Optional[np.ndarray] = None
    sent: tuple[Optional[np.ndarray], ...] = ()


class Frame(Drawing):
    """One stepper frame: a drawable picture plus the `step` it shows, its `caption`, and the
    gradients it shows (`grads`, by id of tensor; empty in forward frames)."""

    def __init__(self, digraph: Any, step: Step, caption: str, grads: dict[int, np.ndarray]) -> None:
        super().__init__(digraph)
        self.step = step
        self.caption = caption
        self.grads = grads


class Stepper:
    """Watch the chain rule: frames for each forward op, then for each backward op node.

    Args:
        loss: the output to differentiate; a single number unless `grad` is given.
        grad: dL/d(loss) for a non-scalar output (default 1).
        show_values, rankdir, max_elements, group, max_nodes: as in `draw`; with
            rankdir="auto" every frame flows the same way, the one that suits the last frame.

    Example:
        >>> stepper = Stepper(loss)        # before loss.backward()
        >>> len(stepper), stepper.frame(0) # a picture; in a notebook it displays itself
        >>> stepper.to_html("steps.html")  # Prev / Next / slider, offline
    """

    def __init__(self, loss: Tensor, grad: Any = None, *, show_values: bool = True,
                 rankdir: str = "auto", max_elements: int = 6, group: GroupBy = "auto",
                 max_nodes: Optional[int] = DEFAULT_MAX_NODES) -> None:
        self.loss = loss
        self.graph = collect_graph([loss])
        if not loss.requires_grad:
            raise ValueError("Stepper: the loss does not require grad, so it has no backward pass; "
                             "create the tensors you want gradients for with requires_grad=True.")
        self.options = dict(show_values=show_values, rankdir=rankdir, max_elements=max_elements,
                            group=group, max_nodes=max_nodes)
        self._grad = grad
        # (tensor, dL/d(tensor), what its op sent to each input), in the engine's order
        walk = backward_walk([loss], [grad], "Stepper", "Build the Stepper before calling loss.backward()")
        self.steps = [Step("forward", i, t.grad_fn, t) for i, t in
                      enumerate(t for t, _, _ in reversed(walk) if t.grad_fn is not None)]
        self.forward_count = len(self.steps)
        for t, g, sent in walk:
            if g is not None and t.grad_fn is not None:
                sent = tuple(None if pg is None or not p.requires_grad else _array(pg)
                             for p, pg in zip(t.grad_fn.parents, sent))
                index = len(self.steps) - self.forward_count
                self.steps.append(Step("backward", index, t.grad_fn, t, g, sent))
        self.backward_count = len(self.steps) - self.forward_count
        self.final_grads = {id(t): g for t, g, _ in walk if g is not None}
        self.root_grad = self.final_grads[id(loss)]
        self.nicknames = self._nicknames()
        if rankdir == "auto":  # one direction for all frames, or the picture would jump about
            self.options["rankdir"] = self.frame(-1).digraph.graph_attr["rankdir"]

    def _nicknames(self) -> dict[int, str]:
        """A short name for every tensor in captions: its own name, a small constant's value,
        else t1, t2, ... in the order the forward pass met them."""
        names: dict[int, str] = {}
        unnamed = 0
        for step in self.steps[:self.forward_count]:
            for t in (*step.fn.parents, step.out):
                if id(t) in names:
                    continue
                if t.name:
                    names[id(t)] = t.name
                elif t.grad_fn is None and not t.requires_grad and t.size == 1:
                    names[id(t)] = format_array(t.data, 1)
                else:
                    unnamed += 1
                    names[id(t)] = f"t{unnamed}"
        return names

    # ---- the sequence of frames ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Frame]:
        return (self.frame(k) for k in range(len(self)))

    def frame(self, k: int, caption_in_picture: bool = True) -> Frame:
        """Frame k (negative counts from the end): forward frames first, then backward ones.

        The players show the caption as text beside the picture, so they draw it without one
        (`caption_in_picture=False`); `.caption` holds it either way.
        """
        if not -len(self) <= k < len(self):
            raise IndexError(f"Stepper has {len(self)} frames ({self.forward_count} forward, "
                             f"{self.backward_count} backward); frame {k} does not exist.")
        k %= len(self)
        step = self.steps[k]
        marks = self._forward_marks(step) if step.phase == "forward" else self._backward_marks(k)
        caption = self._caption(step)
        marks.caption = caption if caption_in_picture else ""
        marks.nicknames = self.nicknames
        digraph = build_digraph(self.graph, grads=marks.grads, collapse=False, legend=False,
                                marks=marks, **self.options)
        return Frame(digraph, step, caption, marks.grads)

    def gradients_until(self, k: int) -> dict[int, np.ndarray]:
        """dL/d(tensor) received so far, by id(tensor), once frame k has been processed."""
        grads = {id(self.loss): self.root_grad}
        for step in self.steps[self.forward_count:k + 1]:
            for parent, g in zip(step.fn.parents, step.sent):
                if g is not None:
                    grads[id(parent)] = g if id(parent) not in grads else grads[id(parent)] + g
        return grads

    def gradient(self, t: Tensor) -> Optional[np.ndarray]:
        """dL/d(t) after the whole replay, or None where no gradient reaches t."""
        return self.final_grads.get(id(t))

    def accumulate_grads(self) -> None:
        """Add the gradients to `.grad` of the leaves (and of tensors that called retain_grad())
        by running the engine's backward once more; the graph is not freed."""
        self.loss.backward(self._grad, retain_graph=True)

    # ---- what each frame shows ---------------------------------------------------------------------
    def _forward_marks(self, step: Step) -> FrameMarks:
        later = self.steps[step.index + 1:self.forward_count]
        pending = {id(s.out) for s in later} | {id(s.fn) for s in later}
        return FrameMarks(highlight={id(step.fn), id(step.out)}, pending=pending)

    def _backward_marks(self, k: int) -> FrameMarks:
        step = self.steps[k]
        edge_labels = {}
        for parent, g in zip(step.fn.parents, step.sent):
            if g is not None:
                edge_labels[(id(parent), id(step.fn))] = "sends " + _on_edge(g)
        return FrameMarks(grads=self.gradients_until(k), highlight={id(step.fn), id(step.out)},
                          notes={id(step.out): "grad arriving " + _on_edge(step.grad_out)},
                          edge_labels=edge_labels)

    def _caption(self, step: Step) -> str:
        out_name = self.nicknames[id(step.out)]
        names = [self.nicknames[id(p)] for p in step.fn.parents]
        if step.phase == "forward":
            return (f"Forward {step.index + 1}/{self.forward_count}: "
                    f"{expression_text(step.fn, out_name, names)} = {_short(step.out.data)}")
        lines = [f"Backward {step.index + 1}/{self.backward_count}: "
                 f"{expression_text(step.fn, out_name, names)}; dL/d{operand(out_name)} = "
                 f"{_short(step.grad_out)} arrives"]
        for i, g in enumerate(step.sent):
            if g is None:
                continue
            rule = local_derivative_text(step.fn, out_name, names, i)
            numeric = _scalar_ratio(g, step.grad_out)
            if numeric is not None and not rule.endswith(f"= {numeric}"):
                rule += f" = {numeric}"
            out, name = operand(out_name), operand(names[i])
            lines.append(f"  {rule}; sends dL/d{name} = dL/d{out} · ∂{out}/∂{name} = {_short(g)}")
        return "\n".join(lines)

    # ---- output -----------------------------------------------------------------------------
    def save(self, folder: Union[str, Path], format: str = "png") -> list[Path]:
        """Write frame_000.<format>, frame_001.<format>, ... into `folder`; returns the paths."""
        if format not in ("png", "svg", "pdf", "dot"):
            raise ValueError(f"Stepper.save: unknown format {format!r}; use 'png', 'svg', 'pdf' or 'dot'.")
        folder = Path(folder)
        width = max(3, len(str(len(self))))
        return [frame.render(folder / f"frame_{k:0{width}d}.{format}") for k, frame in enumerate(self)]

    def html(self) -> str:
        """An HTML fragment with every frame and Prev/Next/slider controls (no network needed)."""
        from autograd.viz.html_player import player_fragment
        frames = [self.frame(k, caption_in_picture=False) for k in range(len(self))]
        return player_fragment([f.pipe("svg").decode("utf-8") for f in frames], [f.caption for f in frames])

    def to_html(self, path: Union[str, Path]) -> Path:
        """Write a self-contained page with the player; it works offline."""
        from autograd.viz.html_player import full_page
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(full_page(self.html(), title="chainrule: stepping through backward"),
                        encoding="utf-8")
        return path

    def show(self) -> Any:
        """In a notebook: an ipywidgets player when ipywidgets is installed, else the HTML player."""
        from autograd.viz.html_player import notebook_player
        return notebook_player(self)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return (f"<Stepper: {self.forward_count} forward + {self.backward_count} backward frames; "
                ".frame(k), .to_html(path), .save(folder)>")


def _array(g: Any) -> np.ndarray:
    return np.asarray(g.data if isinstance(g, Tensor) else g)


def _short(a: np.ndarray) -> str:
    """A number for one element, else the values (up to 6) or the shape."""
    a = np.asarray(a)
    if a.size <= 6:
        return format_array(a, 6)
    return f"an array of shape {a.shape}"


def _on_edge(a: np.ndarray) -> str:
    """What fits on an edge or a node: up to 3 values, else the array's shape (the caption has
    the values)."""
    a = np.asarray(a)
    if a.size <= 3:
        return format_array(a, 3)
    return "×".join(str(n) for n in a.shape) + " values"


def _scalar_ratio(sent: np.ndarray, arriving: np.ndarray) -> Optional[str]:
    """For one-element gradients, the local derivative as a number: sent / arriving."""
    if sent.size != 1 or arriving.size != 1 or float(arriving.reshape(())) == 0.0:
        return None
    return format_array(np.asarray(float(sent.reshape(())) / float(arriving.reshape(()))), 1)
