"""Write and execute notebooks/02_formulas_from_the_chain_rule.ipynb:
`python scripts/build_notebook_02.py`.

The lesson: the derivative formulas of deep learning, each derived in a sentence and checked
against the engine; then a hand-written numpy backward with a classic mistake that
`ag.gradcheck` catches. The cells below are the notebook's source; the script runs them in a
`python3` kernel and saves the notebook with its outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 02 · The formulas of deep learning, from the chain rule

Backpropagation needs only a handful of derivatives. Each one below is derived in a sentence and
then checked against the engine, which knows nothing of these formulas: it only chains the local
derivatives of elementary ops. At the end we write a network's backward pass by hand, make the
most common mistake, and let `ag.gradcheck` catch it."""),
    code("""\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim

plt.rcParams.update({"figure.dpi": 110, "font.size": 10})  # 10-point text is 15 px high
rng = np.random.default_rng(0)


def engine_grads(f, *arrays):
    \"\"\"d f(*arrays) / d array for each array, as the engine computes it (float64).\"\"\"
    leaves = [ag.Tensor(a, requires_grad=True, dtype="float64") for a in arrays]
    return [g.data for g in ag.grad(f(*leaves), leaves)]


def check(name, engine, formula):
    \"\"\"Assert that the engine's numbers equal the formula's, and say by how much they differ.\"\"\"
    assert np.allclose(engine, formula, rtol=1e-12, atol=1e-12), (name, engine, formula)
    print(f"{name:<37} engine == formula   (largest difference {np.max(np.abs(engine - formula)):.1e})")"""),
    text("""\
## Activations

**Sigmoid.** $\\sigma(z) = 1/(1+e^{-z})$, so $\\sigma'(z) = e^{-z}/(1+e^{-z})^2 = \\sigma(z)\\,(1-\\sigma(z))$,
because $e^{-z}/(1+e^{-z}) = 1 - \\sigma(z)$.

**Tanh.** $\\tanh = \\sinh/\\cosh$; the quotient rule gives $(\\cosh^2 - \\sinh^2)/\\cosh^2 = 1 - \\tanh^2$.

**ReLU.** $\\max(z, 0)$ is $z$ for $z > 0$ and $0$ for $z < 0$, so its derivative is $1$ or $0$
(at $z = 0$ the engine picks $0$, as PyTorch and Keras do).

Summing the outputs makes a scalar whose gradient is the elementwise derivative."""),
    code("""\
z = np.linspace(-4, 4, 17)
s, th = 1 / (1 + np.exp(-z)), np.tanh(z)
(d_sigmoid,) = engine_grads(lambda z: ag.sigmoid(z).sum(), z)
(d_tanh,) = engine_grads(lambda z: ag.tanh(z).sum(), z)
(d_relu,) = engine_grads(lambda z: ag.relu(z).sum(), z)
check("sigmoid' = s(1 - s)", d_sigmoid, s * (1 - s))
check("tanh' = 1 - tanh^2", d_tanh, 1 - th ** 2)
check("relu' = 1[z > 0]", d_relu, (z > 0).astype(float))"""),
    code("""\
fig, axes = plt.subplots(1, 3, figsize=(10, 2.8), sharex=True)
sigma = lambda z: 1 / (1 + np.exp(-z))
for ax, (name, f, derivative, engine) in zip(axes, [
        ("sigmoid", sigma, lambda z: sigma(z) * (1 - sigma(z)), d_sigmoid),
        ("tanh", np.tanh, lambda z: 1 - np.tanh(z) ** 2, d_tanh),
        ("relu", lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float), d_relu)]):
    fine = np.linspace(-4, 4, 801)
    ax.plot(fine, f(fine), color="0.6", label="the function")
    ax.plot(fine, derivative(fine), color="C0", label="formula for its derivative")
    ax.plot(z, engine, "o", color="C3", markersize=4, label="engine's gradient")
    ax.set_title(name)
    ax.set_xlabel("z")
    ax.set_ylim({"sigmoid": (-0.05, 1.05), "tanh": (-1.1, 1.1), "relu": (-0.2, 4.1)}[name])
    ax.grid(alpha=0.3)
axes[0].legend(loc="upper left", fontsize=8)
fig.tight_layout()"""),
    text("""\
## The softmax Jacobian

$p_i = e^{z_i} / \\sum_k e^{z_k}$. Differentiating the quotient, $\\partial p_i/\\partial z_j = p_i(\\delta_{ij} - p_j)$:
the Jacobian is $\\operatorname{diag}(p) - p\\,p^\\top$. The engine gives one row of it per backward
pass, the gradient of $p_i$ alone."""),
    code("""\
z = rng.normal(size=5)
p = np.exp(z) / np.exp(z).sum()
jacobian = np.stack([engine_grads(lambda z, i=i: ag.softmax(z, axis=0)[i], z)[0] for i in range(5)])
check("softmax Jacobian = diag(p) - pp^T", jacobian, np.diag(p) - np.outer(p, p))

fig, axes = plt.subplots(1, 2, figsize=(6, 2.8), sharey=True)
for ax, (title, matrix) in zip(axes, [("engine, row by row", jacobian),
                                      ("diag(p) - p pᵀ", np.diag(p) - np.outer(p, p))]):
    image = ax.imshow(matrix, cmap="RdBu_r", vmin=-0.25, vmax=0.25)
    ax.set_title(title)
    ax.set_xlabel("j")
axes[0].set_ylabel("i")
fig.colorbar(image, ax=axes, shrink=0.8, label="∂p_i / ∂z_j");"""),
    text("""\
Each row sums to zero: the probabilities always add up to 1, so no change of $z$ can change
their total.

## Losses

**MSE.** $L = \\frac1n\\sum_i(\\hat y_i - y_i)^2$, so $\\partial L/\\partial \\hat y_i = \\frac2n(\\hat y_i - y_i)$.

**MAE.** $L = \\frac1n\\sum_i|\\hat y_i - y_i|$, so $\\partial L/\\partial \\hat y_i = \\frac1n\\operatorname{sign}(\\hat y_i - y_i)$."""),
    code("""\
y_true, y_pred = rng.normal(size=6), rng.normal(size=6)
n = len(y_true)
(d_mse,) = engine_grads(lambda y_pred: ((y_pred - y_true) ** 2).mean(), y_pred)
(d_mae,) = engine_grads(lambda y_pred: ag.abs(y_pred - y_true).mean(), y_pred)
check("MSE: dL/dy_pred = 2(y_pred - y)/n", d_mse, 2 * (y_pred - y_true) / n)
check("MAE: dL/dy_pred = sign(y_pred - y)/n", d_mae, np.sign(y_pred - y_true) / n)"""),
    text("""\
**Sigmoid + binary cross-entropy.** With $s = \\sigma(z)$ and $L = -[y\\log s + (1-y)\\log(1-s)]$,
$\\partial L/\\partial s = (s-y)/(s(1-s))$, and $\\sigma' = s(1-s)$ cancels the denominator:
$\\partial L/\\partial z = s - y$.

**Softmax + cross-entropy.** With $p = \\operatorname{softmax}(z)$ and $L = -\\log p_c$ for the
true class $c$: $\\partial L/\\partial z_j = -\\frac{1}{p_c}\\,p_c(\\delta_{cj} - p_j) = p_j - \\delta_{cj}$,
that is $p - \\text{onehot}(c)$. Both losses average over the $n$ samples of a batch, hence the
$1/n$ below."""),
    code("""\
logits = rng.normal(size=6)
labels01 = rng.integers(0, 2, size=6).astype(float)
s = 1 / (1 + np.exp(-logits))


def bce(z):
    s = ag.sigmoid(z)
    return -(labels01 * ag.log(s) + (1 - labels01) * ag.log(1 - s)).mean()


(d_bce,) = engine_grads(bce, logits)
check("sigmoid + BCE: dL/dz = (s - y)/n", d_bce, (s - labels01) / 6)

logits = rng.normal(size=(4, 3))
classes = np.array([0, 2, 1, 2])
p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
one_hot = np.eye(3)[classes]
(d_ce,) = engine_grads(lambda z: -ag.log_softmax(z, axis=1)[np.arange(4), classes].mean(), logits)
(d_fused,) = engine_grads(lambda z: ag.softmax_cross_entropy(z, classes), logits)
check("softmax + CE: dL/dz = (p - onehot)/n", d_ce, (p - one_hot) / 4)
check("  ...the fused softmax_cross_entropy", d_fused, (p - one_hot) / 4)"""),
    text("""\
## A dense layer: $dW = \\delta\\, x^\\top$

For one sample, $z = Wx + b$ with $z_i = \\sum_j W_{ij}x_j + b_i$. Write $\\delta = \\partial L/\\partial z$.
Since $\\partial z_i/\\partial W_{ij} = x_j$, we get $\\partial L/\\partial W_{ij} = \\delta_i x_j$, the outer
product $\\delta\\,x^\\top$; likewise $\\partial L/\\partial b = \\delta$ and $\\partial L/\\partial x = W^\\top\\delta$.
Choosing $L = \\delta \\cdot z$ for a fixed vector $\\delta$ makes $\\partial L/\\partial z = \\delta$ exactly."""),
    code("""\
W, b, x = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=4)
delta = rng.normal(size=3)
dW, db, dx = engine_grads(lambda W, b, x: ((W @ x + b) * delta).sum(), W, b, x)
check("dW = delta x^T", dW, np.outer(delta, x))
check("db = delta", db, delta)
check("dx = W^T delta", dx, W.T @ delta)"""),
    text("""\
In a batch the samples are rows, $Z = XK + b$ with $K = W^\\top$ (how `nn.layers.Dense` stores its
kernel). The same outer products, summed over the samples, give $dK = X^\\top\\Delta$ and
$db = \\sum_{\\text{rows}} \\Delta$."""),
    code("""\
X, K, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
Delta = rng.normal(size=(5, 3))
dK, db = engine_grads(lambda K, b: (ag.linear(ag.Tensor(X, dtype="float64"), K, b) * Delta).sum(), K, b)
check("batch: dK = X^T Delta", dK, X.T @ Delta)
check("batch: db = column sums of Delta", db, Delta.sum(axis=0))"""),
    text("""\
## Weight penalties and a gradient-descent step

**L2** adds $\\lambda\\sum w^2$ to the loss, so its gradient adds $2\\lambda w$ (weight decay).
**L1** adds $\\lambda\\sum|w|$, whose gradient adds $\\lambda\\operatorname{sign}(w)$. These are the
penalties of `nn.regularizers.L2` and `L1`."""),
    code("""\
w = rng.normal(size=5)
(d_l2,) = engine_grads(lambda w: nn.regularizers.L2(0.01)(w), w)
(d_l1,) = engine_grads(lambda w: nn.regularizers.L1(0.01)(w), w)
check("L2 penalty: gradient 2 lambda w", d_l2, 2 * 0.01 * w)
check("L1 penalty: gradient lambda sign(w)", d_l1, 0.01 * np.sign(w))"""),
    text("""\
**Gradient descent** moves every parameter against its gradient: $w \\leftarrow w - \\eta\\,\\nabla_w L$.
One step of `optim.SGD` on $L = \\|Aw - y\\|^2$, whose gradient is $2A^\\top(Aw - y)$:"""),
    code("""\
A, target = rng.normal(size=(6, 3)), rng.normal(size=6)
w0 = rng.normal(size=3)
w = ag.Tensor(w0, requires_grad=True, dtype="float64")
sgd = optim.SGD([w], learning_rate=0.05)
loss = ((ag.Tensor(A, dtype="float64") @ w - target) ** 2).sum()
loss.backward()
sgd.step()
check("GD step: w - eta 2A^T(Aw - y)", w.data, w0 - 0.05 * 2 * A.T @ (A @ w0 - target))
print(f"loss {loss.item():.4f} -> {np.sum((A @ w.data - target) ** 2):.4f} after one step")"""),
    text("""\
## Writing backward by hand, and the classic mistake

A two-layer sigmoid network, $h = \\sigma(xW_1 + b_1)$, $\\hat y = \\sigma(hW_2 + b_2)$, written in plain
numpy. To let the engine check our hand-written backward, we wrap it as an `ag.Function`:
`forward` gets numpy arrays, and `backward(grad, out)` gets $\\partial L/\\partial\\hat y$ (`grad`) and
$\\hat y$ (`out`) as numpy arrays and must return $\\partial L/\\partial$ each input.

The mistake: the derivative of the sigmoid is $\\sigma'(z) = \\sigma(z)(1-\\sigma(z))$, but after the
forward pass we hold $a = \\sigma(z)$, not $z$. Calling the sigmoid-derivative helper on $a$ computes
$\\sigma(a)(1-\\sigma(a))$, the derivative at the wrong point. The right expression is $a(1-a)$."""),
    code("""\
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(z):
    \"\"\"sigma'(z) = sigma(z) (1 - sigma(z)), for the pre-activation z.\"\"\"
    return sigmoid(z) * (1 - sigmoid(z))


class TwoLayerSigmoid(ag.Function):
    \"\"\"y_hat = sigmoid(sigmoid(x W1 + b1) W2 + b2), with a hand-written backward.\"\"\"

    symbol = "two_layer_net"
    buggy = True  # the mistake, switched on

    def forward(self, x, W1, b1, W2, b2):
        h = sigmoid(x @ W1 + b1)
        self.saved = h
        return sigmoid(h @ W2 + b2)

    def backward(self, grad, out):
        x, W1, b1, W2, b2 = self.inputs(grad)
        h = self.saved
        if self.buggy:
            delta2 = grad * sigmoid_derivative(out)   # WRONG: out is already sigmoid(z2)
        else:
            delta2 = grad * out * (1 - out)            # sigma'(z2) = out (1 - out)
        delta1 = (delta2 @ W2.T) * h * (1 - h)         # back through W2, then sigma'(z1) = h (1 - h)
        return (delta1 @ W1.T,                         # dL/dx
                x.T @ delta1, delta1.sum(axis=0),      # dL/dW1, dL/db1
                h.T @ delta2, delta2.sum(axis=0))      # dL/dW2, dL/db2


x = rng.normal(size=(4, 3))
params = [rng.normal(size=(3, 5)), np.zeros(5), rng.normal(size=(5, 2)), np.zeros(2)]"""),
    text("""\
`ag.gradcheck(f, *inputs)` nudges every input element by $\\pm\\epsilon$ and compares the slope it
measures with what our backward returns. With the mistake in place:"""),
    code("""\
try:
    ag.gradcheck(TwoLayerSigmoid.apply, x, *params)
except ag.GradcheckError as error:
    print("GradcheckError:", error)"""),
    text("""\
The wrong $\\delta_2$ flows into every gradient below it, so the very first input checked, $x$,
already disagrees with the measured slope. Fix the one line and check again:"""),
    code("""\
TwoLayerSigmoid.buggy = False
print("gradcheck passes:", ag.gradcheck(TwoLayerSigmoid.apply, x, *params))"""),
    text("""\
Why the mistake hides: both factors are small positive numbers, so the buggy network still
trains, only worse. As a function of the output $a$, the right factor $a(1-a)$ goes to zero when
the output is confident ($a$ near 0 or 1), while the buggy $\\sigma(a)(1-\\sigma(a))$ stays between
0.197 and 0.25 and keeps pushing."""),
    code("""\
a = np.linspace(0, 1, 101)
fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(a, a * (1 - a), color="C0", label="right: a(1 - a) = σ'(z)")
ax.plot(a, sigmoid_derivative(a), color="C3", ls="--", label="buggy: σ(a)(1 - σ(a))")
ax.set_xlabel("a = σ(z), the layer's output")
ax.set_ylabel("factor in δ")
ax.set_ylim(0, 0.3)
ax.legend(fontsize=8, loc="lower center")
ax.grid(alpha=0.3)"""),
]


if __name__ == "__main__":
    write_notebook(CELLS, "02_formulas_from_the_chain_rule.ipynb")
