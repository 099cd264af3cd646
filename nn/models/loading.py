"""`load_model`: rebuild a model saved by ``model.save``, beside the model classes it builds."""
from __future__ import annotations

import os
from typing import Any

from nn import saving
from nn.interop import keras_archive, keras_weights
from nn.models.registry import get_model_class

# Files written before the class was recorded hold a Sequential model.
DEFAULT_MODEL_CLASS = "Sequential"


def load_model(filepath: Any, compile: bool = True) -> Any:
    """The model saved at `filepath` by ``model.save``: same layers, weights, compile settings
    and optimizer state, so it predicts identically and resumes training where it stopped.

    A Keras 3 ``.keras`` archive (written by Keras or by ``model.save("m.keras")``) loads as a
    Sequential model of supported layers with its weights and compile settings (a fresh optimizer
    state: Keras's optimizer variables are not read)."""
    path = os.fspath(filepath)
    if os.path.exists(path) and keras_archive.is_keras_archive(path):
        return _load_keras_archive(path, compile)
    if os.path.exists(path) and keras_weights.is_hdf5(path):
        raise ValueError(f"{path!r} is an HDF5 file: a Keras weights file (.weights.h5) holds no architecture, so "
                         f"build the model in code and call model.load_weights({path!r}); a Keras 2 whole-model "
                         f".h5 file is not read here: open it in Keras 3 and save it as .keras.")
    config, arrays = saving.read(path)
    if config.get("kind") != "model":
        raise ValueError(f"{path!r} holds only weights (written by save_weights); build the model in code "
                         f"and call model.load_weights({path!r}) instead of load_model.")
    model_config = config.get("model_config")
    if not isinstance(model_config, dict) or not isinstance(model_config.get("layers"), list):
        raise ValueError(f"{path!r} has no valid model architecture in its config; it may be damaged.")
    try:
        model_class = get_model_class(str(config.get("model_class", DEFAULT_MODEL_CLASS)))
    except ValueError as error:
        raise ValueError(f"{path!r}: {error}") from None
    try:
        model = model_class.from_config(model_config)
    except TypeError as error:
        raise ValueError(f"{path!r}: the saved architecture does not fit the layer classes of this version "
                         f"({error}).") from None
    saving.assign_weights(model, config, arrays, path)
    if compile and config.get("compile_config"):
        model.compile_from_config(config["compile_config"])  # a built model's optimizer is attached
        if config.get("optimizer_state") is not None:
            model.optimizer.load_state_dict(saving.insert_arrays(config["optimizer_state"], arrays, path))
    return model


def _load_keras_archive(path: str, compile: bool) -> Any:
    try:
        config, weights = keras_archive.read_model(path)
    except (TypeError, KeyError, AttributeError, IndexError) as error:
        raise ValueError(f"{path!r}: its config.json does not have the layout Keras writes ({error!r}); "
                         f"the file is damaged.") from None
    compile_config = config.pop("compile_config")
    with weights:
        try:
            model = get_model_class("Sequential").from_config(config)
        except (TypeError, KeyError, AttributeError) as error:
            raise ValueError(f"{path!r}: its architecture does not fit chainrule's layer classes ({error}).") from None
        if not model.built:
            raise ValueError(f"{path!r} does not record the model's input shape, so its weights cannot be "
                             f"placed; save it from a built Keras model.")
        keras_weights.read(weights, model, path)
    if compile and compile_config:
        try:
            model.compile_from_config(compile_config)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path!r}: its compile settings do not fit chainrule ({error}); load it with "
                             f"nn.load_model({path!r}, compile=False) and call compile yourself.") from None
    return model
