"""Keras-like neural-network API built on autograd.

    >>> model = nn.Sequential([nn.Input(shape=(64,)), nn.layers.Dense(10, activation="softmax")])
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x, y, epochs=5)

Layering: nn is the top layer. It imports autograd, optim, numpy and tqdm (ipywidgets when a
notebook has it, tensorboardX for the TensorBoard callback, matplotlib and IPython when a picture
is drawn: `nn.plots`, `LivePlot`) and nothing imports nn; inside it no two modules import each other (the file
format `nn.saving` knows no model class: it keeps the table of classes a file may name, which
layers and models enter when defined). Keras 3 files (.keras, .weights.h5) and ONNX export live in
`nn.interop` (h5py and onnx optional).
tests/test_layering.py checks every import.
"""
from nn import (activations, callbacks, constraints, datasets, initializers, layers, losses, metrics, models,
                ops, plots, regularizers, saving, tree, utils)
from nn.layers import Input, KerasTensor
from nn.models import Model, Sequential, load_model

__all__ = ["Model", "Sequential", "Input", "KerasTensor", "load_model", "layers", "models", "callbacks",
           "activations", "ops", "losses", "metrics", "initializers", "regularizers", "constraints", "saving",
           "tree", "utils", "datasets", "plots"]
