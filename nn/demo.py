"""The nn demo (``make demo``): a 64-128-10 MLP learns the bundled 8x8 digits in a few seconds.

It trains with Adam and a progress line per epoch, reports test accuracy, saves the model to
``out/digits_mlp.npz`` and draws the graph of one batch's loss, grouped by layer, to
``out/model_graph.png``.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

import autograd as ag
import nn
from nn.layers import Dense

SEED = 0
EPOCHS = 20
GRAPH_BATCH = 4  # samples in the drawn graph: enough to show shapes, small enough to read


def build_model() -> nn.Sequential:
    """64 pixels -> 128 ReLU units -> 10 class probabilities."""
    model = nn.Sequential([nn.Input(shape=(64,)), Dense(128, activation="relu"),
                           Dense(10, activation="softmax")], name="digits_mlp")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train(epochs: int = EPOCHS, verbose: int = 1, seed: int = SEED) -> tuple[nn.Sequential, float]:
    """Train on the digits' training split; return the model and its test accuracy."""
    nn.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = nn.datasets.load_digits()
    model = build_model()
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1, verbose=verbose)
    results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    return model, results["accuracy"]


def draw_loss_graph(model: nn.Sequential, path: Path) -> Optional[Path]:
    """Render one small batch's loss graph, ops boxed by layer, with d(loss)/d(node) on every
    node; None if autograd.viz is missing."""
    try:
        from autograd import viz
    except ImportError as error:
        print(f"(skipping the graph picture: autograd.viz is not available: {error})")
        return None
    if shutil.which("dot") is None:
        print("(skipping the graph picture: Graphviz's `dot` is not installed; `make setup` installs it)")
        return None
    (x, y), _ = nn.datasets.load_digits()
    y_pred = model(x[:GRAPH_BATCH])
    with ag.name_scope("loss"):
        loss = model.loss(y[:GRAPH_BATCH], y_pred)
    loss.name = "loss"
    return viz.draw(loss, grads=True).render(path)


def main(out_dir: str = "out") -> None:
    model, accuracy = train()
    print(f"test accuracy: {accuracy:.4f}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / "digits_mlp.npz"
    model.save(model_path)
    print(f"saved the trained model to {model_path} (reload it with nn.load_model)")
    graph_path = draw_loss_graph(model, out / "model_graph.png")
    if graph_path is not None:
        print(f"drew the loss graph, grouped by layer, to {graph_path}")


if __name__ == "__main__":
    main()
