"""Render the pictures the README shows, into docs/: `python scripts/render_docs.py`.

docs/neuron.png    the micrograd neuron y = tanh(x1*w1 + x2*w2 + b) after backward, with the
                   value and gradient of every scalar
docs/neuron_steps.html  the Stepper's player for the same neuron (Prev / Next / slider)
"""
from __future__ import annotations

from pathlib import Path

from autograd import topological_order
from autograd.viz import Stepper, draw
from autograd.viz.examples import neuron

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    y, _ = neuron()
    Stepper(y).to_html(DOCS / "neuron_steps.html")
    for t in topological_order([y]):
        if t.grad_fn is not None:
            t.retain_grad()  # so the picture shows the gradient of every intermediate too
    y.backward()
    for path in (draw(y).render(DOCS / "neuron.png"), DOCS / "neuron_steps.html"):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
