"""Keras 3's ``.keras`` archive: a zip of ``config.json``, ``metadata.json`` and ``model.weights.h5``.

``config.json`` is the model's serialization (`keras_models`: a Sequential or functional model,
models inside models) with its ``compile_config`` (`keras_layers`); ``model.weights.h5`` is the
`keras_weights` layout, with the optimizer's running state beside it (`keras_optimizer`). Reading builds only registered layer classes from plain JSON and HDF5
arrays: nothing is unpickled and no code from the file runs (a ``Lambda`` layer is refused).
"""
from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
from typing import Any

from nn.interop import files, keras_layers, keras_models, keras_optimizer, keras_weights, optional

PURPOSE = "Reading and writing Keras .keras files"
KERAS_VERSION = "3.15.1"  # the layout written is the one this Keras version writes and reads
MEMBERS = ("config.json", "metadata.json", "model.weights.h5")


# ---- writing -----------------------------------------------------------------------------------------
def save_model(model: Any, filepath: Any) -> None:
    """Write `model` (a built Sequential or functional model) as a Keras 3 ``.keras`` archive."""
    h5py = optional.h5py(PURPOSE)
    if not model.built:
        raise ValueError(f"model {model.name!r} is not built yet, so it has no weights to save; call "
                         f"model.build((None, features)) or run it on data first.")
    config = {**keras_models.model_config(model), "compile_config": keras_layers.compile_config(model)}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as file:
        keras_weights.write(file, model)
        keras_optimizer.write(file, model)
    metadata = {"keras_version": KERAS_VERSION, "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "written_by": "chainrule"}
    with files.replaced_atomically(filepath) as temp_path:
        with zipfile.ZipFile(temp_path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("metadata.json", json.dumps(metadata))
            archive.writestr("config.json", json.dumps(config))
            archive.writestr("model.weights.h5", weights.getvalue())


# ---- reading -----------------------------------------------------------------------------------------
def is_keras_archive(filepath: Any) -> bool:
    """Whether `filepath` is a zip holding Keras's ``config.json`` (ours holds ``config.json.npy``)."""
    path = os.fspath(filepath)
    try:
        with zipfile.ZipFile(path) as archive:
            return "config.json" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return False  # not one, or a damaged one: the file's own reader then says what is wrong with it


def read_model(filepath: Any) -> tuple[str, dict, Any, Any]:
    """From a Keras ``.keras`` archive: our model class name ("Sequential" or "Functional"), its
    config, Keras's compile settings (``keras_layers.compile_config_from_keras`` reads them) and an
    open h5py File of the weights."""
    h5py = optional.h5py(PURPOSE)
    source = os.fspath(filepath)
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        if "config.json" not in names or "model.weights.h5" not in names:
            raise ValueError(f"{source!r} is not a complete Keras archive: it must hold {', '.join(MEMBERS)}.")
        try:
            config = json.loads(archive.read("config.json"))
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise ValueError(f"{source!r}: its config.json is not valid JSON or nests too deeply ({error}); the "
                             f"file is damaged.") from None
        weights = io.BytesIO(archive.read("model.weights.h5"))
    if not isinstance(config, dict):
        raise ValueError(f"{source!r}: its config.json holds no model config (a JSON object); the file is damaged.")
    class_name, ours = keras_models.model_from_keras(config, source)
    try:
        return class_name, ours, config.get("compile_config"), h5py.File(weights, "r")
    except OSError as error:
        raise ValueError(f"{source!r}: its model.weights.h5 is not a readable HDF5 file ({error}).") from None
