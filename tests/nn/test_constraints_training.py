"""Constraints in training: applied after every optimizer step of fit (and of a train_step of your
own), as Keras applies them; kept by .npz files; the same weights as Keras after a step."""
from __future__ import annotations

import os

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn import constraints
from nn.callbacks import Callback
from nn.layers import LSTM, Dense, Embedding, GlobalAveragePooling1D, Input

os.environ.setdefault("KERAS_BACKEND", "torch")
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

BOUND = 0.3


def data(n: int = 64):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    return x, (3.0 * x[:, :1] - 2.0 * x[:, 1:2]).astype(np.float32)


def constrained_model() -> nn.Sequential:
    return nn.Sequential([Input((6,)), Dense(8, activation="relu", kernel_constraint=constraints.MaxNorm(BOUND),
                                             bias_constraint="non_neg"),
                          Dense(1, kernel_constraint=constraints.MaxNorm(BOUND))])


class BoundChecker(Callback):
    """After each batch: the largest column norm of each kernel and the smallest first bias."""

    def __init__(self) -> None:
        super().__init__()
        self.largest: list[float] = []
        self.lowest_bias: list[float] = []

    def on_train_batch_end(self, batch, logs=None):
        kernels = [layer.kernel.data for layer in self.model.layers]
        self.largest.append(max(float(np.linalg.norm(k, axis=0).max()) for k in kernels))
        self.lowest_bias.append(float(self.model.layers[0].bias.data.min()))


def test_fit_keeps_every_constrained_weight_within_its_bound_after_each_batch():
    x, y = data()
    model = constrained_model()
    model.compile(optimizer=optim.SGD(0.05), loss="mse")
    checker = BoundChecker()
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[checker])
    assert len(checker.largest) == 24
    assert max(checker.largest) <= BOUND * (1 + 1e-5)
    assert min(checker.lowest_bias) >= 0.0
    assert max(checker.largest) > 0.9 * BOUND  # the bound was reached, so it did the limiting

    unconstrained = nn.Sequential([Input((6,)), Dense(8, activation="relu"), Dense(1)])
    unconstrained.compile(optimizer=optim.SGD(0.05), loss="mse")
    free = BoundChecker()
    unconstrained.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[free])
    assert max(free.largest) > 2 * BOUND, max(free.largest)  # without the constraints the training goes past it


