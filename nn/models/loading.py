"""`load_model`, `load_weights` and `model_from_json`: rebuild a model saved by ``model.save``
(or described by ``model.to_json``), beside the model classes it builds.

`nn.saving.read` checks the file and its config's schema before anything is allocated. Then,
still before building: every layer and model class the architecture names must be known (built
in, registered with ``@nn.saving.register_serializable``, or given in ``custom_objects``). The
model is built under a weight budget of what the file holds (`nn.layers.base.weight_budget`), so
a config cannot make building allocate more than the file's own weights; building, compiling and
restoring the optimizer state each turn any failure into a `ModelFileError` naming the file and
the part.
"""
from __future__ import annotations

import contextlib
import json
import os
import reprlib
from typing import Any, Iterator, Mapping, Optional

from nn import saving
from nn.interop import keras_archive, keras_layers, keras_optimizer, keras_weights
from nn.layers.naming import WeightBudgetExceeded, weight_budget
from nn.saving import LoadLimits, ModelFileError
from nn.saving.file_format import as_path, unreadable
from nn.saving.schema import weight_count

# Files written before the class was recorded hold a Sequential model.
DEFAULT_MODEL_CLASS = "Sequential"


def load_model(filepath: Any, custom_objects: Optional[Mapping[str, Any]] = None, compile: bool = True, *,
               limits: Optional[LoadLimits] = None) -> Any:
    """The model saved at `filepath` by ``model.save``: same layers, weights, compile settings
    and optimizer state, so it predicts identically and resumes training where it stopped.

    Args:
        filepath: the file ``model.save`` wrote.
        custom_objects: ``{name: class or function}`` for layers, models, losses and metrics of
            your own that were not decorated with ``@nn.saving.register_serializable``.
        compile: restore the compile settings and optimizer state too. False loads the model
            without them, e.g. when a custom loss is not at hand.
        limits: what the file may ask for (`nn.saving.LoadLimits`); raise one to load a bigger
            file that you trust, e.g. ``limits=nn.saving.LoadLimits(max_parameters=2**31)``.

    A Keras 3 ``.keras`` archive (written by Keras or by ``model.save("m.keras")``) of a
    Sequential or functional model (models inside it too) loads as the same model of supported
    layers with its weights, compile settings and optimizer state (Keras's optimizer variables,
    for the optimizers `nn.interop.keras_optimizer` maps; any other starts afresh, with a warning).

    Raises:
        nn.saving.ModelFileError: the file is missing, damaged, crafted, of another format, or
            past a limit; the message names the file, the part that is wrong and what to do.
    """
    path = as_path(filepath, "load_model")
    if os.path.isfile(path) and keras_archive.is_keras_archive(path):
        return _load_keras_archive(path, compile)
    if os.path.isfile(path) and keras_weights.is_hdf5(path):
        raise ModelFileError(f"{path!r} is an HDF5 file: a Keras weights file (.weights.h5) holds no architecture, "
                             f"so build the model in code and call model.load_weights({path!r}); a Keras 2 "
                             f"whole-model .h5 file is not read here: open it in Keras 3 and save it as .keras.")
    config, arrays = saving.read(path, limits)
    if config["kind"] != "model":
        raise ModelFileError(f"{path!r} holds only weights (written by save_weights); build the model in code "
                             f"and call model.load_weights({path!r}) instead of load_model.")
    with saving.custom_object_scope(custom_objects):
        model_class = _known_class(str(config.get("model_class", DEFAULT_MODEL_CLASS)), config.get("registered_name"),
                                   path, "model class")
        _check_layer_classes(config["model_config"], path)
        with _rebuilding(path, "architecture", config):
            model = model_class.from_config(config["model_config"])
            if not model.built:
                model.build_from_config(config.get("build_config"))
        saving.assign_weights(model, config, arrays, path)
        if compile and config.get("compile_config"):
            _compile(model, config, arrays, path)
    return model


def load_weights(model: Any, filepath: Any, limits: Optional[LoadLimits] = None) -> None:
    """Copy the weights stored at `filepath` (by save or save_weights) into `model`, whose layers
    must have the same weights in the same order and shapes; an unbuilt model is first built for
    the input shape a full save records."""
    path = as_path(filepath, "load_weights")
    config, arrays = saving.read(path, limits)
    if not model.built:
        saved_input = (config.get("model_config") or {}).get("input_shape")
        if not config.get("build_config") and saved_input is None:
            raise ValueError(f"model {model.name!r} is not built yet, so it has no weights to load into; "
                             f"call model.build((None, features)) or run it on data first.")
        with _rebuilding(path, "input shape", config):
            if config.get("build_config"):
                model.build_from_config(config["build_config"])
            else:
                model.build((None, *saved_input))
    saving.assign_weights(model, config, arrays, path)


