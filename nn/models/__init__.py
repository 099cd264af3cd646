"""Models and loading them, under Keras's module name: ``nn.models.Sequential``,
``nn.models.load_model``.

Each model class registers itself (`registry`); `load_model` reads a file through `nn.saving`,
which knows the file format and no model class, and rebuilds the class the file names.
"""
from nn.models.loading import load_model
from nn.models.sequential import Sequential

__all__ = ["Sequential", "load_model"]