def test_constrained_weights_of_inner_layers_are_bounded_too():
    rng = np.random.default_rng(2)
    x, y = rng.integers(1, 20, size=(32, 5)), rng.normal(size=(32, 1)).astype(np.float32)
    model = nn.Sequential([Input((5,)), Embedding(20, 4, embeddings_constraint=constraints.UnitNorm(axis=1)),
                           LSTM(3, return_sequences=True, recurrent_constraint=constraints.MaxNorm(0.2)),
                           GlobalAveragePooling1D(), Dense(1)])
    model.compile(optimizer=optim.Adam(0.05), loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    embedding, lstm = model.layers[0], model.layers[1]
    np.testing.assert_allclose(np.linalg.norm(embedding.embeddings.data, axis=1), 1.0, rtol=1e-5)
    assert np.linalg.norm(lstm.cell.recurrent_kernel.data, axis=0).max() <= 0.2 * (1 + 1e-5)


def test_a_train_step_of_your_own_gets_the_constraints_through_optimizer_step():
    class Manual(nn.Sequential):
        def train_step(self, data):
            x, y = data
            loss = self.compute_loss(x, y, self(x, training=True))
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            return {"loss": loss.item()}

    x, y = data()
    model = Manual([Input((6,)), Dense(1, kernel_constraint=constraints.NonNeg())])
    model.layers[0].build_for((None, 6))
    model.layers[0].kernel.data = -np.abs(model.layers[0].kernel.data)
    model.compile(optimizer=optim.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert (model.layers[0].kernel.data >= 0).all()


def test_a_step_gives_the_constraint_of_the_unconstrained_step_and_leaves_gradients_alone():
    x, y = data(16)
    twins = []
    for constraint in (constraints.MaxNorm(BOUND), None):
        nn.utils.set_random_seed(3)
        model = nn.Sequential([Input((6,)), Dense(4, kernel_constraint=constraint)])
        model.compile(optimizer=optim.SGD(1.0), loss="mse")
        twins.append(model)
    constrained, free = twins
    free.set_weights(constrained.get_weights())
    constrained.train_on_batch(x, y[:, [0, 0, 0, 0]])
    free.train_on_batch(x, y[:, [0, 0, 0, 0]])
    kernel, free_kernel = constrained.layers[0].kernel, free.layers[0].kernel
    np.testing.assert_array_equal(kernel.grad.data, free_kernel.grad.data)
    np.testing.assert_allclose(kernel.data, constraints.MaxNorm(BOUND)(ag.Tensor(free_kernel.data)).data, rtol=1e-6)
    assert kernel.grad_fn is None and not np.allclose(kernel.data, free_kernel.data)
    np.testing.assert_array_equal(constrained.layers[0].bias.data, free.layers[0].bias.data)


def test_npz_files_keep_the_constraints_and_training_after_loading_applies_them(tmp_path):
    x, y = data()
    model = constrained_model()
    model.compile(optimizer=optim.Adam(0.1), loss="mse")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "model.npz")
    loaded = nn.load_model(tmp_path / "model.npz")
    assert loaded.get_config() == model.get_config()
    first = loaded.layers[0]
    assert isinstance(first.kernel_constraint, constraints.MaxNorm) and first.kernel_constraint.max_value == BOUND
    assert isinstance(first.bias_constraint, constraints.NonNeg)
    checker = BoundChecker()
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[checker])
    assert max(checker.largest) <= BOUND * (1 + 1e-5) and min(checker.lowest_bias) >= 0.0


def test_a_frozen_constrained_layer_is_left_as_it_is():
    x, y = data(16)
    model = constrained_model()
    model.layers[0].build_for((None, 6))
    model.layers[0].kernel.data = np.full((6, 8), 1.0, dtype=np.float32)  # norms above the bound
    model.layers[0].trainable = False
    model.compile(optimizer=optim.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    np.testing.assert_array_equal(model.layers[0].kernel.data, 1.0)  # Keras constrains what it updates


def test_one_step_matches_keras():
    keras = pytest.importorskip("keras")
    x, y = data(16)
    ours = nn.Sequential([Input((6,)), Dense(4, activation="tanh", kernel_constraint=constraints.MaxNorm(0.4),
                                             bias_constraint=constraints.NonNeg()), Dense(1)])
    theirs = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation="tanh",
                                                                     kernel_constraint=keras.constraints.MaxNorm(0.4),
                                                                     bias_constraint=keras.constraints.NonNeg()),
                               keras.layers.Dense(1)])
    ours.set_weights(theirs.get_weights())
    ours.compile(optimizer=optim.SGD(0.5), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    for _ in range(3):
        ours.train_on_batch(x, y)
        theirs.train_on_batch(x, y)
    for mine, keras_weight in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(mine, keras_weight, rtol=1e-4, atol=1e-5)


def test_a_pytorch_style_loop_takes_the_model_s_constraints_explicitly():
    x, y = data(16)
    model = constrained_model()
    model.build_for((None, 6))
    opt = optim.SGD(model.trainable_weights, lr=0.5)
    opt.set_constraints(model.weight_constraints)
    assert len(opt.constraints) == 3
    for _ in range(5):
        opt.zero_grad()
        loss = ag.mean((model(x) - y) ** 2)
        loss.backward()
        opt.step()
    assert max(np.linalg.norm(layer.kernel.data, axis=0).max() for layer in model.layers) <= BOUND * (1 + 1e-5)
