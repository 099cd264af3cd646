"""Writing a model file: the config as JSON, the arrays as ``.npy`` members, in one atomic step.

Writing goes to a temporary file in the same folder that then replaces the target
(``os.replace``), so a crash mid-save leaves the previous file intact. The temporary file is
created with mode 0o666, which the process umask trims as for any new file (the umask itself is
never changed).
"""
from __future__ import annotations

import json
import os
import zipfile
from typing import Any

import numpy as np

from nn.saving.file_format import CONFIG_KEY, FORMAT, VERSION, as_path, temporary_path
from nn.saving.registry import is_built_in, registered_name


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


def _weight_specs(model: Any, arrays: dict[str, np.ndarray]) -> list[dict]:
    specs = []
    for i, weight in enumerate(model.weights):
        key = f"weights/{i:03d}"
        arrays[key] = weight.data
        specs.append({"key": key, "name": weight.name, "shape": list(weight.shape)})
    return specs


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


# ---- the file ----------------------------------------------------------------------------------
def _write_atomically(filepath: Any, config: dict, arrays: dict[str, np.ndarray]) -> None:
    path = as_path(filepath, "save")
    text = json.dumps(config, allow_nan=True)  # fails here, before any file is touched, if not JSON
    _check_destination(path)
    temp_path = temporary_path(path)
    try:
        # O_EXCL: never reuse a file; mode 0o666 trimmed by the umask, as open() would give.
        fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except PermissionError:
        raise PermissionError(f"cannot save to {path!r}: this process may not create files in the folder "
                              f"{os.path.dirname(temp_path)!r}; choose a folder you can write to.") from None
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


def _check_destination(path: str) -> None:
    """Refuse, before writing anything, a path that is a folder or lies under a missing folder or
    under a file, each with the fix."""
    if os.path.isdir(path):
        raise IsADirectoryError(f"cannot save to {path!r}: it is a folder; give a file path, e.g. "
                                f"{os.path.join(path, 'model.npz')!r}.")
    directory = os.path.dirname(os.path.abspath(path))
    existing = directory
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise NotADirectoryError(f"cannot save to {path!r}: {existing!r} is a file, not a folder, so nothing "
                                 f"can be saved under it; choose another path, or move that file away.")
    if existing != directory:
        raise FileNotFoundError(f"cannot save to {path!r}: the folder {directory!r} does not exist; "
                                f"create it first (e.g. os.makedirs).")
