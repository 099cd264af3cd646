"""Keras 3's ``.keras`` archive: a zip of ``config.json``, ``metadata.json`` and ``model.weights.h5``.

``config.json`` is the model's serialized config: ``{"module", "class_name", "config",
"registered_name", "build_config"}``, with a Sequential's layers (an ``InputLayer`` first) under
``config.layers`` in the same shape. Our layers' configs already use Keras's argument names, so
writing wraps them and reading unwraps them; keys Keras has and we do not are accepted only
when they are inert (None, False, the dtype), so a file never silently loses behaviour.
``compile_config`` carries the optimizer's settings, the loss and the metrics (not the optimizer's
running state: Keras starts it fresh and says so). ``model.weights.h5`` is the `keras_weights`
layout. Reading builds only registered layer
classes from plain JSON and HDF5 arrays: nothing is unpickled and no code from the file runs
(a ``Lambda`` layer is refused).

`to_keras_layer` / `from_keras_layer` are per layer; `sequential_config` and `read_model` are the
walk for a Sequential model.
"""
from __future__ import annotations

import datetime
import inspect
import io
import json
import os
import zipfile
from typing import Any

from nn.interop import files, keras_weights, optional
from nn.layers import LAYER_CLASSES

PURPOSE = "Reading and writing Keras .keras files"
KERAS_VERSION = "3.15.1"  # the layout written is the one this Keras version writes and reads
MEMBERS = ("config.json", "metadata.json", "model.weights.h5")
OBJECT_MODULES = {"_initializer": "keras.initializers", "_regularizer": "keras.regularizers",
                  "_constraint": "keras.constraints"}
BASE_LAYER_KEYS = {"name", "trainable"}  # every layer takes these through **kwargs
# Keys Keras's own constructor refuses for a class (Keras 3.15's SpatialDropout takes no `trainable`).
KEYS_KERAS_REFUSES = {"SpatialDropout1D": {"trainable"}, "SpatialDropout2D": {"trainable"}}
NESTED_LAYER_KEYS = {"layer", "backward_layer"}  # config keys whose value is a whole layer
# Keras optimizer settings we do not have, at the values where they change nothing.
KERAS_OPTIMIZER_DEFAULTS = {"use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                            "loss_scale_factor": None, "gradient_accumulation_steps": None}
INERT_KEYS = {"dtype", "renorm_momentum", "renorm_clipping"}  # no effect at their Keras defaults
INERT_VALUES = [None, False, "channels_last"]  # unknown keys at these values change nothing here


# ---- writing -----------------------------------------------------------------------------------------
def to_keras_layer(layer: Any) -> dict:
    """The Keras serialization of one of our layers."""
    refused = {"input_shape", *KEYS_KERAS_REFUSES.get(type(layer).__name__, ())}
    config = {key: _to_keras_value(key, value) for key, value in layer.get_config().items() if key not in refused}
    return {"module": "keras.layers", "class_name": type(layer).__name__, "config": config,
            "registered_name": None}


def _to_keras_value(key: str, value: Any) -> Any:
    if key in NESTED_LAYER_KEYS and isinstance(value, dict):  # Bidirectional's wrapped layers
        config = {k: _to_keras_value(k, v) for k, v in value.get("config", {}).items()}
        return {"module": "keras.layers", "class_name": value["class_name"], "config": config, "registered_name": None}
    if isinstance(value, dict) and "class_name" in value:
        module = next((m for suffix, m in OBJECT_MODULES.items() if key.endswith(suffix)), "keras")
        return {"module": module, "class_name": value["class_name"], "config": value.get("config", {}),
                "registered_name": None}
    return value


def compile_config(model: Any) -> Any:
    """Keras's ``compile_config`` of a compiled model (optimizer, loss and metrics), else None."""
    if not model.compiled:
        return None
    ours = model.get_compile_config()
    optimizer = dict(ours["optimizer"])
    config = {"optimizer": {"module": "keras.optimizers", "class_name": optimizer.pop("class_name"),
                            "config": optimizer, "registered_name": None},
              "loss": _to_keras_object(ours.get("loss"), "keras.losses"),
              "metrics": [_to_keras_object(metric, "keras.metrics") for metric in ours.get("metrics") or []] or None}
    return config


def _to_keras_object(value: Any, module: str) -> Any:
    if isinstance(value, dict) and "class_name" in value:
        return {"module": module, "class_name": value["class_name"], "config": value.get("config", {}),
                "registered_name": None}
    return value


def sequential_config(model: Any) -> dict:
    """The ``config.json`` of a built Sequential model."""
    batch_shape = [None, *model.input_shape[1:]]
    first = type(model.layers[0]).__name__ if model.layers else None
    input_layer = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
                   "config": {"batch_shape": batch_shape, "dtype": "int32" if first == "Embedding" else "float32",
                              "sparse": False, "name": "input_layer"}}
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": model.name, "trainable": True,
                       "layers": [input_layer, *(to_keras_layer(layer) for layer in model.layers)],
                       "build_input_shape": batch_shape},
            "build_config": {"input_shape": batch_shape}, "compile_config": compile_config(model)}


