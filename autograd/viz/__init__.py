"""autograd.viz: pictures of the graph, and a stepper that replays the chain rule node by node.

    >>> from autograd import viz
    >>> viz.draw(loss).render("graph.png")          # or just `viz.draw(loss)` in a notebook
    >>> stepper = viz.Stepper(loss)                 # before loss.backward()
    >>> stepper.to_html("backward.html")            # Prev / Next / slider, works offline

Needs Graphviz's `dot` program for images; `.source` (DOT text) works without it.
"""
from autograd.viz.diagram import Box, diagram
from autograd.viz.draw import Drawing, GraphvizNotFoundError, draw
from autograd.viz.graph import GraphTooLargeError
from autograd.viz.stepper import Frame, Step, Stepper

__all__ = ["draw", "Drawing", "Stepper", "Frame", "Step", "GraphvizNotFoundError",
           "GraphTooLargeError", "diagram", "Box"]
