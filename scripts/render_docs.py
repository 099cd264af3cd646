"""Render the pictures the README shows, into docs/: `python scripts/render_docs.py`.

docs/neuron.png    the micrograd neuron y = tanh(x1*w1 + x2*w2 + b) with the value and the
                   gradient dy/d(node) of every scalar: the README's `viz.draw(y, grads=True)`
docs/neuron_steps.html  the Stepper's player for the same neuron (Prev / Next / slider / arrow keys)

tests/test_readme.py checks that the README's snippet draws exactly docs/neuron.png (a PNG keeps
the DOT source it was drawn from).
"""
from __future__ import annotations

from pathlib import Path

from autograd import viz
from autograd.viz.examples import neuron

DOCS = Path(__file__).resolve().parent.parent / "docs"


def neuron_pictures() -> tuple[viz.Drawing, viz.Stepper]:
    """The README's two pictures of the neuron, drawn by the same calls as its snippet."""
    y, _ = neuron()
    return viz.draw(y, grads=True), viz.Stepper(y)


def main() -> None:
    drawing, stepper = neuron_pictures()
    for path in (drawing.render(DOCS / "neuron.png"), stepper.to_html(DOCS / "neuron_steps.html")):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
