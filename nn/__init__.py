"""Keras-like neural-network API built on autograd.

    >>> model = nn.Sequential([nn.Input(shape=(64,)), nn.layers.Dense(10, activation="softmax")])
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x, y, epochs=5)
"""
from nn import (activations, callbacks, datasets, initializers, layers, losses, metrics, models,
                regularizers, utils)
from nn.layers import Input
from nn.model import Sequential
from nn.saving import load_model

__all__ = ["Sequential", "Input", "load_model", "layers", "models", "callbacks", "activations",
           "losses", "metrics", "initializers", "regularizers", "utils", "datasets"]
