"""Write and execute notebooks/07_sequences_and_attention.ipynb:
`python scripts/build_notebook_07.py`.

The lesson: backpropagation through time in a SimpleRNN unrolled by the engine (its graph, and
the gradient at each time step derived by hand and checked); vanishing gradients per time step
in SimpleRNN versus LSTM; attention weights as a heat map for a small model trained to reverse a
sequence. The cells below are the notebook's source; the script runs them in a `python3` kernel
and saves the notebook with its outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 07 · Sequences and attention

A recurrent layer reads a sequence one step at a time and carries a state from step to step;
attention lets every output position look at every input position directly. This notebook

1. unrolls a small RNN and follows its gradient back through time;
2. measures how that gradient fades over a long sequence, in a SimpleRNN and in an LSTM;
3. trains a tiny attention model to reverse a sequence and draws where it looks."""),
    code("""\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from autograd import viz
from nn.layers import LSTM, Dense, Embedding, MultiHeadAttention, SimpleRNN

plt.rcParams["figure.dpi"] = 110  # 10-point text is 15 px high
np.set_printoptions(precision=4, suppress=True)
nn.utils.set_random_seed(0)"""),
    text("""\
## 1. Backpropagation through time

A SimpleRNN with input kernel $W$, recurrent kernel $U$ and bias $b$ computes, from $h_0 = 0$,

$$h_t = \\tanh(x_t W + h_{t-1} U + b), \\qquad t = 1, \\dots, T,$$

and (without `return_sequences`) outputs $h_T$. The engine records every step, so the graph of
a 3-step sequence is the same cell copied 3 times, all sharing $W$, $U$ and $b$: the RNN
*unrolled*. `grads=True` writes $\\partial L/\\partial(\\text{node})$ on every node (red); the
input $x$ at the top gets one gradient row per time step."""),
    code("""\
nn.layers.reset_name_counters()
rnn, head = SimpleRNN(3), Dense(1)
x = ag.Tensor(np.random.default_rng(0).standard_normal((1, 3, 2)), requires_grad=True)
loss = (head(rnn(x)) ** 2).sum()  # one sequence of 3 steps with 2 features; a squared output
viz.draw(loss, grads=True, show_values=False)"""),
    text("""\
Going backwards, each step applies the chain rule to $h_t = \\tanh(a_t)$,
$a_t = x_t W + h_{t-1} U + b$. With $\\delta_t = \\partial L/\\partial a_t =
(\\partial L/\\partial h_t) \\odot (1 - h_t^2)$:

$$\\frac{\\partial L}{\\partial x_t} = \\delta_t W^\\top, \\qquad
\\frac{\\partial L}{\\partial h_{t-1}} = \\delta_t U^\\top .$$

The loop below runs this backwards from $t = T$ with numpy and the layer's own weights, and
compares it with what `backward()` stores in `x.grad`."""),
    code("""\
W, U, b = (weight.data for weight in rnn.weights)  # kernel, recurrent_kernel, bias
steps = x.data[0]
states = [np.zeros(3)]  # h_0
for x_t in steps:
    states.append(np.tanh(x_t @ W + states[-1] @ U + b))

output = states[-1] @ head.kernel.data + head.bias.data
dL_dh = (2 * output) @ head.kernel.data.T  # dL/dh_T through the dense head and the square
by_hand = np.zeros_like(steps)
for t in range(len(steps), 0, -1):
    delta = dL_dh * (1 - states[t] ** 2)
    by_hand[t - 1] = delta @ W.T
    dL_dh = delta @ U.T  # on to h_{t-1}

loss.backward()
print("dL/dx_t by hand, one row per step:\\n", by_hand)
print("equal to backward():", np.allclose(by_hand, x.grad.data[0], atol=1e-5))"""),
    text("""\
## 2. Vanishing gradients: SimpleRNN versus LSTM

Unrolling the recursion, the gradient reaching step $t$ from the last step $T$ is a product of
$T - t$ Jacobians:

$$\\frac{\\partial L}{\\partial x_t} = \\frac{\\partial L}{\\partial h_T}
\\Big(\\prod_{s=T}^{t+1} \\operatorname{diag}(1 - h_s^2)\\, U^\\top\\Big)
\\operatorname{diag}(1 - h_t^2)\\, W^\\top .$$

When these factors shrink vectors (tanh' $\\le 1$, and $U$ of moderate size) the product decays
geometrically: the early steps get almost no gradient, and the network cannot learn that the
first inputs matter. An LSTM adds a cell state updated by addition,

$$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t, \\qquad h_t = o_t \\odot \\tanh(c_t),$$

so along the cell path $\\partial c_t/\\partial c_{t-1} = \\operatorname{diag}(f_t)$: no weight
matrix and no tanh', only the forget gates $f_t = \\sigma(\\dots)$, which the network can learn to
hold near 1. Keras starts the forget-gate bias at 1 ($f \\approx 0.73$); we also try 3
($f \\approx 0.95$), as in an LSTM that has learned to remember.

Below: 32 sequences of $T = 50$ steps, 4 features each, through 32 units, with $L = \\sum h_T$;
we plot $\\lVert \\partial L/\\partial x_t \\rVert$ for every step $t$."""),
    code("""\
T = 50
sequences = np.random.default_rng(1).standard_normal((32, T, 4))


def gradient_per_step(layer):
    \"\"\"The norm of dL/dx_t at every step t, for L = sum of the layer's last output.\"\"\"
    inputs = ag.Tensor(sequences, requires_grad=True)
    layer(inputs).sum().backward()
    return np.linalg.norm(inputs.grad.data, axis=(0, 2))


layers = {}
for name in ["SimpleRNN", "LSTM, forget bias 1", "LSTM, forget bias 3"]:
    nn.utils.set_random_seed(0)
    nn.layers.reset_name_counters()
    layers[name] = SimpleRNN(32) if name == "SimpleRNN" else LSTM(32)
    layers[name].build(sequences.shape)
    if name.endswith("3"):
        layers[name].cell.bias.data[32:64] = 3.0  # Keras's gate order: input, forget, cell, output

fig, ax = plt.subplots(figsize=(7, 3.8))
for name, layer in layers.items():
    norms = gradient_per_step(layer)
    print(f"{name:20} ||dL/dx_50|| / ||dL/dx_1|| = {norms[-1] / norms[0]:9.3g}")
    ax.semilogy(range(1, T + 1), norms, label=name)
ax.set_xlabel("time step t (the loss reads the output after step 50)")
ax.set_ylabel("||dL/dx_t||  (log scale)")
ax.set_title("gradient reaching each input step")
ax.legend()
plt.show()"""),
    text("""\
The SimpleRNN's gradient falls about tenfold every 9 steps: step 1 gets a few hundred thousand
times less than step 50. The freshly initialized LSTM fades too, but more slowly; with its forget
gates open the gradient reaches step 1 undiminished (here even a little larger, since every
step's input adds to the same cell state). Training sets the forget gates
wherever the task needs memory; a SimpleRNN has no such path."""),
    text("""\
## 3. Attention: where does the model look?

Attention computes, for each query $q_i$, a softmax over its dot products with the keys $k_j$
and returns the weighted average of the values $v_j$:

$$A = \\operatorname{softmax}\\Big(\\frac{Q K^\\top}{\\sqrt{d}}\\Big), \\qquad
\\text{output}_i = \\sum_j A_{ij}\\, v_j .$$

Row $i$ of $A$ says how much output position $i$ takes from each input position. The toy task:
reverse a sequence of 6 digits. The keys and values are the input tokens plus an embedding of
their position; the query for output position $i$ is a learned embedding of $i$ alone. One
`MultiHeadAttention` head and a `Dense` layer to the 10 token logits, trained by a small loop
with `optim.Adam`."""),
    code("""\
VOCABULARY, LENGTH, WIDTH = 10, 6, 32
nn.utils.set_random_seed(0)
nn.layers.reset_name_counters()
token_embedding, input_position, output_position = (
    Embedding(VOCABULARY, WIDTH), Embedding(LENGTH, WIDTH), Embedding(LENGTH, WIDTH))
attention = MultiHeadAttention(num_heads=1, key_dim=WIDTH)
readout = Dense(VOCABULARY)
positions = np.arange(LENGTH)[None]


def reverser(tokens):
    \"\"\"The logits of each output token, and the attention weights (batch, 1, queries, keys).\"\"\"
    keys = token_embedding(tokens) + input_position(positions)
    queries = output_position(np.repeat(positions, len(tokens), axis=0))
    mixed, scores = attention(queries, keys, return_attention_scores=True)
    return readout(mixed), scores


rng = np.random.default_rng(0)
example = rng.integers(0, VOCABULARY, size=(1, LENGTH))
labels = [str(token) for token in example[0]]
_, scores_before = reverser(example)
print("input:", example[0], " its reverse:", example[0, ::-1])
print("attention weights before training (row = output position, column = input position):")
print(scores_before.data[0, 0])"""),
    text("""\
Untrained, every output position spreads its attention evenly, about $1/6$ on each input.
Now train on random sequences, 64 per step:"""),
    code("""\
parameters = [weight for layer in [token_embedding, input_position, output_position, attention,
                                   readout] for weight in layer.trainable_weights]
optimizer = optim.Adam(parameters, learning_rate=0.01)
losses = []
for step in range(200):
    tokens = rng.integers(0, VOCABULARY, size=(64, LENGTH))
    logits, _ = reverser(tokens)
    loss = nn.losses.sparse_categorical_crossentropy(tokens[:, ::-1], logits, from_logits=True).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

test_tokens = rng.integers(0, VOCABULARY, size=(500, LENGTH))
with ag.no_grad():
    predicted = reverser(test_tokens)[0].data.argmax(axis=-1)
print(f"final loss {losses[-1]:.2e}; test sequences reversed exactly: "
      f"{np.mean(np.all(predicted == test_tokens[:, ::-1], axis=1)):.3f}")"""),
    code("""\
with ag.no_grad():
    _, scores_after = reverser(example)
nn.plots.plot_attention(scores_after, keys=labels, queries=labels[::-1])  # queries: the output"""),
    text("""\
Columns are the input tokens in order, rows the output tokens the model writes. The weights
form the anti-diagonal: output position $i$ puts nearly all its attention on input position
$5 - i$, the one it must copy. Nothing in the model says "reverse"; the query and key
position embeddings learned it, and the picture shows it."""),
]

if __name__ == "__main__":
    write_notebook(CELLS, "07_sequences_and_attention.ipynb")
