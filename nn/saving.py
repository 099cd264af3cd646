"""The model file: ONE ``.npz`` file of weight arrays plus a JSON config, never pickle.

This module knows the format and no model class: it writes what a model's ``get_config``,
``weights`` and optimizer state give, and reads them back; ``nn.models.load_model`` rebuilds the
model class the file names. It also keeps the one table of classes a file may name (see
`register_serializable`): built-in layers and models enter it when defined, a class or function
of your own by the decorator, or for one load through ``custom_objects=``.

The file is a zip of ``.npy`` arrays: ``config.json`` (the JSON text as uint8 bytes: format tag,
architecture, compile settings, weight names and shapes, optimizer state), ``weights/000``, ...
and the optimizer's arrays ``optimizer/0000``, .... Loading uses ``np.load(allow_pickle=False)``
and rebuilds layers only from registered layer classes, so a file cannot run code. Writing goes
to a temporary file in the same folder that then replaces the target (``os.replace``), so a
crash mid-save leaves the previous file intact. The temporary file is created with mode 0o666,
which the process umask trims as for any new file (the umask itself is never changed).
"""
from __future__ import annotations

import json
import os
import secrets
import zipfile
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping, Optional, TypeVar

import numpy as np

FORMAT = "chainrule.nn"
VERSION = 1
CONFIG_KEY = "config.json"
ZIP_MAGIC = b"PK\x03\x04"  # every zip archive with at least one member starts so


# ---- public API --------------------------------------------------------------------------------
def save_model(model: Any, filepath: Any) -> None:
    """Write `model`'s architecture, weights, compile settings and optimizer state to `filepath`."""
    arrays: dict[str, np.ndarray] = {}
    config = {"format": FORMAT, "version": VERSION, "kind": "model",
              "model_class": type(model).__name__, "model_config": model.get_config(), "weights": _weight_specs(model, arrays),
              "compile_config": model.get_compile_config(), "optimizer_state": None,
              "registered_name": None if is_built_in(type(model)) else registered_name(type(model)),
              "build_config": model.get_build_config()}
    if model.compiled and model.optimizer.param_groups:
        optimizer_arrays: dict[str, np.ndarray] = {}
        config["optimizer_state"] = _extract_arrays(model.optimizer.state_dict(), optimizer_arrays)
        arrays.update(optimizer_arrays)
    _write_atomically(filepath, config, arrays)


def save_weights(model: Any, filepath: Any) -> None:
    """Write only `model`'s weights (with their names and shapes) to `filepath`."""
    arrays: dict[str, np.ndarray] = {}
    config = {"format": FORMAT, "version": VERSION, "kind": "weights",
              "weights": _weight_specs(model, arrays)}
    _write_atomically(filepath, config, arrays)


def load_weights(model: Any, filepath: Any) -> None:
    """Copy the weights stored at `filepath` (by save or save_weights) into `model`, whose layers
    must have the same weights in the same order and shapes."""
    path = os.fspath(filepath)
    config, arrays = read(path)
    if not model.built:
        saved_input = (config.get("model_config") or {}).get("input_shape")
        if config.get("build_config"):
            model.build_from_config(config["build_config"])
        elif saved_input is not None:
            model.build((None, *saved_input))
        else:
            raise ValueError(f"model {model.name!r} is not built yet, so it has no weights to load into; "
                             f"call model.build((None, features)) or run it on data first.")
    assign_weights(model, config, arrays, path)


# ---- weights -----------------------------------------------------------------------------------
def _weight_specs(model: Any, arrays: dict[str, np.ndarray]) -> list[dict]:
    specs = []
    for i, weight in enumerate(model.weights):
        key = f"weights/{i:03d}"
        arrays[key] = weight.data
        specs.append({"key": key, "name": weight.name, "shape": list(weight.shape)})
    return specs


