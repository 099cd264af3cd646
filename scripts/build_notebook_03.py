"""Write and execute notebooks/03_keras_style_training.ipynb: `python scripts/build_notebook_03.py`.

The lesson: the Keras workflow (Sequential, compile, fit, evaluate, predict, summary) on a linear
regression, a binary classification and the digits, with loss and accuracy curves, the model's
graph drawn layer by layer, and a functional model with a residual connection, its layer graph
(plot_model) and a model that outputs what a hidden layer sees. The cells below are the notebook's source; the script runs
them in a `python3` kernel and saves the notebook with its outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 03 · Training Keras-style

Three problems, one workflow: stack layers in a `Sequential` model, `compile` it with an optimizer,
a loss and metrics, `fit` it to data, then `evaluate` and `predict`. Underneath, every training
step is the chain rule of notebook 01: forward, `loss.backward()`, and an optimizer step."""),
    code("""\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
from autograd import viz
from nn.layers import Dense

plt.rcParams.update({"figure.dpi": 80, "font.size": 10})
nn.utils.set_random_seed(0)      # seeds weight initialization, shuffling and dropout
rng = np.random.default_rng(0)   # for the synthetic data


def plot_history(history, metrics=("loss",), title=""):
    \"\"\"One panel per metric: its value after each epoch, on the training and validation data.\"\"\"
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 2.8), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for prefix, style in (("", "-"), ("val_", "--")):
            values = history.history.get(prefix + metric)
            if values is not None:
                epochs = np.arange(1, len(values) + 1)
                ax.plot(epochs, values, style, label=("validation " if prefix else "training ") + metric)
        ax.set_xlabel("epoch")
        ax.set_title(f"{title}: {metric}" if title else metric)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()"""),
    text("""\
## 1. Linear regression

Noisy points on the line $y = 3x - 0.5$. One `Dense(1)` layer computes $\\hat y = xk + b$ with a
kernel $k$ and a bias $b$; plain gradient descent (`"sgd"`) on the mean squared error should
find $k \\approx 3$ and $b \\approx -0.5$."""),
    code("""\
x = rng.uniform(-1, 1, size=(200, 1)).astype("float32")
y = 3 * x[:, 0] - 0.5 + rng.normal(scale=0.3, size=200).astype("float32")

nn.layers.reset_name_counters()  # each model's layers are named from "dense" on
linear = nn.Sequential([nn.Input(shape=(1,)), Dense(1)])
linear.compile(optimizer="sgd", loss="mean_squared_error")
linear.summary()"""),
    text("""\
`fit` runs over the data in shuffled mini-batches (32 samples by default). One *epoch* is one
pass over all 200 points. `verbose=0` keeps it quiet; the `History` it returns records the loss
after every epoch."""),
    code("""\
history = linear.fit(x, y, epochs=100, verbose=0)
(kernel, bias) = linear.get_weights()
least_squares = np.linalg.lstsq(np.hstack([x, np.ones_like(x)]), y, rcond=None)[0]
print(f"learned   k = {kernel.item():.3f}, b = {bias.item():.3f}   (final loss {history.history['loss'][-1]:.4f})")
print(f"lstsq     k = {least_squares[0]:.3f}, b = {least_squares[1]:.3f}   (the exact minimum of the MSE)")"""),
    code("""\
fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 2.8))
grid = np.linspace(-1, 1, 50, dtype="float32").reshape(-1, 1)
left.plot(x[:, 0], y, ".", color="0.6", label="data")
left.plot(grid[:, 0], linear.predict(grid)[:, 0], color="C3", label="model.predict")
left.set_xlabel("x")
left.set_ylabel("y")
left.legend(fontsize=8)
right.plot(np.arange(1, 101), history.history["loss"])
right.axhline(np.mean((x[:, 0] * least_squares[0] + least_squares[1] - y) ** 2), color="0.5", ls=":",
              label="lowest possible (noise)")
right.set_xlabel("epoch")
right.set_title("training loss (MSE)")
right.legend(fontsize=8)
for ax in (left, right):
    ax.grid(alpha=0.3)
fig.tight_layout()"""),
    text("""\
The loss flattens at the noise level: no line can explain the noise, and the learned line is
close to the least-squares one.

## 2. Binary classification

Points in the plane, labelled 1 inside a circle of radius 1.2 and 0 outside. No straight line
separates them, so we need hidden layers: two `Dense(10, activation="relu")` layers, then
`Dense(1, activation="sigmoid")` for the probability of class 1. The loss is binary
cross-entropy, the optimizer Adam, and we also track accuracy."""),
    code("""\
points = rng.uniform(-2, 2, size=(600, 2)).astype("float32")
labels = (np.hypot(points[:, 0], points[:, 1]) < 1.2).astype("float32")
x_train, y_train, x_test, y_test = points[:500], labels[:500], points[500:], labels[500:]

nn.layers.reset_name_counters()
classifier = nn.Sequential([
    nn.Input(shape=(2,)),
    Dense(10, activation="relu"),
    Dense(10, activation="relu"),
    Dense(1, activation="sigmoid"),
])
classifier.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
classifier.summary()"""),
    text("""\
`validation_split=0.2` holds out the last 20% of the training data; after each epoch the model
is scored on it, giving `val_loss` and `val_accuracy` next to the training numbers."""),
    code("""\
history = classifier.fit(x_train, y_train, epochs=100, batch_size=16, validation_split=0.2, verbose=0)
test_loss, test_accuracy = classifier.evaluate(x_test, y_test, verbose=0)
print(f"after {len(history.history['loss'])} epochs: training accuracy "
      f"{history.history['accuracy'][-1]:.3f}, validation {history.history['val_accuracy'][-1]:.3f}, "
      f"test {test_accuracy:.3f}")
plot_history(history, ("loss", "accuracy"), "circle")"""),
    text("""\
The flat start near 0.72 is the network answering "outside" for every point: 72% of the square
lies outside the circle. Only when the hidden units find the circle's edges does accuracy climb.

`predict` gives the probability of class 1 for any point. Coloured by it, the plane shows the
region the network has learned (the dashed circle is the true boundary)."""),
    code("""\
u = np.linspace(-2, 2, 121, dtype="float32")
grid = np.stack(np.meshgrid(u, u), axis=-1).reshape(-1, 2)
probability = classifier.predict(grid).reshape(len(u), len(u))

fig, ax = plt.subplots(figsize=(4, 3.4))
image = ax.contourf(u, u, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.7)
for label, colour in ((1, "C3"), (0, "white")):
    ax.scatter(*x_test[y_test == label].T, color=colour, edgecolors="k", linewidths=0.6, s=18,
               label=f"class {label}")
ax.add_patch(plt.Circle((0, 0), 1.2, fill=False, ls="--", color="k"))
ax.set_aspect("equal")
ax.set_title("P(class 1) and the test points")
ax.legend(fontsize=8, loc="upper right", framealpha=0.9)
fig.colorbar(image, ax=ax);"""),
    text("""\
## 3. Handwritten digits

`nn.datasets.load_digits()` returns 8×8 images, flattened to 64 pixels in $[0, 1]$, with labels
0–9 (1,438 for training, 359 for testing). The last layer has 10 units with a softmax, one
probability per digit. With integer labels the loss is `"sparse_categorical_crossentropy"`:
$-\\log p_{\\text{true class}}$. This time `verbose=2` prints one line per epoch."""),
    code("""\
(x_train, y_train), (x_test, y_test) = nn.datasets.load_digits()
print("train", x_train.shape, y_train.shape, " test", x_test.shape, y_test.shape)

nn.layers.reset_name_counters()
digits = nn.Sequential([
    nn.Input(shape=(64,)),
    Dense(32, activation="relu"),
    Dense(10, activation="softmax"),
])
digits.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
digits.summary()"""),
    code("""\
history = digits.fit(x_train, y_train, epochs=15, batch_size=32, validation_split=0.1, verbose=2)"""),
    code("""\
test_loss, test_accuracy = digits.evaluate(x_test, y_test, verbose=0)
print(f"test loss {test_loss:.3f}, test accuracy {test_accuracy:.3f}")
plot_history(history, ("loss", "accuracy"), "digits")"""),
    text("""\
`predict` returns the 10 probabilities per image; the predicted digit is the most probable one.
Here are the first test images, mistakes in red:"""),
    code("""\
probabilities = digits.predict(x_test)
predicted = probabilities.argmax(axis=1)
print("probabilities", probabilities.shape, "  rows sum to", probabilities.sum(axis=1)[:3].round(6))

shown = np.concatenate([np.arange(16), np.flatnonzero(predicted != y_test)[:4]])
fig, axes = plt.subplots(2, 10, figsize=(9, 2.4))
for ax, i in zip(axes.ravel(), shown):
    ax.imshow(x_test[i].reshape(8, 8), cmap="gray_r")
    wrong = predicted[i] != y_test[i]
    ax.set_title(f"{predicted[i]}" + (f" (is {y_test[i]})" if wrong else ""),
                 color="C3" if wrong else "k", fontsize=9)
    ax.axis("off")
fig.suptitle("predicted digit; the last four are mistakes", fontsize=10)
fig.tight_layout()"""),
    text("""\
## 4. The model's graph, layer by layer

The loss of one small batch is a graph like the neuron's in notebook 01, only bigger. Each layer
runs inside `ag.name_scope(layer.name)`, and the model around them inside its own, so
`viz.draw(loss, group="name_scope")` can draw every layer's ops in one labelled box within the
model's. (We open a `"loss"` scope ourselves, as `fit` does.) Tensors with
more than a few elements are summarized by their statistics; red lines are the gradients from
`loss.backward()`. The loss box shows how Keras computes this cross-entropy from probabilities:
renormalize, clip away from 0 and 1, pick each sample's true class, take $-\\log$, average."""),
    code("""\
digits.optimizer.zero_grad()                      # so the picture shows this batch's gradients only
probabilities = digits(x_test[:8])                # each layer opens its own scope
with ag.name_scope("loss"):
    loss = digits.loss(y_test[:8], probabilities)
loss.backward()
viz.draw(loss, group="name_scope", rankdir="TB")"""),
    text("""\
For a big model, `collapse=True` draws each layer as a single box, with its number of ops:"""),
    code("""viz.draw(loss, group="name_scope", collapse=True, show_values=False, legend=False)"""),
    text("""\
## 5. Beyond a stack: the functional API

A `Sequential` model is a chain. Keras's functional API builds any graph of layers: `nn.Input`
is a placeholder with a shape and no values, calling a layer on it records the call, and
`nn.Model(inputs, outputs)` turns the recorded calls into a model that runs them on data.

Here the input *skips* the two hidden layers and is added back to their result by an `Add`
layer, a **residual connection** (the idea behind ResNets): the hidden layers only have to learn
a correction to their input, and the gradient reaches the first layer directly through the sum.
`summary()` now has a "Connected to" column."""),
    code("""\
from nn import layers

inputs = nn.Input(shape=(64,), name="pixels")
hidden = layers.Dense(64, activation="relu", name="hidden")(inputs)
correction = layers.Dense(64, name="correction")(hidden)
joined = layers.Add(name="skip")([inputs, correction])
outputs = layers.Dense(10, activation="softmax", name="digit")(joined)
residual = nn.Model(inputs, outputs, name="residual")
residual.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
residual.summary()"""),
    text("""\
`nn.utils.plot_model` draws the same graph: one box per layer with its input and output shapes,
an arrow wherever one layer's output feeds another. The skip connection is the arrow from
`pixels` straight to `skip`."""),
    code("""nn.utils.plot_model(residual, to_file=None, show_shapes=True, show_layer_names=True, dpi=96)"""),
    code("""\
history = residual.fit(x_train, y_train, epochs=15, batch_size=32, validation_split=0.1, verbose=0)
test_loss, test_accuracy = residual.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {test_accuracy:.3f}")
plot_history(history, ("loss", "accuracy"), "residual")"""),
    text("""\
Every layer of a functional model remembers the symbolic tensor it produced, so a new model can
stop anywhere in the graph: `nn.Model(residual.input, residual.get_layer("hidden").output)`
shares the trained weights and outputs what the hidden layer sees. Averaged over the test images
of each digit, its 64 ReLU units show which ones each digit switches on."""),
    code("""\
features = nn.Model(residual.input, residual.get_layer("hidden").output)
activations = features.predict(x_test)
mean_per_digit = np.stack([activations[y_test == digit].mean(axis=0) for digit in range(10)])

fig, ax = plt.subplots(figsize=(8.4, 2.6))
image = ax.imshow(mean_per_digit, aspect="auto", cmap="viridis")
ax.set_xlabel("hidden unit")
ax.set_ylabel("digit")
ax.set_yticks(range(10))
ax.set_title("mean activation of each hidden unit, per digit")
fig.colorbar(image, ax=ax);"""),
]


if __name__ == "__main__":
    write_notebook(CELLS, "03_keras_style_training.ipynb")
