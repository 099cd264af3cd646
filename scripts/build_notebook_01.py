"""Write and execute notebooks/01_computation_graph.ipynb: `python scripts/build_notebook_01.py`.

The lesson: one neuron y = sigmoid(w·x + b) with a squared-error loss, its graph, the forward and
backward pass frame by frame, and the chain rule done by hand next to the engine's numbers.
The cells below are the notebook's source; the script runs them in a `python3` kernel and saves
the notebook with its outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 01 · The computation graph of one neuron

A neuron computes $y = f(w \\cdot x + b)$. Here $f$ is the sigmoid $\\sigma(z) = 1/(1+e^{-z})$ and
we score the output against a target $t$ with the squared error $L = (y - t)^2$.

Every operation on a `Tensor` records a node in a graph. `L.backward()` walks that graph from
$L$ back to the parameters $w$ and $b$, applying the chain rule once per node. This notebook
draws the graph, replays both passes step by step, and then redoes the derivatives by hand."""),
    code("""\
import numpy as np
from IPython.display import HTML, display

import autograd as ag
from autograd import viz"""),
    text("""\
## Forward pass: building the graph

We write $w \\cdot x$ as `(w * x).sum()` so each step is one elementary operation, and give every
tensor a name so the pictures can label it. Only $w$ and $b$ are parameters
(`requires_grad=True`); $x$ and $t$ are data. We use float64 so the hand-computed numbers below
match the engine's to the last digit."""),
    code("""\
x = ag.Tensor([2.0, -1.0], name="x", dtype="float64")
t = ag.Tensor(1.0, name="t", dtype="float64")
w = ag.Tensor([0.4, 0.3], requires_grad=True, name="w", dtype="float64")
b = ag.Tensor(-0.1, requires_grad=True, name="b", dtype="float64")

p = w * x;          p.name = "p"   # elementwise products w_i x_i
a = p.sum();        a.name = "a"   # a = w·x
z = a + b;          z.name = "z"   # pre-activation
y = ag.sigmoid(z);  y.name = "y"   # the neuron's output
e = y - t;          e.name = "e"   # error
L = e ** 2;         L.name = "L"   # loss

print(f"z = {z.item():.4f}, y = {y.item():.4f}, L = {L.item():.4f}")"""),
    text("""\
Each result remembers the op that made it (`grad_fn`) and that op's inputs (`parents`).
Following `parents` from $L$ back to the parameters *is* the graph (`ag.topological_order`
lists the tensors that need a gradient, output first, so the data $x$, $t$ show up only as inputs):"""),
    code("""\
for node in ag.topological_order([L]):          # roots first, leaves last
    if node.grad_fn is None:
        print(f"{node.name:>2}: parameter (a leaf: made by no op)")
    else:
        inputs = ", ".join(parent.name or f"{parent.item():g}" for parent in node.grad_fn.parents)
        print(f"{node.name:>2} = {node.grad_fn.name}({inputs})")"""),
    text("""\
`viz.draw` pictures the same thing: rounded boxes are tensors (value and shape), circles are ops.
Green boxes are parameters, blue ones data, the dashed one is the constant exponent 2."""),
    code("viz.draw(L)"),
    text("""\
## Stepping through both passes

`viz.Stepper(L)` replays the forward pass op by op, then the backward pass node by node, without
touching `.grad`. It must be built before `L.backward()` frees the graph. Each backward frame says
which gradient arrives at a node, the node's *local* derivative, and what it sends to each input:

$$\\frac{\\partial L}{\\partial \\text{input}} = \\frac{\\partial L}{\\partial \\text{out}} \\cdot
\\frac{\\partial\\, \\text{out}}{\\partial\\, \\text{input}}.$$"""),
    code("""\
stepper = viz.Stepper(L)
print(stepper)
for frame in stepper:
    print(frame.caption)"""),
    text("""\
Three frames as pictures: the last forward step, the first backward step (at the loss), and the
last one (at $p = w * x$). The orange node is the one being processed; red labels show the
gradients received so far and what travels along each edge."""),
    code("""\
for k in (stepper.forward_count - 1, stepper.forward_count, len(stepper) - 1):
    display(stepper.frame(k))"""),
    text("""\
The whole replay as a player (Prev / Next / slider, or the arrow keys). It is plain HTML and
JavaScript, so it also works in a saved notebook or a page opened offline
(`stepper.to_html("steps.html")`)."""),
    code("HTML(stepper.html())"),
    text("""\
## The chain rule by hand

Now the real backward pass. `retain_grad()` asks the engine to keep the gradients of two
intermediate results too (by default only leaves keep theirs)."""),
    code("""\
z.retain_grad()
y.retain_grad()
L.backward()
print("dL/dw =", w.grad.data, "  dL/db =", b.grad.data)"""),
    text("""\
Each local derivative, written from the formulas of the forward pass:

| node | local derivative |
|---|---|
| $L = e^2$ | $\\partial L/\\partial e = 2e$ |
| $e = y - t$ | $\\partial e/\\partial y = 1$ |
| $y = \\sigma(z)$ | $\\partial y/\\partial z = \\sigma(z)(1-\\sigma(z)) = y(1-y)$ |
| $z = a + b$ | $\\partial z/\\partial a = \\partial z/\\partial b = 1$ |
| $a = \\sum_i p_i$ | $\\partial a/\\partial p_i = 1$ |
| $p_i = w_i x_i$ | $\\partial p_i/\\partial w_i = x_i$ |

Multiplying along the path from $L$ to each parameter gives its gradient."""),
    code("""\
x_, w_, b_, t_ = x.data, w.data, b.data, t.data   # plain numpy from here on
z_ = (w_ * x_).sum() + b_
y_ = 1 / (1 + np.exp(-z_))
e_ = y_ - t_

dL_de = 2 * e_
de_dy = 1.0
dy_dz = y_ * (1 - y_)
dz_da, dz_db = 1.0, 1.0
da_dp = np.ones(2)
dp_dw = x_

dL_dy = dL_de * de_dy
dL_dz = dL_dy * dy_dz
dL_db = dL_dz * dz_db
dL_dw = dL_dz * dz_da * da_dp * dp_dw

assert y.grad.item() == dL_dy and z.grad.item() == dL_dz
assert b.grad.item() == dL_db
assert np.array_equal(w.grad.data, dL_dw)
assert np.array_equal(stepper.gradient(w), dL_dw)   # the replay agrees too
print(f"dL/dy = {dL_dy:.6f}   dL/dz = {dL_dz:.6f}   dL/db = {dL_db:.6f}   dL/dw = {dL_dw}")
print("by hand == engine == stepper")"""),
    text("""\
After `backward()` the drawing shows each parameter's gradient, and the gradients we retained.
A gradient step $w \\leftarrow w - \\eta\\, \\partial L/\\partial w$ (and the same for $b$)
raises $b$ and $w_1$ and lowers $w_2$. With $x = (2, -1)$ all three changes raise $z$, and so
$y$ moves up towards the target $t = 1$."""),
    code("viz.draw(L)"),
]


if __name__ == "__main__":
    write_notebook(CELLS, "01_computation_graph.ipynb")
