"""Keras 3's ``.weights.h5`` layout, read and written with h5py.

The layout (measured with Keras 3.15): one HDF5 group per layer, named by the snake-case class
name and numbered by class order in the model (``dense``, ``dense_1``, ...; not by ``layer.name``),
holding ``vars/0``, ``vars/1``, ... in the layer's weight order. Recurrent layers keep their
arrays in their cell (``layers/lstm/cell/vars``); MultiHeadAttention in four sublayers
(``query_dense``, ``key_dense``, ``value_dense``, ``output_dense``). Every ``vars`` group carries a
``name`` attribute; the model's own (empty) ``vars`` group sits at the root.

Models inside models, functional models and models written as classes are filed by the walk in
`keras_walk` (e.g. ``layers/sequential/layers/dense/vars``).

`WEIGHT_GROUPS` is the per-layer table (class name -> the function that splits a layer's
weights into groups); `keras_walk.saved_layers` is the walk over a model's layers.
"""
from __future__ import annotations

import io
import os
import zipfile
from typing import Any, Callable

import numpy as np

import autograd as ag
from nn.interop import files, keras_walk, optional

PURPOSE = "Reading and writing Keras .weights.h5 files"
ARCHIVE_WEIGHTS = "model.weights.h5"  # the weights' member in a .keras archive
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
# Groups Keras writes beside the layers that hold training state, not weights: not read, not refused.
TRAINING_STATE_GROUPS = {"optimizer"}
Groups = dict[str, list[ag.Tensor]]  # "vars", "cell/vars", "query_dense/vars" -> the arrays there


# ---- per layer: which arrays sit in which group ------------------------------------------------------
def own_weights(layer: Any) -> Groups:
    """Most layers: every weight in the layer's own ``vars``, in creation order."""
    return {"vars": list(layer.weights)}


def cell_weights(layer: Any) -> Groups:
    """SimpleRNN, LSTM, GRU: the arrays live in the cell (kernel, recurrent_kernel, bias)."""
    return {"vars": [], "cell/vars": list(layer.weights)}


ATTENTION_PARTS = {"query": "query_dense", "key": "key_dense", "value": "value_dense",
                   "attention_output": "output_dense"}


def attention_weights(layer: Any) -> Groups:
    """MultiHeadAttention: kernel and bias of each of its four projections."""
    groups: Groups = {"vars": []}
    for part, sublayer in ATTENTION_PARTS.items():
        groups[f"{sublayer}/vars"] = [w for w in layer.weights if w.name.split("/")[-2] == part]
    return groups


def bidirectional_weights(layer: Any) -> Groups:
    """Bidirectional: each direction's layer in ``forward_layer`` / ``backward_layer``, with its cell."""
    groups: Groups = {"vars": []}
    for direction in ("forward_layer", "backward_layer"):
        for path, weights in weight_groups(getattr(layer, direction)).items():
            groups[f"{direction}/{path}"] = weights
    return groups


WEIGHT_GROUPS: dict[str, Callable[[Any], Groups]] = {
    "SimpleRNN": cell_weights, "LSTM": cell_weights, "GRU": cell_weights,
    "MultiHeadAttention": attention_weights, "Bidirectional": bidirectional_weights,
}
NOT_IN_KERAS_LAYOUT = {"RNN"}  # a generic RNN's cell may be any layer: not mapped yet


def weight_groups(layer: Any) -> Groups:
    """The groups of `layer`'s weights as Keras files them, relative to the layer's group."""
    class_name = type(layer).__name__
    if class_name in NOT_IN_KERAS_LAYOUT:
        raise ValueError(f"layer {layer.name!r} ({class_name}) cannot be stored in Keras's .weights.h5 layout "
                         f"yet; save this model with a .npz path (our own format) instead.")
    return WEIGHT_GROUPS.get(class_name, own_weights)(layer)


def own_vars(layer: Any) -> Groups:
    """A model, or a layer of your own holding layers: only the weights it made itself sit in its
    ``vars`` (its inner layers have groups of their own)."""
    return {"vars": layer._trainable_weights + layer._non_trainable_weights}


def groups_of(layer: Any) -> Groups:
    """Where `layer`'s own arrays sit, relative to the layer's group."""
    return own_vars(layer) if keras_walk.files_inner_layers(layer) else weight_groups(layer)


# ---- writing and reading ---------------------------------------------------------------------------
def write(file: Any, model: Any) -> None:
    """Write `model`'s weights into the open h5py File `file` in Keras's layout."""
    for path, layer in keras_walk.saved_layers(model):
        for vars_path, weights in groups_of(layer).items():
            vars_group = file.create_group(keras_walk.join(path, vars_path))
            owner = vars_path.rsplit("/", 1)[0] if "/" in vars_path else None
            vars_group.attrs["name"] = layer.name if owner is None else f"{layer.name}_{owner}"
            for i, weight in enumerate(weights):
                vars_group.create_dataset(str(i), data=np.asarray(weight.data))