def save_model(model: Any, filepath: Any) -> None:
    """Write `model` (a built Sequential) as a Keras 3 ``.keras`` archive at `filepath`."""
    h5py = optional.h5py(PURPOSE)
    if not model.built:
        raise ValueError(f"model {model.name!r} is not built yet, so it has no weights to save; call "
                         f"model.build((None, features)) or run it on data first.")
    config = sequential_config(model)
    weights = io.BytesIO()
    with h5py.File(weights, "w") as file:
        keras_weights.write(file, model)
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


def from_keras_layer(entry: dict, source: str) -> tuple[str, dict]:
    """Our class name and constructor config for one Keras layer entry of ``config.json``."""
    class_name = entry.get("class_name")
    if class_name == "Lambda":
        raise ValueError(f"{source!r} contains a Lambda layer, whose code would have to run from the file; "
                         f"chainrule never runs code from a file. Replace it by a layer class and save again.")
    if class_name not in LAYER_CLASSES:
        raise ValueError(f"{source!r} uses the layer class {class_name!r}, which chainrule does not have; "
                         f"the supported classes are {', '.join(sorted(LAYER_CLASSES))}.")
    accepted = set(inspect.signature(LAYER_CLASSES[class_name].__init__).parameters) | BASE_LAYER_KEYS
    config = {}
    for key, value in (entry.get("config") or {}).items():
        if key == "dtype":  # a name, or Keras's {"class_name": "DTypePolicy", "config": {"name": ...}}
            value = (value.get("config") or {}).get("name") if isinstance(value, dict) else value
            if value in (None, "float32"):  # Keras's default: our layers follow autograd's default dtype
                continue
        if key in accepted and key in NESTED_LAYER_KEYS and isinstance(value, dict):
            nested_class, nested_config = from_keras_layer(value, source)
            config[key] = {"class_name": nested_class, "config": nested_config}
        elif key in accepted:
            config[key] = _from_keras_value(value)
        elif not (key in INERT_KEYS or value in INERT_VALUES):
            raise ValueError(f"{source!r}: layer {entry['config'].get('name')!r} ({class_name}) sets {key}={value!r}, "
                             f"which chainrule's {class_name} does not support; the model cannot be loaded as it is.")
    return class_name, config


def _from_keras_value(value: Any) -> Any:
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        inner = {k: v for k, v in (value["config"] or {}).items() if v is not None}
        return {"class_name": value["class_name"], "config": inner}
    return value


def compile_config_from_keras(config: Any) -> Any:
    """Our ``get_compile_config`` form of Keras's ``compile_config`` (None when not compiled)."""
    if not isinstance(config, dict) or not isinstance(config.get("optimizer"), dict):
        return None
    optimizer = config["optimizer"]
    settings = {key: value for key, value in (optimizer.get("config") or {}).items()
                if KERAS_OPTIMIZER_DEFAULTS.get(key, object()) != value}
    return {"optimizer": {"class_name": optimizer.get("class_name"), **settings},
            "loss": _from_keras_value(config.get("loss")), "metrics": config.get("metrics")}


def read_model(filepath: Any) -> tuple[dict, Any]:
    """Our Sequential config (with its ``compile_config``, None if the model was not compiled) and an
    open h5py File of the weights, from a Keras ``.keras`` archive."""
    h5py = optional.h5py(PURPOSE)
    source = os.fspath(filepath)
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        if "config.json" not in names or "model.weights.h5" not in names:
            raise ValueError(f"{source!r} is not a complete Keras archive: it must hold {', '.join(MEMBERS)}.")
        try:
            config = json.loads(archive.read("config.json"))
        except (ValueError, UnicodeDecodeError) as error:
            raise ValueError(f"{source!r}: its config.json is not valid JSON ({error}); the file is damaged.") from None
        weights = io.BytesIO(archive.read("model.weights.h5"))
    if not isinstance(config, dict):
        raise ValueError(f"{source!r}: its config.json holds no model config (a JSON object); the file is damaged.")
    if config.get("class_name") != "Sequential":
        raise ValueError(f"{source!r} holds a {config.get('class_name')!r} model; chainrule loads Keras "
                         f"Sequential models from .keras files so far.")
    layers, input_shape = [], None
    for entry in config.get("config", {}).get("layers", []):
        if entry.get("class_name") == "InputLayer":
            layer_config = entry.get("config", {})
            shape = layer_config.get("batch_shape") or layer_config.get("batch_input_shape")
            input_shape = list(shape[1:])
            continue
        class_name, layer_config = from_keras_layer(entry, source)
        layers.append({"class_name": class_name, "config": layer_config})
    if input_shape is None:
        build_shape = config.get("config", {}).get("build_input_shape")
        input_shape = None if build_shape is None else list(build_shape[1:])
    ours = {"name": config.get("config", {}).get("name"), "input_shape": input_shape, "layers": layers,
            "compile_config": compile_config_from_keras(config.get("compile_config"))}
    try:
        return ours, h5py.File(weights, "r")
    except OSError as error:
        raise ValueError(f"{source!r}: its model.weights.h5 is not a readable HDF5 file ({error}).") from None
