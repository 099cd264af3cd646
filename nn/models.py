"""Models and their files, under Keras's module name: ``nn.models.Sequential``, ``nn.models.load_model``."""
from nn.model import Sequential
from nn.saving import load_model

__all__ = ["Sequential", "load_model"]