def model_from_json(json_string: str, custom_objects: Optional[Mapping[str, Any]] = None) -> Any:
    """The model (architecture only, new weights) that ``model.to_json()`` described."""
    described = json.loads(json_string)
    with saving.custom_object_scope(custom_objects):
        model_class = saving.find_object(described["class_name"], described.get("registered_name"), kind="model class")
        return model_class.from_config(described["config"])


def _compile(model: Any, config: dict, arrays: dict, path: str) -> None:
    """Restore the compile settings and the optimizer state a file holds."""
    try:
        with _rebuilding(path, "compile settings", config):
            model.compile_from_config(config["compile_config"])
    except ModelFileError as error:
        raise ModelFileError(f"{error} To load the model without its compile settings (e.g. a custom loss "
                             f"that is not at hand), pass compile=False.") from None
    if config.get("optimizer_state") is not None:
        with _rebuilding(path, "optimizer state", config):
            model.optimizer.load_state_dict(saving.insert_arrays(config["optimizer_state"], arrays, path))


def _known_class(class_name: str, registered: Optional[str], path: str, kind: str) -> Any:
    try:
        return saving.find_object(class_name, registered, kind=kind)
    except ValueError as error:
        raise ModelFileError(f"{path!r}: {error}") from None


def _check_layer_classes(model_config: dict, path: str) -> None:
    """Every entry of every ``"layers"`` list (nested models' too) names a known class."""
    pending: list[Any] = [model_config]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for entry in item.get("layers") if isinstance(item.get("layers"), list) else ():
                if not (isinstance(entry, dict) and isinstance(entry.get("class_name"), str)
                        and isinstance(entry.get("config", {}), dict)):
                    raise unreadable(path, f"in its config, each layer should be an object with a 'class_name' "
                                           f"string and a 'config' object, but one is {reprlib.repr(entry)}")
                registered = entry.get("registered_name")
                _known_class(entry["class_name"], registered if isinstance(registered, str) else None, path,
                             "layer class")
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


@contextlib.contextmanager
def _rebuilding(path: str, part: str, config: dict) -> Iterator[None]:
    """Run a step of rebuilding the model under the file's weight budget; any failure of it
    becomes a ModelFileError naming the file and `part`."""
    held = weight_count(config)
    try:
        with weight_budget(held):
            yield
    except ModelFileError:
        raise
    except WeightBudgetExceeded as error:
        raise ModelFileError(f"{path!r}: its {part} asks for more weight numbers than the file holds ({held:,}): "
                             f"{error} The config was damaged or edited; save the model again.") from None
    except Exception as error:  # whatever a crafted config makes the constructors raise
        raise ModelFileError(f"{path!r}: its {part} could not be rebuilt ({type(error).__name__}: {error}). "
                             f"The file was damaged or edited, or written for other classes; save the model "
                             f"again with this version.") from error


def _load_keras_archive(path: str, compile: bool) -> Any:
    """A Sequential or functional model (models inside it too) from a Keras 3 ``.keras`` archive,
    built under a budget of the weight numbers its model.weights.h5 holds."""
    try:
        class_name, config, keras_compile_config, weights = keras_archive.read_model(path)
    except (TypeError, KeyError, AttributeError, IndexError, RecursionError) as error:
        raise ValueError(f"{path!r}: its config.json does not have the layout Keras writes ({error!r}); "
                         f"the file is damaged.") from None
    with weights:
        try:
            with weight_budget(keras_weights.stored_numbers(weights)):
                model = saving.built_in(class_name).from_config(config)
        except WeightBudgetExceeded as error:
            raise ValueError(f"{path!r}: its config asks for more weight numbers than its model.weights.h5 holds: "
                             f"{error} The config was damaged or edited.") from None
        except ValueError as error:
            raise ValueError(f"{path!r}: {error}") from None
        except IndexError as error:
            raise ValueError(f"{path!r}: its architecture could not be rebuilt ({error}): a call refers to an output "
                             f"its layer does not make, or a layer's setting has too few entries; the file is "
                             f"damaged or edited.") from None
        except (TypeError, KeyError, AttributeError, RecursionError) as error:
            raise ValueError(f"{path!r}: its architecture does not fit chainrule's layer classes ({error}).") from None
        if not model.built:
            raise ValueError(f"{path!r} does not record the model's input shape, so its weights cannot be "
                             f"placed; save it from a built Keras model.")
        keras_weights.read(weights, model, path)
        if compile and keras_compile_config:
            try:
                compile_config = keras_layers.compile_config_from_keras(keras_compile_config)
                if compile_config:
                    model.compile_from_config(compile_config)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{path!r}: its compile settings do not fit chainrule ({error}); load it with "
                                 f"nn.load_model({path!r}, compile=False) and call compile yourself.") from None
            keras_optimizer.read(weights, model, path)
    return model