def read(file: Any, model: Any, source: str) -> None:
    """Set `model`'s weights from the open h5py File `file`, checking every layer, count and shape."""
    saved = keras_walk.saved_layers(model)
    _refuse_extra_groups(file, model, saved, source)
    values: list[tuple[ag.Tensor, np.ndarray]] = []
    for path, layer in saved:
        for vars_path, weights in groups_of(layer).items():
            values.extend(_read_group(file, keras_walk.join(path, vars_path), layer, weights, source))
    for weight, array in values:  # only once every array fits: a bad file changes nothing
        weight.data = array  # copied into the weight's array


def _refuse_extra_groups(file: Any, model: Any, saved: list[tuple[str, Any]], source: str) -> None:
    """A group the model has no layer for means another architecture: say which, before reading."""
    expected: dict[str, set[str]] = {"": set(TRAINING_STATE_GROUPS)}
    for path, layer in saved:
        for vars_path in groups_of(layer):
            parts = keras_walk.join(path, vars_path).split("/")
            for depth, part in enumerate(parts):
                expected.setdefault("/".join(parts[:depth]), set()).add(part)
    for parent, names in expected.items():
        group = file if parent == "" else file.get(parent)
        if group is None or not hasattr(group, "keys"):
            continue
        extra = sorted(set(group.keys()) - names)
        if extra:
            where = "" if parent == "" else f" (in its group {parent!r})"
            raise ValueError(f"{source!r} holds weights for layers {extra}{where} that model {model.name!r} does not "
                             f"have (its layers are {[layer.name for layer in model.layers]}); load it into a model "
                             f"with the same layers in the same order.")


def _read_group(file: Any, path: str, layer: Any, weights: list[ag.Tensor], source: str) -> list:
    where = f"layer {layer.name!r} ({type(layer).__name__}, stored under {path!r})"
    if path not in file:
        if not weights:
            return []
        raise ValueError(f"{source!r} has no weights for {where}; the file was saved from a model with "
                         f"different layers.")
    group = file[path]
    if not hasattr(group, "keys"):
        raise ValueError(f"{source!r} holds an array where the group of {where} should be; the file is damaged.")
    if len(group.keys()) != len(weights):
        raise ValueError(f"{source!r} holds {len(group.keys())} arrays for {where}, which has {len(weights)} "
                         f"({', '.join(w.name for w in weights) or 'none'}); the architectures differ.")
    pairs = []
    for i, weight in enumerate(weights):
        item = group.get(str(i))
        if item is None or not hasattr(item, "dtype"):
            raise ValueError(f"{source!r} is missing array {i} of {where}; it may be damaged.")
        if tuple(item.shape) != weight.shape:  # checked before reading, so a huge array is never loaded
            raise ValueError(f"{source!r}: array {i} of {where} has shape {tuple(item.shape)} but the layer's "
                             f"weight {weight.name!r} has shape {weight.shape}; the architectures differ.")
        if not np.issubdtype(item.dtype, np.number):
            raise ValueError(f"{source!r}: array {i} of {where} holds {item.dtype} values, not numbers; "
                             f"it is not a weights file.")
        pairs.append((weight, np.asarray(item[()]).astype(weight.data.dtype)))
    return pairs


def stored_numbers(file: Any) -> int:
    """How many numbers the arrays of the open h5py File `file` hold (read from their shapes only)."""
    sizes: list[int] = []
    file.visititems(lambda _, item: sizes.append(int(getattr(item, "size", 0) or 0)))
    return sum(sizes)


def is_hdf5(filepath: Any) -> bool:
    """Whether `filepath` starts with the HDF5 signature (checked without h5py)."""
    with open(filepath, "rb") as file:
        return file.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE


def is_keras_file(filepath: Any) -> bool:
    """Whether `filepath` exists and is a Keras weights file (HDF5) or a Keras ``.keras`` archive."""
    if not os.path.isfile(filepath):
        return False
    if is_hdf5(filepath):
        return True
    if not zipfile.is_zipfile(filepath):
        return False
    with zipfile.ZipFile(filepath) as archive:
        return ARCHIVE_WEIGHTS in archive.namelist()


def save_weights(model: Any, filepath: Any) -> None:
    """Write `model`'s weights to `filepath` in Keras 3's ``.weights.h5`` layout."""
    h5py = optional.h5py(PURPOSE)
    with files.replaced_atomically(filepath) as temp_path:
        with h5py.File(temp_path, "w") as file:
            write(file, model)


def load_weights(model: Any, filepath: Any) -> None:
    """Read a Keras 3 ``.weights.h5`` file or the weights of a ``.keras`` archive (written by Keras or
    by chainrule) into `model`."""
    h5py = optional.h5py(PURPOSE)
    source: Any = filepath
    if zipfile.is_zipfile(filepath):
        with zipfile.ZipFile(filepath) as archive:
            source = io.BytesIO(archive.read(ARCHIVE_WEIGHTS))
    with h5py.File(source, "r") as file:
        read(file, model, str(filepath))
