"""Keras-like neural-network API built on autograd.

    >>> model = nn.Sequential([nn.Input(shape=(64,)), nn.layers.Dense(10, activation="softmax")])
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x, y, epochs=5)

Layering: nn is the top layer. It imports autograd, optim, numpy and tqdm (ipywidgets when a
notebook has it, tensorboardX for the TensorBoard callback, matplotlib and IPython when a picture
is drawn: `nn.plots`, `LivePlot`) and nothing imports nn; inside it no two modules import each other (the file
format `nn.saving` knows no model class: models register themselves in `nn.models.registry`).
Keras 3 files (.keras, .weights.h5) and ONNX export live in `nn.interop` (h5py and onnx optional).
tests/test_layering.py checks every import.
"""
from nn import (activations, callbacks, datasets, initializers, layers, losses, metrics, models,
                plots, regularizers, saving, utils)
from nn.layers import Input
from nn.models import Sequential, load_model

__all__ = ["Sequential", "Input", "load_model", "layers", "models", "callbacks", "activations",
           "losses", "metrics", "initializers", "regularizers", "utils", "datasets", "plots", "saving"]
