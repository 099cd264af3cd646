"""One layer's Keras 3 serialization, both ways, and the compile settings' (``compile_config``).

A layer is ``{"module", "class_name", "config", "registered_name"}``. Our layers' configs already
use Keras's argument names, so writing wraps them and reading unwraps them; keys Keras has and we
do not are accepted only when they are inert (None, False, the dtype), so a file never silently
loses behaviour. Reading names only built-in layer classes, and never a ``Lambda`` (whose code
would have to run from the file). ``compile_config`` carries the optimizer's settings, the loss
and the metrics; the optimizer's running state is `keras_optimizer`'s.

`keras_models` walks a whole model with these.
"""
from __future__ import annotations

import inspect
from typing import Any

from nn.layers import LAYER_CLASSES

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
    """Keras's ``compile_config`` of a compiled model (optimizer, loss, loss weights and metrics;
    for several outputs a list or dict of them), else None."""
    if not model.compiled:
        return None
    ours = model.get_compile_config()
    optimizer = dict(ours["optimizer"])
    optimizer["learning_rate"] = _to_keras_objects(optimizer["learning_rate"], "keras.optimizers.schedules")
    return {"optimizer": {"module": "keras.optimizers", "class_name": optimizer.pop("class_name"),
                          "config": optimizer, "registered_name": None},
            "loss": _to_keras_objects(ours.get("loss"), "keras.losses"), "loss_weights": ours.get("loss_weights"),
            "metrics": _to_keras_objects(ours.get("metrics"), "keras.metrics") or None}


def _to_keras_objects(value: Any, module: str) -> Any:
    """Each loss or metric object (``{"class_name", "config"}``) of a value, a list or a dict
    keyed by output name, as Keras serializes it; names stay names."""
    if isinstance(value, dict) and "class_name" in value:
        return {"module": module, "class_name": value["class_name"], "config": value.get("config", {}),
                "registered_name": None}
    if isinstance(value, dict):
        return {key: _to_keras_objects(item, module) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_keras_objects(item, module) for item in value]
    return value


# ---- reading -----------------------------------------------------------------------------------------
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


def _from_keras_objects(value: Any) -> Any:
    """`_from_keras_value` for each object of a value, a list or a dict keyed by output name."""
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        return _from_keras_value(value)
    if isinstance(value, dict):
        return {key: _from_keras_objects(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_keras_objects(item) for item in value]
    return value


def compile_config_from_keras(config: Any) -> Any:
    """Our ``get_compile_config`` form of Keras's ``compile_config`` (None when not compiled).
    Weighted metrics, which chainrule lacks, are refused rather than dropped."""
    if not isinstance(config, dict) or not isinstance(config.get("optimizer"), dict):
        return None
    if config.get("weighted_metrics"):
        raise ValueError(f"the model was compiled with weighted_metrics={config['weighted_metrics']!r}, which "
                         f"chainrule's compile does not have; load it with compile=False and compile it here.")
    optimizer = config["optimizer"]
    settings = {key: value for key, value in (optimizer.get("config") or {}).items()
                if KERAS_OPTIMIZER_DEFAULTS.get(key, object()) != value}
    return {"optimizer": {"class_name": optimizer.get("class_name"), **settings},
            "loss": _from_keras_objects(config.get("loss")), "loss_weights": config.get("loss_weights"),
            "metrics": _from_keras_objects(config.get("metrics"))}
