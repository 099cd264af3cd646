"""`load_model` and `model_from_json`: rebuild a model saved by ``model.save`` (or described by
``model.to_json``), beside the model classes it builds."""
from __future__ import annotations

import json
import os
from typing import Any, Mapping, Optional

from nn import saving

# Files written before the class was recorded hold a Sequential model.
DEFAULT_MODEL_CLASS = "Sequential"


def load_model(filepath: Any, custom_objects: Optional[Mapping[str, Any]] = None, compile: bool = True) -> Any:
    """The model saved at `filepath` by ``model.save``: same layers, weights, compile settings
    and optimizer state, so it predicts identically and resumes training where it stopped.

    Args:
        custom_objects: ``{name: class or function}`` for layers, models, losses and metrics of
            your own that were not decorated with ``@nn.saving.register_serializable``.
        compile: False loads the model without its compile settings (and optimizer state), e.g.
            when a custom loss is not at hand.
    """
    path = os.fspath(filepath)
    config, arrays = saving.read(path)
    if config.get("kind") != "model":
        raise ValueError(f"{path!r} holds only weights (written by save_weights); build the model in code "
                         f"and call model.load_weights({path!r}) instead of load_model.")
    model_config = config.get("model_config")
    if not isinstance(model_config, dict):
        raise ValueError(f"{path!r} has no valid model architecture in its config; it may be damaged.")
    with saving.custom_object_scope(custom_objects):
        try:
            model_class = saving.find_object(str(config.get("model_class", DEFAULT_MODEL_CLASS)),
                                             config.get("registered_name"), kind="model class")
            model = model_class.from_config(model_config)
        except ValueError as error:
            raise ValueError(f"{path!r}: {error}") from None
        except TypeError as error:
            raise ValueError(f"{path!r}: the saved architecture does not fit the layer classes of this version "
                             f"({error}).") from None
        if not model.built:
            model.build_from_config(config.get("build_config"))
        saving.assign_weights(model, config, arrays, path)
        if compile and config.get("compile_config"):
            try:
                model.compile_from_config(config["compile_config"])  # a built model's optimizer is attached
            except ValueError as error:
                raise ValueError(f"{path!r}: the model was compiled with something this load cannot find: {error} "
                                 f"To load it without its compile settings, pass compile=False.") from None
            if config.get("optimizer_state") is not None:
                model.optimizer.load_state_dict(saving.insert_arrays(config["optimizer_state"], arrays, path))
    return model


def model_from_json(json_string: str, custom_objects: Optional[Mapping[str, Any]] = None) -> Any:
    """The model (architecture only, new weights) that ``model.to_json()`` described."""
    described = json.loads(json_string)
    with saving.custom_object_scope(custom_objects):
        model_class = saving.find_object(described["class_name"], described.get("registered_name"), kind="model class")
        return model_class.from_config(described["config"])