def assign_weights(model: Any, config: dict, arrays: dict[str, np.ndarray], path: str) -> None:
    """Set `model`'s weights from a file's arrays, checking count and shapes against the config."""
    specs = config.get("weights")
    if not isinstance(specs, list):
        raise ValueError(f"{path!r} lists no weights in its config; it may be damaged.")
    weights = model.weights
    if len(specs) != len(weights):
        raise ValueError(
            f"{path!r} holds {len(specs)} weights ({', '.join(s.get('name', '?') for s in specs) or 'none'}) "
            f"but model {model.name!r} has {len(weights)} ({', '.join(w.name for w in weights) or 'none'}); "
            f"load it into a model with the same layers.")
    values = []
    for spec, weight in zip(specs, weights):
        array = arrays.get(spec.get("key"))
        if array is None:
            raise ValueError(f"{path!r} is missing the array for weight {spec.get('name')!r}; it may be damaged.")
        if array.shape != weight.shape:
            raise ValueError(f"{path!r}: weight {spec.get('name')!r} has shape {array.shape} but the model's "
                             f"weight {weight.name!r} has shape {weight.shape}; the architectures differ.")
        values.append(array)
    model.set_weights(values)


# ---- optimizer state: arrays go to the npz, the rest to JSON --------------------------------------
def _extract_arrays(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        key = f"optimizer/{len(arrays):04d}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, dict):
        return {str(k): _extract_arrays(v, arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_extract_arrays(v, arrays) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def insert_arrays(value: Any, arrays: dict[str, np.ndarray], path: str) -> Any:
    """The optimizer state as saved, with each ``{"__array__": key}`` replaced by its array."""
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            if value["__array__"] not in arrays:
                raise ValueError(f"{path!r} is missing the optimizer array {value['__array__']!r}; "
                                 f"it may be damaged.")
            return arrays[value["__array__"]]
        return {k: insert_arrays(v, arrays, path) for k, v in value.items()}
    if isinstance(value, list):
        return [insert_arrays(v, arrays, path) for v in value]
    return value


# ---- the file ----------------------------------------------------------------------------------
def _write_atomically(filepath: Any, config: dict, arrays: dict[str, np.ndarray]) -> None:
    path = os.fspath(filepath)
    text = json.dumps(config, allow_nan=True)  # fails here, before any file is touched, if not JSON
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save to {path!r}: the folder {directory!r} does not exist; "
                                f"create it first (e.g. os.makedirs).")
    temp_path = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(8)}.tmp")
    # O_EXCL: never reuse a file; mode 0o666 trimmed by the umask, as open() would give.
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
                entries = {CONFIG_KEY: np.frombuffer(text.encode("utf-8"), dtype=np.uint8), **arrays}
                for key, array in entries.items():
                    with archive.open(f"{key}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_path, path)
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


def read(path: str) -> tuple[dict, dict[str, np.ndarray]]:
    """The config and every array of a saved file, or an error saying what is wrong with it."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"no saved model at {path!r}; check the path (model.save writes the file "
                                f"exactly there).")
    damaged = (f"{path!r} is not a readable chainrule model file (truncated, corrupted, or another format)")
    with open(path, "rb") as file:
        start = file.read(len(ZIP_MAGIC))
    if start != ZIP_MAGIC:
        # Checked before np.load, which would take unknown bytes for a pickle and suggest
        # allow_pickle=True: advice that would let a crafted file run code.
        kind = "empty" if not start else "a single .npy array" if start == b"\x93NUM" else "another kind of file"
        raise ValueError(f"{damaged}: it is {kind}, not the .npz (zip) archive that model.save writes.")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as error:
        raise ValueError(f"{damaged}: {error}.") from None
    if CONFIG_KEY not in arrays:
        raise ValueError(f"{damaged}: it has no {CONFIG_KEY!r} entry, so it was not written by "
                         f"model.save or save_weights.")
    config = _parse_config(arrays.pop(CONFIG_KEY), damaged)
    return config, arrays


def _parse_config(raw: np.ndarray, damaged: str) -> dict:
    try:
        config = json.loads(raw.astype(np.uint8).tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{damaged}: its config is not valid JSON ({error}).") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ValueError(f"{damaged}: its config does not carry the {FORMAT!r} format tag.")
    if config.get("version") != VERSION:
        raise ValueError(f"{damaged}: it has format version {config.get('version')!r}, this version reads "
                         f"only version {VERSION}.")
    return config



# ---- the classes and functions a file may name ----------------------------------------------------
# Loading builds only what is in these tables, so a file can name a class but never run code of its
# choosing. Built-in layers and models are known by class name; your own classes and functions by
# "package>name", once decorated with @register_serializable (Keras's register_keras_serializable).
_BUILT_IN: dict[str, type] = {}
_REGISTERED: dict[str, Any] = {}
_REGISTERED_NAMES: dict[Any, str] = {}
_custom_object_scopes: list[Mapping[str, Any]] = []

Registrable = TypeVar("Registrable")


def register_built_in(cls: type) -> None:
    """Let files name the built-in class `cls` by its class name (nn's layers and models call it)."""
    _BUILT_IN[cls.__name__] = cls


def register_serializable(package: str = "Custom", name: Optional[str] = None
                          ) -> Callable[[Registrable], Registrable]:
    """Decorator that lets saved models name a class or function of your own.

    A custom layer or model is saved with its class name and ``"package>name"``; loading looks
    that name up here, so the decorated class must be defined (imported) before `load_model`.
    A class must have `get_config` (its constructor arguments) and `from_config`.

    Args:
        package: a namespace for the name, e.g. your project's name.
        name: the name to register under (default: the class's or function's ``__name__``).

    Example:
        >>> @nn.saving.register_serializable(package="my_project")
        ... class Scale(nn.layers.Layer):
        ...     ...
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"register_serializable: package must be a string without '>', got {package!r}.")

    def decorator(obj: Registrable) -> Registrable:
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise TypeError(f"register_serializable: {obj.__name__} has no get_config(), so it cannot be saved; "
                            f"define get_config() returning its constructor arguments.")
        _REGISTERED[registered] = obj
        _REGISTERED_NAMES[obj] = registered
        return obj

    return decorator


def registered_name(obj: Any) -> Optional[str]:
    """The ``"package>name"`` that `register_serializable` gave `obj`, or None."""
    return _REGISTERED_NAMES.get(obj)


def is_built_in(cls: type) -> bool:
    return _BUILT_IN.get(cls.__name__) is cls


def built_in_classes() -> dict[str, type]:
    """The table of built-in classes itself (it fills as nn's modules are imported)."""
    return _BUILT_IN


def built_in(class_name: str) -> type:
    """The built-in class called `class_name` (e.g. "Functional", for `nn.Model(inputs, outputs)`)."""
    return _BUILT_IN[class_name]


@contextmanager
def custom_object_scope(custom_objects: Optional[Mapping[str, Any]]) -> Iterator[None]:
    """Within this block, loading also finds the objects of ``{name: class or function}``."""
    _custom_object_scopes.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _custom_object_scopes.pop()


def find_object(class_name: str, registered: Optional[str] = None, kind: str = "class") -> Any:
    """The class or function a file names: from ``custom_objects``, the registered ones, or the
    built-in classes; otherwise a ValueError that says how to make it known."""
    for scope in reversed(_custom_object_scopes):
        for key in (registered, class_name):
            if key is not None and key in scope:
                return scope[key]
    if registered is not None and registered in _REGISTERED:
        return _REGISTERED[registered]
    if registered is None and class_name in _BUILT_IN:
        return _BUILT_IN[class_name]
    known = ", ".join(sorted(_BUILT_IN))
    described = f"{class_name!r}" + (f" (registered as {registered!r} when saved)" if registered else "")
    raise ValueError(f"unknown {kind} {described}. A {kind} of your own must be decorated with "
                     f"@nn.saving.register_serializable(package=...) and defined (imported) before loading, or "
                     f"passed as load_model(..., custom_objects={{{class_name!r}: {class_name}}}). "
                     f"The built-in classes are: {known}.")


def deserialize_custom(entry: dict) -> Any:
    """A function or object of your own as saved: ``{"class_name": "function", "config": name,
    "registered_name": ...}`` for a function, ``{"class_name", "config", "registered_name"}`` for
    an object rebuilt by its class's ``from_config``."""
    if entry.get("class_name") == "function":
        return find_object(str(entry.get("config")), entry.get("registered_name"), kind="function")
    cls = find_object(str(entry.get("class_name")), entry.get("registered_name"))
    return cls.from_config(dict(entry.get("config") or {}))


def serialize_custom(obj: Any) -> dict:
    """What `deserialize_custom` rebuilds `obj` from: a function by its name, an object by its
    class name and ``get_config()``; both with the name `register_serializable` gave them (or None)."""
    if isinstance(obj, type) or not hasattr(obj, "get_config"):
        name = getattr(obj, "__name__", type(obj).__name__)
        return {"class_name": "function", "config": name, "registered_name": registered_name(obj)}
    return {"class_name": type(obj).__name__, "config": obj.get_config(), "registered_name": registered_name(type(obj))}
