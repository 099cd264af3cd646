"""Models and loading them, under Keras's module names: ``nn.models.Model``,
``nn.models.Sequential``, ``nn.models.load_model``, ``nn.models.model_from_json``.

`Model` is the base (a layer with training); ``nn.Model(inputs, outputs)`` makes a `Functional`
model; `Sequential` is a stack. Each class is known to saved files by name (`nn.saving` keeps the
table); `load_model` reads a file through `nn.saving`, which knows the file format and no model
class, and rebuilds the class the file names.
"""
from nn.models.functional import Functional
from nn.models.loading import load_model, model_from_json
from nn.models.model import Model
from nn.models.sequential import Sequential

__all__ = ["Model", "Functional", "Sequential", "load_model", "model_from_json"]
