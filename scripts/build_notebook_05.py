"""Write and execute notebooks/05_deep_network_pathologies.ipynb:
`python scripts/build_notebook_05.py`.

The lesson: what goes wrong in deep networks and what fixes it. Per-layer gradient norms of deep
sigmoid, tanh and ReLU nets; bad versus Glorot/He initialization; overfitting a small training set
and curing it with L2, Dropout and EarlyStopping; what the batch size changes. The cells below are
the notebook's source; the script runs them in a `python3` kernel and saves the notebook with its
outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 05 · Deep network pathologies

A deeper network can represent more, but it is harder to train. This notebook measures four
classic problems on the digits and the standard cure for each:

1. **vanishing gradients**: the early layers of a deep sigmoid net barely learn;
2. **bad initialization**: signals and gradients shrink or blow up layer after layer;
3. **overfitting**: a big net memorizes a small training set;
4. **batch size**: noisy small batches versus costly large ones."""),
    code("""\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from nn.initializers import RandomNormal
from nn.layers import Dense, Dropout
from nn.regularizers import L2

plt.rcParams["figure.dpi"] = 110  # 10-point text is 15 px high
nn.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = nn.datasets.load_digits()"""),
    text("""\
## 1. Vanishing gradients

Backpropagation through a dense layer $a_l = f(z_l)$, $z_l = a_{l-1} W_l + b_l$ multiplies the
incoming gradient by the weights and by the activation's derivative:

$$\\delta_{l-1} = (\\delta_l W_l^\\top) \\odot f'(z_{l-1}), \\qquad
\\frac{\\partial L}{\\partial W_l} = a_{l-1}^\\top \\delta_l .$$

The sigmoid's derivative $\\sigma(1-\\sigma)$ is at most $1/4$, so every sigmoid layer can shrink
the gradient by 4 or more. tanh' is at most 1 (and equals 1 at 0); ReLU's derivative is exactly 1
wherever the unit is on.

`deep_net` stacks 10 hidden layers of 32 units and ends with 10 logits (no softmax: the loss takes
logits, `from_logits=True`). One forward and backward pass on 256 images gives the norm of
$\\partial L/\\partial W_l$ for every hidden layer; we also record the spread (standard deviation)
of each layer's output $a_l$."""),
    code("""\
x_batch, y_batch = x_train[:256], y_train[:256]


def deep_net(activation, initializer, depth=10, width=32):
    nn.layers.reset_name_counters()  # each model's layers are named dense, dense_1, ...
    hidden = [Dense(width, activation=activation, kernel_initializer=initializer)
              for _ in range(depth)]
    return nn.Sequential([nn.Input(shape=(64,)), *hidden, Dense(10)]), hidden


def layer_statistics(activation, initializer):
    \"\"\"Per hidden layer: the norm of dL/dW and the standard deviation of its output.\"\"\"
    nn.utils.set_random_seed(0)
    model, hidden = deep_net(activation, initializer)
    loss = nn.losses.sparse_categorical_crossentropy(y_batch, model(x_batch), from_logits=True)
    loss.backward()
    gradient_norms = [np.linalg.norm(layer.kernel.grad.data) for layer in hidden]
    spreads, a = [], ag.Tensor(x_batch)
    with ag.no_grad():
        for layer in hidden:
            a = layer(a)
            spreads.append(a.data.std())
    return gradient_norms, spreads


layer_numbers = np.arange(1, 11)
fig, ax = plt.subplots(figsize=(6, 3.6))
for activation in ["sigmoid", "tanh", "relu"]:
    gradient_norms, _ = layer_statistics(activation, "glorot_uniform")
    ax.semilogy(layer_numbers, gradient_norms, "o-", label=activation)
ax.set_xticks(layer_numbers)
ax.set_xlabel("hidden layer (1 = next to the input)")
ax.set_ylabel("||dL/dW||  (log scale)")
ax.set_title("gradient norm per layer, 10-layer nets, Glorot init")
ax.legend()
plt.show()"""),
    text("""\
In the sigmoid net the gradient shrinks by roughly 4 per layer on its way down: the first layer
gets over 100,000 times less than the last. The tanh and ReLU nets pass it through almost
unchanged. The consequence shows up as soon as we train (Adam, 5 epochs):"""),
    code("""\
fig, ax = plt.subplots(figsize=(6, 3.4))
gradient_norms = {}  # per activation: ||dL/dW|| of every layer, epoch by epoch
for activation, initializer in [("sigmoid", "glorot_uniform"), ("tanh", "glorot_uniform"),
                                ("relu", "he_normal")]:
    nn.utils.set_random_seed(0)
    model, _ = deep_net(activation, initializer)
    model.compile(optimizer="adam",
                  loss=nn.losses.SparseCategoricalCrossentropy(from_logits=True))
    gradient_norms[activation] = nn.callbacks.GradientNorms()
    history = model.fit(x_train, y_train, epochs=5, verbose=0,
                        callbacks=[gradient_norms[activation]])
    ax.plot(range(1, 6), history.history["loss"], "o-", label=f"{activation}, {initializer}")
ax.set_xticks(range(1, 6))
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("training the 10-layer nets")
ax.legend()
plt.show()"""),
    text("""\
The deep sigmoid net stays at $\\ln 10 \\approx 2.30$, the loss of a uniform guess over 10 classes:
its early layers get almost no gradient, so they stay random and the layers above have nothing
useful to work with.

The `nn.callbacks.GradientNorms()` passed to `fit` measured the same norms during training, after
every batch, and kept each epoch's mean per layer (`dense` is next to the input, `dense_10` the
output layer). For the sigmoid net the gap does not close as training goes on:"""),
    code("""gradient_norms["sigmoid"].plot()"""),
    text("""\
## 2. Initialization

For a ReLU layer with $n$ inputs and weights of variance $\\mathrm{Var}(w)$, the output's second
moment is multiplied by about $n\\,\\mathrm{Var}(w)/2$ (the ReLU zeroes half of it). Ten layers
raise that factor to the 10th power, so it had better be 1:

| initializer | $\\mathrm{Var}(w)$ | factor per layer ($n = 32$) |
|---|---|---|
| $N(0, 0.01^2)$ | $10^{-4}$ | $0.0016$: the signal vanishes |
| Glorot (for tanh/sigmoid) | $2/(n_{in} + n_{out}) = 1/32$ | $0.5$: shrinks slowly |
| He (for ReLU) | $2/n_{in} = 1/16$ | $1$: steady |
| $N(0, 0.5^2)$ | $0.25$ | $4$: the signal explodes |

Glorot's rule keeps the variance of a *tanh* layer (near-linear around 0) roughly steady in both
the forward and the backward pass; He's rule corrects it for ReLU, which passes only half."""),
    code("""\
initializers = {"N(0, 0.01²)": RandomNormal(stddev=0.01), "Glorot uniform": "glorot_uniform",
                "He normal": "he_normal", "N(0, 0.5²)": RandomNormal(stddev=0.5)}
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
for name, initializer in initializers.items():
    gradient_norms, spreads = layer_statistics("relu", initializer)
    left.semilogy(layer_numbers, spreads, "o-", label=name)
    right.semilogy(layer_numbers, gradient_norms, "o-", label=name)
left.set_title("std of each layer's output (ReLU net)")
right.set_title("||dL/dW|| per layer (ReLU net)")
for ax in (left, right):
    ax.set_xticks(layer_numbers)
    ax.set_xlabel("hidden layer")
left.legend(fontsize=8)
plt.show()"""),
    text("""\
With $N(0, 0.01^2)$ the output of layer 10 is about $10^{-15}$ and every gradient about
$10^{-13}$: nothing learns. With $N(0, 0.5^2)$ the outputs double at each layer and the gradients
are hundreds of times too large, so any learning rate that suits one layer is wrong for the
network. He keeps both steady.

## 3. Overfitting

A network with two hidden layers of 256 units has about 85,000 weights. Train it on only 100
images and it can memorize them. We watch the cross-entropy on 300 other images, the
*validation* set. (With L2 the logged `loss` includes the penalty, so we track the plain
cross-entropy as a metric of its own.)"""),
    code("""\
x_small, y_small = x_train[:100], y_train[:100]
x_val, y_val = x_train[1100:1400], y_train[1100:1400]


def cross_entropy(y_true, y_pred):
    \"\"\"Mean -log p[label], without any regularization term.\"\"\"
    picked = y_pred[np.arange(len(y_true)), y_true.astype(int)]
    return -np.mean(np.log(np.clip(picked, 1e-7, 1.0)))


def big_net(regularizer=None, dropout=0.0):
    nn.layers.reset_name_counters()
    layers = [nn.Input(shape=(64,))]
    for _ in range(2):
        layers.append(Dense(256, activation="relu", kernel_regularizer=regularizer))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(10, activation="softmax", kernel_regularizer=regularizer))
    return nn.Sequential(layers)


def train_small(model, callbacks=()):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", cross_entropy])
    history = model.fit(x_small, y_small, epochs=200, batch_size=20, verbose=0,
                        validation_data=(x_val, y_val), callbacks=list(callbacks))
    return model, history.history


nn.utils.set_random_seed(0)
baseline, logs = train_small(big_net())
epochs = range(1, 201)
fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(epochs, logs["cross_entropy"], label="training (100 images)")
ax.plot(epochs, logs["val_cross_entropy"], label="validation (300 other images)")
ax.set_ylim(0, 1)
ax.set_xlabel("epoch")
ax.set_ylabel("cross-entropy")
ax.set_title("a big net on a small training set")
ax.legend()
plt.show()"""),
    text("""\
The training loss falls towards 0: the net has memorized the 100 images. The validation loss
bottoms out early and then slowly *rises*: the net keeps growing more confident, and on the
validation images it gets wrong, confidence costs a lot of cross-entropy. Three cures:

* **L2** adds $\\lambda \\sum w^2$ to the loss (here $\\lambda = 10^{-3}$), whose gradient
  $2\\lambda w$ pulls every weight towards 0: large, confident weights cost something;
* **Dropout(0.5)** zeroes a random half of the hidden units at each training step (and scales
  the rest by 2), so no unit can rely on another; at evaluation it does nothing;
* **EarlyStopping** watches `val_loss`, stops after 20 epochs without improvement and restores
  the best weights."""),
    code("""\
runs = {"no cure": (baseline, logs)}
nn.utils.set_random_seed(0)
runs["L2 (1e-3)"] = train_small(big_net(regularizer=L2(1e-3)))
nn.utils.set_random_seed(0)
runs["Dropout (0.5)"] = train_small(big_net(dropout=0.5))
nn.utils.set_random_seed(0)
stopper = nn.callbacks.EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)
runs["EarlyStopping"] = train_small(big_net(), [stopper])
print(f"EarlyStopping stopped after {len(runs['EarlyStopping'][1]['loss'])} epochs and "
      f"restored the weights of epoch {stopper.best_epoch + 1}.")

fig, ax = plt.subplots(figsize=(6, 3.4))
for name, (_, history) in runs.items():
    ax.plot(range(1, len(history["loss"]) + 1), history["val_cross_entropy"], label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("validation cross-entropy")
ax.set_ylim(0.2, 0.6)
ax.set_title("the cures, on the validation set")
ax.legend()
plt.show()"""),
    text("""\
Only now the test set, once per final model (for EarlyStopping: the restored weights):"""),
    code("""\
print(f"{'':<15}{'validation cross-entropy':>26}{'test accuracy':>15}")
for name, (model, _) in runs.items():
    validation = cross_entropy(y_val, model.predict(x_val))
    _, accuracy, _ = model.evaluate(x_test, y_test, verbose=0)
    print(f"{name:<15}{validation:>26.3f}{accuracy:>15.3f}")"""),
    text("""\
L2 keeps the validation loss lowest, and flat. Dropout makes training noisy and helps for a while,
but by epoch 200 its validation loss has climbed back (pairing it with early stopping would fix
that). EarlyStopping keeps the weights from near the minimum. On this easy data set the test
accuracies differ by only a point or so (a few of the 359 test images): what the cures mainly
remove is the over-confidence."""),
    text("""\
## 4. Batch size

Each step of `fit` follows the gradient of one mini-batch of $B$ samples, a noisy estimate of
the full training-set gradient. Its error shrinks like $1/\\sqrt{B}$: four times the batch, half
the noise. We measure it on the first layer's weights of a small net (64 → 64 relu → 10),
against the gradient on all 1,150 training images, over 50 random batches per size."""),
    code("""\
def small_net():
    nn.layers.reset_name_counters()
    return nn.Sequential([nn.Input(shape=(64,)), Dense(64, activation="relu"),
                          Dense(10, activation="softmax")])


nn.utils.set_random_seed(0)
net = small_net()
x_fit, y_fit = x_train[:1150], y_train[:1150]


def first_layer_gradient(x, y):
    for weight in net.trainable_weights:
        weight.grad = None
    nn.losses.sparse_categorical_crossentropy(y, net(x)).backward()
    return net.layers[0].kernel.grad.data.copy()


full_gradient = first_layer_gradient(x_fit, y_fit)
rng = np.random.default_rng(0)
batch_sizes = [1, 4, 16, 64, 256]
errors = []
for size in batch_sizes:
    batches = [rng.choice(len(x_fit), size, replace=False) for _ in range(50)]
    errors.append(np.mean([np.linalg.norm(first_layer_gradient(x_fit[b], y_fit[b]) - full_gradient)
                           for b in batches]))

fig, ax = plt.subplots(figsize=(5, 3.4))
ax.loglog(batch_sizes, errors, "o-", label="measured")
ax.loglog(batch_sizes, errors[0] / np.sqrt(batch_sizes), "k--", lw=1, label="$1/\\sqrt{B}$")
ax.set_xticks(batch_sizes, [str(size) for size in batch_sizes])
ax.set_yticks([0.2, 0.5, 1, 2, 4], ["0.2", "0.5", "1", "2", "4"])
ax.minorticks_off()
ax.set_xlabel("batch size B")
ax.set_ylabel("||batch gradient - full gradient||")
ax.set_title("gradient noise")
ax.legend()
plt.show()"""),
    text("""\
The measured error follows $1/\\sqrt{B}$ and drops a little below it at $B = 256$, where a batch
is a sizeable part of the 1,150 images (sampling without replacement).

Now training, 20 epochs with plain SGD. On the left the same learning rate 0.05 for every batch
size; on the right the learning rate grows with the batch, $\\eta = 0.05 \\times B/8$: 0.2 for
$B = 32$, 0.8 for $B = 128$ and 7.2 for the full batch of 1,150."""),
    code("""\
def train_with_batches(batch_size, learning_rate):
    nn.utils.set_random_seed(0)
    model = small_net()
    model.compile(optimizer=optim.SGD(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy")
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=20, verbose=0,
                        validation_split=0.2)
    return history.history["val_loss"]


epochs = range(1, 21)
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
for size in [8, 32, 128, 1150]:
    left.plot(epochs, train_with_batches(size, 0.05), label=f"B = {size}")
for size in [8, 32, 128, 1150]:
    learning_rate = 0.05 * size / 8
    losses = train_with_batches(size, learning_rate)
    (line,) = right.plot(epochs, losses, label=f"B = {size}, lr = {learning_rate:.2g}")
    if max(losses) > 2.6:  # above the chart: say where it went
        right.text(20, 2.45, f"B = {size}: the loss climbs to {max(losses):.1f}, off the chart",
                   ha="right", va="top", color=line.get_color(), fontsize=9)
left.set_title("same learning rate (0.05)")
right.set_title("learning rate scaled with the batch")
left.set_ylabel("validation loss")
for ax in (left, right):
    ax.set_ylim(0, 2.6)
    ax.set_xticks([1, 5, 10, 15, 20])
    ax.set_xlabel("epoch")
    ax.legend(fontsize=8)
plt.show()"""),
    text("""\
Left: with one learning rate, small batches win *per epoch* simply because they take more steps
(1,150 / B per epoch); the full batch takes only 20 steps in all. Right: multiplying the
learning rate by 4 when the batch grows by 4 gives nearly the same curve with 4 times fewer
steps, and each step on a bigger batch is one large, efficient matrix product. The rule breaks
down when the learning rate becomes too large for the loss surface: for the full batch the rule
asks for $\\eta = 7.2$, and within three epochs its loss climbs above 13, where the network is
confidently wrong on almost every image (notebook 04 showed the same edge on a 2-D bowl). Past
some batch size the learning rate must stop growing.

**Summary.** Prefer ReLU-like activations in deep nets and initialize them with He's rule (Glorot
for tanh/sigmoid); watch a validation set and fight overfitting with L2, Dropout or early
stopping; pick the batch size for speed, and scale the learning rate with it."""),
]


if __name__ == "__main__":
    write_notebook(CELLS, "05_deep_network_pathologies.ipynb")
