"""The model file: ONE ``.npz`` file of weight arrays plus a JSON config, never pickle.

This package knows the format and no model class: it writes what a model's ``get_config``,
``weights`` and optimizer state give, and reads them back; ``nn.models.load_model`` rebuilds the
model class the file names from the table of classes kept here (`registry`), which layers and
models enter when defined.

- `file_format`: the layout, the temporary names of a save in progress, `ModelFileError` (the
  one error a bad file raises) and `LoadLimits` (what a file may ask for).
- `writing`: `save_model` and `save_weights`, atomically (a crash leaves the previous file).
- `reading`: `read`, a bounded operation: sizes, shapes and nesting are checked before anything
  is allocated, and arrays are read with ``allow_pickle=False``, so a file cannot run code.
- `schema`: the JSON config's types and ranges.
- `restoring`: weights and optimizer arrays back into a model.
- `registry`: the classes and functions a file may name: nn's built-in layers and models, yours
  once decorated with `register_serializable`, or given for one load as ``custom_objects``.

Layering: imports only its own modules (and numpy); tests/test_layering.py checks it.
"""
from nn.saving.file_format import DEFAULT_LIMITS, LoadLimits, ModelFileError, ModelFileNotFoundError
from nn.saving.reading import read
from nn.saving.registry import (built_in, built_in_classes, custom_object_scope, deserialize_custom, find_object,
                                is_built_in, register_built_in, register_serializable, registered_name,
                                serialize_custom)
from nn.saving.restoring import assign_weights, insert_arrays
from nn.saving.writing import save_model, save_weights

__all__ = ["save_model", "save_weights", "read", "assign_weights", "insert_arrays", "LoadLimits",
           "DEFAULT_LIMITS", "ModelFileError", "ModelFileNotFoundError", "register_serializable",
           "custom_object_scope", "registered_name", "find_object", "serialize_custom", "deserialize_custom",
           "register_built_in", "is_built_in", "built_in", "built_in_classes"]
