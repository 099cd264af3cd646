"""autograd.viz: pictures of the graph, and a stepper that replays the chain rule node by node.

    >>> from autograd import viz
    >>> viz.draw(loss).render("graph.png")          # or just `viz.draw(loss)` in a notebook
    >>> viz.draw(loss, grads=True)                  # d(loss)/d(node) on every node, no .grad touched
    >>> stepper = viz.Stepper(loss)                 # before loss.backward()
    >>> stepper.to_html("backward.html")            # Prev / Next / slider / arrow keys, offline

Pictures stay readable: they flow left to right while that fits about 1400 pixels and top to
bottom otherwise, group the ops of each `name_scope` (an nn layer) in a box, and collapse each
layer to one box past 60 nodes. Needs Graphviz's `dot` program for images; `.source` (DOT text)
works without it, and a PNG keeps its DOT source inside (`png_text.read_png_text`).
"""
from autograd.viz.diagram import Box, diagram
from autograd.viz.draw import Drawing, GraphvizNotFoundError, draw
from autograd.viz.graph import GraphTooLargeError
from autograd.viz.stepper import Frame, Step, Stepper

__all__ = ["draw", "Drawing", "Stepper", "Frame", "Step", "GraphvizNotFoundError",
           "GraphTooLargeError", "diagram", "Box"]
