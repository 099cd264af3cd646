"""Write and execute notebooks/06_convolution.ipynb: `python scripts/build_notebook_06.py`.

The lesson: a convolution is a sliding dot product; its gradients follow from the chain rule (a
correlation of the input with the upstream gradient for the kernel, a transposed convolution
for the input) and match the engine's; a small Conv2D/MaxPooling2D model on the 8x8 digits, its
learned filters and feature maps; max pooling routes the gradient to each window's maximum. The
cells below are the notebook's source; the script runs them in a `python3` kernel and saves the
notebook with its outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 06 · Convolution

A dense layer connects every pixel to every unit. A convolution slides one small set of weights
(the *kernel*) over the image, so it uses few weights and finds the same pattern anywhere. This
notebook

1. computes one output pixel of a convolution by hand;
2. derives its two gradients with the chain rule and checks them against the engine;
3. trains a small convolutional net on the digits and looks at what its filters learned;
4. follows the gradient through max pooling."""),
    code("""\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
from nn.layers import Conv2D, Dense, Flatten, MaxPooling2D

plt.rcParams["figure.dpi"] = 110  # 10-point text is 15 px high
np.set_printoptions(precision=3, suppress=True)
nn.utils.set_random_seed(0)"""),
    text("""\
## 1. A sliding dot product

For an image $x$ and a $k \\times k$ kernel $w$, the output at row $i$, column $j$ is the dot
product of $w$ with the $k \\times k$ window of $x$ whose top-left corner is $(i, j)$:

$$y_{ij} = \\sum_{a=0}^{k-1} \\sum_{b=0}^{k-1} x_{i+a,\\,j+b}\\; w_{ab}.$$

(Deep-learning libraries call this cross-correlation a convolution; a mathematician's
convolution flips the kernel first.) Without padding (`"valid"`), a $5 \\times 5$ image and a
$3 \\times 3$ kernel give a $3 \\times 3$ output. `ag.conv2d` takes images as
(batch, height, width, channels) and kernels as (height, width, in channels, out channels), as
Keras does."""),
    code("""\
rng = np.random.default_rng(0)
x = rng.integers(-2, 3, size=(5, 5)).astype(float)
w = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])  # responds to vertical edges

by_hand = np.sum(x[1:4, 2:5] * w)  # output row 1, column 2: the window starting at x[1, 2]
engine = ag.conv2d(x.reshape(1, 5, 5, 1), w.reshape(3, 3, 1, 1))
print("y[1, 2] by hand:", by_hand, "  ag.conv2d:", engine.data[0, 1, 2, 0])
print("the whole output:\\n", engine.data[0, :, :, 0])"""),
    code("""\
def show_numbers(ax, grid, title, cmap="coolwarm", digits=1):
    \"\"\"Draw a small array as coloured cells with its values written in them.\"\"\"
    limit = 1.6 * np.abs(grid).max()  # pale colours, so that the black numbers stay readable
    ax.imshow(grid, cmap=cmap, vmin=0 if cmap == "Blues" else -limit, vmax=limit)
    for (row, column), value in np.ndenumerate(grid):
        ax.text(column, row, f"{value:.{digits}f}", ha="center", va="center", fontsize=10)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
show_numbers(axes[0], x, "input x (window in red)", digits=0)
show_numbers(axes[1], w, "kernel w", digits=0)
show_numbers(axes[2], engine.data[0, :, :, 0], "output y (y[1, 2] in red)", digits=0)
axes[0].add_patch(plt.Rectangle((1.5, 0.5), 3, 3, fill=False, edgecolor="red", linewidth=2.5))
axes[2].add_patch(plt.Rectangle((1.5, 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2.5))
plt.show()"""),
    text("""\
## 2. The gradients, by the chain rule

Let $g_{ij} = \\partial L / \\partial y_{ij}$ be the gradient arriving from above. Each weight
$w_{ab}$ appears in every output $y_{ij}$, multiplied by $x_{i+a,\\,j+b}$, so

$$\\frac{\\partial L}{\\partial w_{ab}} = \\sum_{i,j} g_{ij}\\, x_{i+a,\\,j+b}:$$

the **correlation of the input with the upstream gradient**, i.e. `conv2d(x, g)` with $g$ as
the kernel. Each input pixel $x_{pq}$ appears in every output whose window covers it, with weight
$w_{p-i,\\,q-j}$, so

$$\\frac{\\partial L}{\\partial x_{pq}} = \\sum_{i,j} g_{ij}\\, w_{p-i,\\,q-j}:$$

every $g_{ij}$ spreads a copy of the kernel back over its window. That is a **transposed
convolution** (`ag.conv_transpose2d(g, w)`), the same as a full convolution of $g$ with the
kernel flipped. We pick a loss $L = \\sum_{ij} y_{ij}\\, v_{ij}$ with random $v$, so that
$g = v$, and compare both formulas with what `backward()` stores (to float32 precision, the engine's
default)."""),
    code("""\
x_leaf = ag.Tensor(x.reshape(1, 5, 5, 1), requires_grad=True)
w_leaf = ag.Tensor(w.reshape(3, 3, 1, 1), requires_grad=True)
v = rng.standard_normal((1, 3, 3, 1))  # the upstream gradient g = dL/dy
loss = (ag.conv2d(x_leaf, w_leaf) * v).sum()
loss.backward()

kernel_formula = ag.conv2d(x.reshape(1, 5, 5, 1), v.reshape(3, 3, 1, 1)).data.reshape(3, 3, 1, 1)
input_formula = ag.conv_transpose2d(v, w.reshape(3, 3, 1, 1)).data
print("dL/dw: correlation of x with g equals backward:", np.allclose(kernel_formula, w_leaf.grad.data, atol=1e-5))
print("dL/dx: transposed convolution equals backward: ", np.allclose(input_formula, x_leaf.grad.data, atol=1e-5))
print("dL/dx:\\n", x_leaf.grad.data[0, :, :, 0])"""),
    text("""\
The border pixels of $x$ are covered by fewer windows than the centre, so they receive fewer
terms. `ag.gradcheck` checks the engine's gradients against finite differences
$(f(x + \\epsilon) - f(x - \\epsilon)) / 2\\epsilon$ for every element, here with 2 input
channels, 3 output channels, stride 2 and `"same"` padding:"""),
    code("""\
x_small = rng.standard_normal((1, 6, 6, 2))
w_small = rng.standard_normal((3, 3, 2, 3))
ag.gradcheck(lambda x, w: ag.conv2d(x, w, stride=2, padding="same"), x_small, w_small)"""),
    code("""\
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
show_numbers(axes[0], v[0, :, :, 0], "upstream gradient g (3×3)")
show_numbers(axes[1], x_leaf.grad.data[0, :, :, 0], "dL/dx (5×5): g spread by w")
show_numbers(axes[2], w_leaf.grad.data[:, :, 0, 0], "dL/dw (3×3): x correlated with g")
plt.show()"""),
    text("""\
## 3. Learned filters on the digits

The bundled digits are $8 \\times 8$ grey images (`load_digits(flatten=False)` keeps them
square); a channel axis makes them (n, 8, 8, 1). The model: 16 filters of $3 \\times 3$, max
pooling to $4 \\times 4$, 32 filters, pooling to $2 \\times 2$, then a dense softmax layer: about
6,000 weights in all, a $3 \\times 3$ kernel shared by all 64 positions of the image."""),
    code("""\
(x_train, y_train), (x_test, y_test) = nn.datasets.load_digits(flatten=False)
x_train, x_test = x_train[..., None], x_test[..., None]

nn.layers.reset_name_counters()  # layers named conv2d, conv2d_1, ... in each new model
model = nn.Sequential([
    nn.Input(shape=(8, 8, 1)),
    Conv2D(16, 3, activation="relu", padding="same"),
    MaxPooling2D(2),
    Conv2D(32, 3, activation="relu", padding="same"),
    MaxPooling2D(2),
    Flatten(),
    Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=30, batch_size=32, validation_split=0.1, verbose=0)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {accuracy:.3f}")
model.summary()"""),
    code("""nn.plots.plot_history(history)"""),
    text("""\
The first layer's 16 kernels, each a $3 \\times 3$ image (grey is 0, dark negative, light
positive). Many are edge detectors: a light side next to a dark side responds where the stroke
starts or ends."""),
    code("""\
first_conv = model.layers[0]
nn.plots.plot_filters(first_conv)"""),
    text("""\
What each filter sees in one test digit: its *feature map*, the layer's output channel by channel
(ReLU has set the negative responses to 0). Different channels light up on different strokes
and edges of the same digit."""),
    code("""\
fig, ax = plt.subplots(figsize=(2.2, 2.2))
ax.imshow(x_test[0, :, :, 0], cmap="gray_r")
ax.set_title(f"test digit: {y_test[0]}", fontsize=10)
ax.set_xticks([])
ax.set_yticks([])
plt.show()
nn.plots.plot_feature_maps(first_conv, x_test[0])"""),
    text("""\
## 4. The gradient through max pooling

Max pooling keeps the largest value of each window, $y = \\max_k x_k$. Its derivative is 1 for
the maximum and 0 for the others:

$$\\frac{\\partial L}{\\partial x_k} = \\begin{cases} \\partial L / \\partial y &
\\text{if } x_k \\text{ is the window's maximum,} \\\\ 0 & \\text{otherwise.} \\end{cases}$$

So the whole gradient of each window goes to one input, the one that won (on ties, the first in
row-major order). Average pooling, in contrast, shares it equally: $1/4$ each for
$2 \\times 2$ windows."""),
    code("""\
values = np.array([[1.0, 3.0, 2.0, 0.0],
                   [4.0, 2.0, 1.0, 5.0],
                   [0.0, 1.0, 3.0, 2.0],
                   [2.0, 6.0, 1.0, 1.0]])
upstream = np.array([[10.0, 20.0], [30.0, 40.0]])  # dL/dy for the four windows
gradients = {}
for pool in [ag.max_pool2d, ag.avg_pool2d]:
    leaf = ag.Tensor(values.reshape(1, 4, 4, 1), requires_grad=True)
    pooled = pool(leaf, 2)
    (pooled * upstream.reshape(1, 2, 2, 1)).sum().backward()
    gradients[pool.__name__] = (pooled.data[0, :, :, 0], leaf.grad.data[0, :, :, 0])
print("max_pool2d output:\\n", gradients["max_pool2d"][0])
print("dL/dx through max pooling:\\n", gradients["max_pool2d"][1])"""),
    code("""\
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
show_numbers(axes[0], values, "input x (2×2 windows)", cmap="Blues", digits=0)
show_numbers(axes[1], gradients["max_pool2d"][1], "dL/dx, max pooling", cmap="Blues", digits=0)
show_numbers(axes[2], gradients["avg_pool2d"][1], "dL/dx, average pooling", cmap="Blues")
for ax in axes:  # the window borders
    ax.axhline(1.5, color="black", linewidth=2)
    ax.axvline(1.5, color="black", linewidth=2)
plt.show()"""),
    text("""\
With upstream gradients 10, 20, 30, 40 for the four windows, max pooling hands each one whole to
the window's maximum (4, 5, 6 and 3) and nothing to the other three inputs; average pooling gives
every input a quarter. During training, only the pixels that won the max pooling change the
filters below."""),
]

if __name__ == "__main__":
    write_notebook(CELLS, "06_convolution.ipynb")
