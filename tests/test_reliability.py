"""Reliability: saved work survives a crash, training leaks no memory, threads do not disturb each
other, a seed repeats a run bit for bit, NaNs are caught where they start, and random networks
train with gradients that agree with central differences.
"""
from __future__ import annotations

import gc
import os
import re
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import weakref

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

import autograd as ag
import nn
import optim
from nn.callbacks import TerminateOnNaN
from nn.layers import Activation, Dense, Dropout, Input


@pytest.fixture(scope="module")
def digits():
    (x, y), _ = nn.datasets.load_digits()
    return x, y


def digits_mlp(optimizer: str = "adam") -> nn.Sequential:
    model = nn.Sequential([Input(shape=(64,)), Dense(128, activation="relu"),
                           Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# ---- files: a crash mid-save leaves the previous file ---------------------------------------------
SAVE_FOREVER = """
import sys
import nn
path = sys.argv[1]
model = nn.load_model(path)
print("ready", flush=True)
while True:
    model.save(path)
"""


def leftovers(folder, name: str) -> list[str]:
    return [entry for entry in os.listdir(folder) if entry != name]


def kill_while_saving(path) -> list[str]:
    """Start a process that saves the model at `path` over and over; SIGKILL it while a
    temporary file is half written. Returns the temporary files the killed process left."""
    for _ in range(5):  # the kill can land just after a rename; then try again
        child = subprocess.Popen([sys.executable, "-c", SAVE_FOREVER, str(path)], stdout=subprocess.PIPE,
                                 text=True)
        try:
            assert child.stdout.readline().strip() == "ready"
            deadline = time.monotonic() + 20
            while not leftovers(path.parent, path.name) and time.monotonic() < deadline:
                pass
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        left = leftovers(path.parent, path.name)
        if left:
            return left
    pytest.fail("could not kill the saving process while it was writing")


def test_a_save_killed_midway_leaves_the_previous_model_loadable(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 512)).astype(np.float32)
    model = nn.Sequential([Input(shape=(512,)), Dense(1024, activation="tanh"),
                           Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.train_on_batch(x, rng.integers(0, 4, size=16))  # so Adam's moments are saved too (~6 MB)
    path = tmp_path / "model.npz"
    model.save(path)
    expected = model.predict(x)

    left = kill_while_saving(path)

    assert np.array_equal(nn.load_model(path).predict(x), expected)
    # What the killed process left is a hidden temporary that nothing takes for a model.
    for name in left:
        assert re.fullmatch(r"\.model\.npz\.\w+\.tmp", name), name
        with pytest.raises(nn.saving.ModelFileError, match="temporary file of a save that never finished"):
            nn.load_model(tmp_path / name)
    model.save(path)
    assert np.array_equal(nn.load_model(path).predict(x), expected)


# ---- memory: every step's graph is freed --------------------------------------------------------
def train_steps(model: nn.Sequential, x: np.ndarray, y: np.ndarray, steps: int, batch_size: int = 32) -> None:
    """`steps` calls of train_on_batch, going round the data in batches."""
    batches = len(x) // batch_size
    for step in range(steps):
        start = (step % batches) * batch_size
        model.train_on_batch(x[start:start + batch_size], y[start:start + batch_size])


def resident_bytes() -> int:
    """This process's resident memory (RSS), from /proc on Linux."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_two_thousand_training_steps_keep_memory_flat(digits):
    x, y = digits
    model = digits_mlp()
    train_steps(model, x, y, 300)  # warm-up: optimizer state, numpy's caches fill up
    gc.collect()
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        rss_start = resident_bytes() if sys.platform == "linux" else 0
        train_steps(model, x, y, 2000)
        gc.collect()
        end, peak = tracemalloc.get_traced_memory()
        rss_growth = resident_bytes() - rss_start if sys.platform == "linux" else 0
    finally:
        tracemalloc.stop()
    # One step's graph (a batch of 32 through 64-128-10) takes about 100 kB: graphs kept alive by
    # earlier steps would add hundreds of MB over 2,000 steps.
    assert end - start < 256 * 1024, f"traced memory grew by {end - start} bytes over 2,000 steps"
    assert peak - start < 2 * 1024 * 1024, f"traced memory peaked {peak - start} bytes above the start"
    assert rss_growth < 16 * 1024 * 1024, f"RSS grew by {rss_growth} bytes over 2,000 steps"


def one_manual_step(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> list[weakref.ref]:
    """A training step written out; weak references to every tensor and op of its graph."""
    model.optimizer.zero_grad()
    loss = model.loss(y, model(x, training=True))
    weights = {id(w) for w in model.weights}
    graph = [t for t in ag.topological_order([loss]) if id(t) not in weights]
    refs = [weakref.ref(t) for t in graph] + [weakref.ref(t.grad_fn) for t in graph]
    del graph
    loss.backward()
    model.optimizer.step()
    return refs


def test_a_steps_graph_dies_with_its_last_reference_without_the_cycle_collector(digits):
    x, y = digits[0][:32], digits[1][:32]
    model = digits_mlp(optimizer="sgd")
    model.fit(x, y, verbose=0)  # builds the model and attaches the optimizer
    gc.collect()
    gc.disable()
    try:
        refs = one_manual_step(model, x, y)
        assert len(refs) > 10
        assert all(ref() is None for ref in refs), "a graph outlived its step: something holds it"
        model.train_on_batch(x, y)
        model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
        assert gc.collect() == 0, "training made reference cycles (freed only by the cycle collector)"
    finally:
        gc.enable()


# ---- threads ------------------------------------------------------------------------------------
def models_for_threads(seeds: tuple[int, ...]) -> list[nn.Sequential]:
    """One model per seed, each initialised from its own seed (before any thread starts)."""
    models = []
    for seed in seeds:
        nn.utils.set_random_seed(seed)
        models.append(digits_mlp())
        models[-1].build((None, 64))
    return models


def train_for_threads(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> dict:
    # validation_data runs under no_grad in this thread while the other thread records graphs
    return model.fit(x[:256], y[:256], epochs=3, batch_size=16, shuffle=False, verbose=0,
                     validation_data=(x[256:320], y[256:320])).history


def test_two_threads_training_their_own_models_match_sequential_runs(digits):
    x, y = digits
    seeds = (1, 2)
    sequential = models_for_threads(seeds)
    sequential_histories = [train_for_threads(m, x, y) for m in sequential]

    threaded = models_for_threads(seeds)
    histories: dict[int, dict] = {}
    errors: list[BaseException] = []
    start_together = threading.Barrier(len(threaded), timeout=10)

    def run(index: int) -> None:
        try:
            start_together.wait()
            histories[index] = train_for_threads(threaded[index], x, y)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(threaded))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for i, (alone, together) in enumerate(zip(sequential, threaded)):
        assert histories[i] == sequential_histories[i]
        for a, b in zip(alone.get_weights(), together.get_weights()):
            assert np.array_equal(a, b)


def test_no_grad_in_one_thread_leaves_recording_on_in_another():
    w = ag.Tensor([1.0, 2.0], requires_grad=True)
    inside, other = threading.Event(), threading.Event()
    results = {}

    def frozen() -> None:
        with ag.no_grad():
            inside.set()
            other.wait(timeout=10)
            results["frozen"] = (w * 2.0).requires_grad

    thread = threading.Thread(target=frozen)
    thread.start()
    inside.wait(timeout=10)
    results["main"] = (w * 2.0).requires_grad
    other.set()
    thread.join()
    assert results == {"main": True, "frozen": False}


# ---- determinism --------------------------------------------------------------------------------
def seeded_run(seed: int, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], dict]:
    nn.utils.set_random_seed(seed)
    model = nn.Sequential([Input(shape=(64,)), Dense(32, activation="relu"), Dropout(0.3),
                           Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=32, validation_split=0.2, verbose=0)  # shuffled
    return model.get_weights(), history.history


def test_the_same_seed_repeats_training_bit_for_bit(digits):
    x, y = digits[0][:400], digits[1][:400]
    weights_a, history_a = seeded_run(7, x, y)
    weights_b, history_b = seeded_run(7, x, y)
    assert history_a == history_b
    assert all(np.array_equal(a, b) for a, b in zip(weights_a, weights_b))
    weights_c, history_c = seeded_run(8, x, y)
    assert history_c != history_a and not np.array_equal(weights_c[0], weights_a[0])


# ---- NaN: found where it starts, or training stopped cleanly -------------------------------------
def test_detect_anomaly_names_the_op_in_a_models_loss_and_the_users_line(digits):
    x, y = digits[0][:32], digits[1][:32].astype(np.float32)

    def shifted_log_loss(y_true, y_pred):
        return ag.log(y_pred - 0.5).mean()  # log of a negative number: NaN

    model = nn.Sequential([Input(shape=(64,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss=shifted_log_loss)
    with ag.detect_anomaly(), np.errstate(invalid="ignore"), pytest.raises(FloatingPointError) as caught:
        model.fit(x, y, verbose=0)
    message = str(caught.value)
    assert "'log'" in message and "forward" in message
    assert "test_reliability.py" in message and "ag.log(y_pred - 0.5).mean()" in message


def test_terminate_on_nan_stops_fit_cleanly_and_the_model_still_works(digits, capsys):
    x, y = digits[0][:256], digits[1][:256]
    model = nn.Sequential([Input(shape=(64,)), Dense(16, activation="relu"), Dense(1)])
    model.compile(optimizer=optim.SGD(learning_rate=1e6), loss="mse")
    with np.errstate(over="ignore", invalid="ignore"):
        history = model.fit(x, y.reshape(-1, 1).astype(np.float32), epochs=20, batch_size=8, verbose=0,
                            callbacks=[TerminateOnNaN()])
    assert len(history.epoch) == 1 and model.stop_training
    assert "invalid loss" in capsys.readouterr().out
    assert model.predict(x[:4]).shape == (4, 1)


# ---- property: random networks train a step with correct gradients --------------------------------
SMOOTH_ACTIVATIONS = ("linear", "tanh", "sigmoid", "softplus", "swish")


@st.composite
def networks(draw):
    """Random Dense/Activation stacks, inputs, batch size and a loss that fits the output."""
    features, batch = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    layers = []
    for _ in range(draw(st.integers(1, 3))):
        layers.append(Dense(draw(st.integers(1, 5)), activation=draw(st.sampled_from(SMOOTH_ACTIVATIONS))))
        if draw(st.booleans()):
            layers.append(Activation(draw(st.sampled_from(SMOOTH_ACTIVATIONS))))
    classes = draw(st.integers(2, 4))
    layers.append(Dense(classes, activation="softmax"))  # the loss expects probabilities
    seed = draw(st.integers(0, 2**16))
    return features, batch, layers, classes, seed


def forward_with(layers, x: ag.Tensor, weights) -> ag.Tensor:
    """The stack's forward pass, with `weights` (kernel, bias per Dense) in place of its own."""
    remaining = iter(weights)
    for layer in layers:
        if isinstance(layer, Dense):
            x = layer.activation(ag.linear(x, next(remaining), next(remaining)))
        else:
            x = layer.activation(x)
    return x


@settings(max_examples=30, deadline=None)
@given(networks())
def test_random_networks_train_a_step_with_gradients_that_pass_gradcheck(network):
    features, batch, layers, classes, seed = network
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, features))
    y = rng.integers(0, classes, size=batch)
    ag.set_default_dtype("float64")
    try:
        model = nn.Sequential([Input(shape=(features,)), *layers])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        loss = model.loss(y, model(x, training=True))
        loss.backward()
        grads = [w.grad.data for w in model.trainable_weights]
        assert all(np.isfinite(g).all() for g in grads)

        def loss_of(*weights):
            return model.loss(y, forward_with(model.layers, ag.Tensor(x, dtype="float64"), weights))

        assert loss_of(*model.trainable_weights).item() == loss.item()
        ag.gradcheck(loss_of, *model.trainable_weights)
        functional = ag.grad(loss_of(*model.trainable_weights), model.trainable_weights)
        assert all(np.allclose(g, f.data, rtol=1e-12, atol=1e-14) for g, f in zip(grads, functional))

        before = model.get_weights()
        step_loss = model.train_on_batch(x, y)
        assert np.isfinite(step_loss)
        after = model.get_weights()
        assert all(np.isfinite(w).all() and w.dtype == np.float64 for w in after)
        assert any(not np.array_equal(a, b) for a, b in zip(before, after))
    finally:
        ag.set_default_dtype("float32")
