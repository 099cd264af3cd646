"""Write and execute notebooks/04_optimizers_and_learning_rates.ipynb:
`python scripts/build_notebook_04.py`.

The lesson: six optimizers walking down two 2-D loss surfaces (an elongated bowl and Rosenbrock's
valley), what a too small and a too large learning rate do, and a grid versus a random search over
the learning rate (and momentum) of a small network on the digits. The cells below are the
notebook's source; the script runs them in a `python3` kernel and saves the notebook with its
outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 04 · Optimizers and learning rates

Training is a walk downhill: after `loss.backward()` every parameter $w$ holds its gradient
$g = \\partial L/\\partial w$, and an optimizer turns $g$ into a step. The rules differ in what
they remember between steps:

| optimizer | update (Keras's form, as in `optim`) |
|---|---|
| SGD | $w \\leftarrow w - \\eta g$ |
| momentum | $v \\leftarrow \\mu v - \\eta g$, $\\; w \\leftarrow w + v$ |
| Nesterov | $v \\leftarrow \\mu v - \\eta g$, $\\; w \\leftarrow w + \\mu v - \\eta g$ |
| RMSprop | $s \\leftarrow \\rho s + (1-\\rho) g^2$, $\\; w \\leftarrow w - \\eta g / \\sqrt{s + \\epsilon}$ |
| Adagrad | $A \\leftarrow A + g^2$, $\\; w \\leftarrow w - \\eta g / \\sqrt{A + \\epsilon}$ |
| Adam | moving averages $m$ of $g$ and $v$ of $g^2$, bias-corrected: $\\; w \\leftarrow w - \\eta \\hat m / (\\sqrt{\\hat v} + \\epsilon)$ |

To *see* the difference we optimize a single point $p = (p_0, p_1)$, a 2-element `ag.Tensor`, on
surfaces we can draw."""),
    code("""\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from nn.layers import Dense

plt.rcParams["figure.dpi"] = 110  # 10-point text is 15 px high
nn.utils.set_random_seed(0)"""),
    text("""\
## Two loss surfaces

* the **elongated bowl** $f(p) = \\tfrac12 (p_0^2 + 25\\, p_1^2)$: its curvature is 1 along
  $p_0$ and 25 along $p_1$, minimum at $(0, 0)$;
* **Rosenbrock's valley** $f(p) = (1 - p_0)^2 + 100\\,(p_1 - p_0^2)^2$: a curved, narrow valley
  whose floor falls gently to the minimum at $(1, 1)$.

They are ordinary autograd expressions, so `backward()` gives their gradients. `trajectory`
runs an optimizer from a start point and records where the point goes."""),
    code("""\
def elongated_bowl(p):
    return 0.5 * (p[0] ** 2 + 25.0 * p[1] ** 2)


def rosenbrock(p):
    return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2


def trajectory(make_optimizer, loss_fn, start, steps):
    \"\"\"The points visited by `steps` optimizer steps from `start`, as a (steps + 1, 2) array.\"\"\"
    point = ag.Tensor(start, requires_grad=True, dtype="float64")
    optimizer = make_optimizer([point])
    path = [point.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(point).backward()
        optimizer.step()
        path.append(point.data.copy())
    return np.array(path)


def draw_contours(ax, loss_fn, xlim, ylim, levels):
    xs, ys = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    with ag.no_grad():  # the same function evaluated on a whole grid at once
        zs = loss_fn(ag.Tensor(np.stack([xs, ys]), dtype="float64")).data
    ax.contour(xs, ys, zs, levels=levels, colors="0.75", linewidths=0.8)


def compare(optimizers, loss_fn, start, steps, xlim, ylim, levels, minimum):
    \"\"\"One panel per optimizer: its path over the contour lines, and the loss where it ends.\"\"\"
    fig, axes = plt.subplots(2, 3, figsize=(10, 5.6), sharex=True, sharey=True)
    for ax, (name, make_optimizer) in zip(axes.flat, optimizers.items()):
        draw_contours(ax, loss_fn, xlim, ylim, levels)
        path = trajectory(make_optimizer, loss_fn, start, steps)
        with ag.no_grad():
            final = loss_fn(ag.Tensor(path[-1], dtype="float64")).item()
        ax.plot(path[:, 0], path[:, 1], ".-" if steps <= 100 else "-", ms=2, lw=1, color="C3")
        ax.plot(*start, "o", color="C2", ms=6)
        ax.plot(*minimum, "k*", ms=10)
        ax.set_title(f"{name}\\nloss after {steps} steps: {final:.2g}", fontsize=9)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
    fig.tight_layout()
    plt.show()"""),
    text("""\
## The elongated bowl

Plain gradient descent is stable only if $\\eta < 2/25 = 0.08$ (twice one over the largest
curvature). At $\\eta = 0.07$ each step multiplies $p_1$ by $1 - 25\\eta = -0.75$: it zigzags
across the narrow direction while $p_0$ shrinks by only $1 - \\eta = 0.93$ per step.
Momentum builds speed along the valley but overshoots; Nesterov looks ahead and damps the
swing. RMSprop, Adagrad and Adam divide by the size of past gradients *per coordinate*, so their
first steps go diagonally whatever the curvature (green dot: start, star: minimum)."""),
    code("""\
compare({
    "SGD, lr 0.07": lambda p: optim.SGD(p, learning_rate=0.07),
    "momentum 0.9, lr 0.01": lambda p: optim.SGD(p, learning_rate=0.01, momentum=0.9),
    "Nesterov 0.9, lr 0.01": lambda p: optim.SGD(p, learning_rate=0.01, momentum=0.9, nesterov=True),
    "RMSprop, lr 0.1": lambda p: optim.RMSprop(p, learning_rate=0.1),
    "Adagrad, lr 1": lambda p: optim.Adagrad(p, learning_rate=1.0),
    "Adam, lr 0.3": lambda p: optim.Adam(p, learning_rate=0.3),
}, elongated_bowl, start=[-5.0, 1.5], steps=50, xlim=(-5.5, 1.5), ylim=(-2, 2),
   levels=np.logspace(-2, 2.3, 10), minimum=(0, 0))"""),
    text("""\
## Rosenbrock's valley

Here the hard part is the long, curved floor. Every method reaches the floor quickly (the walls
are steep) and then crawls along it, because the floor's gradient is tiny next to the walls'. SGD
must keep $\\eta$ small to stay stable on the walls, so it crawls the most; momentum helps it
along the floor. Dividing by the recent gradient size helps more: Adam and RMSprop get closest
to $(1, 1)$. Adagrad divides by the sum of *all* past squared gradients, steep first steps
included, so its steps keep shrinking."""),
    code("""\
compare({
    "SGD, lr 0.001": lambda p: optim.SGD(p, learning_rate=0.001),
    "momentum 0.9, lr 0.0002": lambda p: optim.SGD(p, learning_rate=0.0002, momentum=0.9),
    "Nesterov 0.9, lr 0.0002": lambda p: optim.SGD(p, learning_rate=0.0002, momentum=0.9, nesterov=True),
    "RMSprop, lr 0.01": lambda p: optim.RMSprop(p, learning_rate=0.01),
    "Adagrad, lr 0.5": lambda p: optim.Adagrad(p, learning_rate=0.5),
    "Adam, lr 0.05": lambda p: optim.Adam(p, learning_rate=0.05),
}, rosenbrock, start=[-1.2, 1.0], steps=1000, xlim=(-2, 2), ylim=(-1, 3),
   levels=np.logspace(-1, 3.5, 9), minimum=(1, 1))"""),
    text("""\
## Learning rate: too small, about right, too large

Back to plain SGD on the bowl. Along $p_1$ one step multiplies the distance to the minimum by
$|1 - 25\\eta|$; along $p_0$ by $|1 - \\eta|$. Too small an $\\eta$ makes both factors close to 1
(a crawl); above $2/25 = 0.08$ the factor along $p_1$ exceeds 1 and the loss grows without bound."""),
    code("""\
fig, ax = plt.subplots(figsize=(6, 3.5))
for lr in [0.002, 0.02, 0.075, 0.085]:
    path = trajectory(lambda p: optim.SGD(p, learning_rate=lr), elongated_bowl, [-5.0, 1.5], 60)
    losses = 0.5 * (path[:, 0] ** 2 + 25.0 * path[:, 1] ** 2)
    ax.semilogy(losses, label=f"lr = {lr}: p0 x {1 - lr:.3f}, p1 x {1 - 25 * lr:+.3f} per step")
ax.set_xlabel("step")
ax.set_ylabel("loss (log scale)")
ax.set_title("SGD on the elongated bowl")
ax.legend(fontsize=8)
plt.show()"""),
    text("""\
$\\eta = 0.075$ does best, although it zigzags along $p_1$: the slow direction $p_0$ sets the
pace ($1 - \\eta$ per step), so the largest *stable* rate wins. Just past the edge, $\\eta = 0.085$
diverges. The best learning rate often lies close to the one that diverges; a real network has
no formula for that edge, so we search.

## Searching for a learning rate on the digits

We train a small network (64 → 32 relu → 10 softmax) with SGD for 5 epochs and score each setting
by its accuracy on a validation set: the last 20% of the training data (`validation_split=0.2`).
The test set stays untouched until the very end.

Two hyperparameters, 16 trainings each way:

* a **grid**: 4 learning rates × 4 momentum values;
* a **random search**: 16 draws, $\\eta$ log-uniform in $[10^{-3}, 3]$ and $\\mu$ uniform in
  $[0, 0.95]$."""),
    code("""\
(x_train, y_train), (x_test, y_test) = nn.datasets.load_digits()


def train(learning_rate, momentum, epochs=5):
    \"\"\"Train a fresh, identically initialized network; return it and its validation accuracy.\"\"\"
    nn.utils.set_random_seed(0)
    nn.layers.reset_name_counters()  # every model's layers are named dense, dense_1
    model = nn.Sequential([nn.Input(shape=(64,)), Dense(32, activation="relu"),
                           Dense(10, activation="softmax")])
    model.compile(optimizer=optim.SGD(learning_rate=learning_rate, momentum=momentum),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, validation_split=0.2,
                        verbose=0)
    return model, history.history["val_accuracy"][-1]


grid = [(lr, mu) for lr in [0.003, 0.03, 0.3, 3.0] for mu in [0.0, 0.5, 0.8, 0.95]]
rng = np.random.default_rng(0)
draws = list(zip(10 ** rng.uniform(-3, np.log10(3), 16), rng.uniform(0, 0.95, 16)))

results = {}
for search, settings in [("grid", grid), ("random", draws)]:
    results[search] = [(lr, mu, *train(lr, mu)) for lr, mu in settings]
    lr, mu, model, accuracy = max(results[search], key=lambda r: r[3])
    print(f"{search:>6} search: best lr = {lr:.3g}, momentum = {mu:.2f}, "
          f"validation accuracy = {accuracy:.3f}")"""),
    code("""\
fig, axes = plt.subplots(1, 3, figsize=(12, 4.2), layout="constrained")
for ax, search in zip(axes, ["grid", "random"]):
    lrs, mus, _, accuracies = zip(*results[search])
    points = ax.scatter(lrs, mus, c=accuracies, cmap="viridis", vmin=0, vmax=1, s=60)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("momentum")
    ax.set_title(f"{search} search", fontsize=10)
# One colour scale for both searches, under them, so it sits between no two panels.
fig.colorbar(points, ax=axes[:2], location="bottom", shrink=0.5, aspect=40,
             label="validation accuracy (colour of each point)")
for search, marker in [("grid", "s"), ("random", "o")]:
    lrs, _, _, accuracies = zip(*results[search])
    axes[2].scatter(lrs, accuracies, marker=marker, label=search, alpha=0.7)
axes[2].set_xscale("log")
axes[2].set_xlabel("learning rate")
axes[2].set_ylabel("validation accuracy")
axes[2].set_title("the same runs, seen along the learning rate", fontsize=10)
axes[2].legend()
plt.show()"""),
    text("""\
Both hyperparameters matter, and they interact: once the velocity has built up, momentum
multiplies each step by about $1/(1-\\mu)$, so what counts is roughly $\\eta/(1-\\mu)$. That is
why $\\mu = 0.95$ rescues $\\eta = 0.003$ but hurts $\\eta = 0.3$, and why every run with
$\\eta = 3$ ends at chance level. The grid spends its 16 trainings on only 4 distinct learning
rates; random search tries 16 for the same cost, so it maps out the good range more finely
(right panel).

Only now do we look at the test set, once, with the setting validation picked:"""),
    code("""\
lr, mu, model, _ = max(results["grid"] + results["random"], key=lambda r: r[3])
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"lr = {lr:.3g}, momentum = {mu:.2f}: test accuracy {test_accuracy:.3f}")"""),
]


if __name__ == "__main__":
    write_notebook(CELLS, "04_optimizers_and_learning_rates.ipynb")
