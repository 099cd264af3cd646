"""The optimizer's running state in a Keras 3 ``.keras`` archive, both ways.

The layout (measured with Keras 3.15, in ``model.weights.h5``): the group ``optimizer/vars`` holds
``0`` the step count (an integer scalar), ``1`` the learning rate (a float scalar; absent when the
learning rate is a schedule), then the optimizer's slots: one block after another, each block
giving every trainable variable (in ``model.trainable_variables`` order) its slots of that block
in turn. Adam's one block is (momentum, velocity), so its slots interleave per variable; RMSprop
has a block per slot (all velocities, then all momentums, then all average gradients). A few
optimizers keep numbers shared by all variables after the slots (Nadam's ``u_product``).
A compiled model that never trained writes only ``0`` and ``1`` (Keras builds the slots on the
first step).

`SLOT_BLOCKS` is the per-optimizer table: for the optimizer's settings, the blocks, each a tuple
of ``(Keras's slot name, our state key)``; `SHARED_NUMBERS` the numbers Keras keeps once where we
keep one per parameter. An optimizer not in the table keeps today's behaviour: no state in the
file when writing, a fresh state (with a warning naming it) when reading.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from nn.interop import keras_walk

Block = tuple[tuple[str, str], ...]  # (Keras's slot name, our state key), per trainable variable
VARS = "optimizer/vars"


def _adam_blocks(hyper: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [(("momentum", "momentum"), ("velocity", "velocity"))]
    if hyper.get("amsgrad"):
        blocks.append((("velocity_hat", "velocity_max"),))
    return blocks


def _rmsprop_blocks(hyper: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [(("velocity", "velocity"),)]
    if hyper["momentum"]:
        blocks.append((("momentum", "momentum"),))
    if hyper["centered"]:
        blocks.append((("average_gradient", "average_gradient"),))
    return blocks


SLOT_BLOCKS: dict[str, Callable[[dict[str, Any]], list[Block]]] = {
    "Adam": _adam_blocks, "AdamW": _adam_blocks,
    "Adamax": lambda hyper: [(("momentum", "momentum"), ("norm", "norm"))],
    "Nadam": lambda hyper: [(("momentum", "momentum"), ("velocity", "velocity"))],
    "SGD": lambda hyper: [(("momentum", "velocity"),)] if hyper["momentum"] else [],
    "RMSprop": _rmsprop_blocks,
    "Adagrad": lambda hyper: [(("accumulator", "accumulator"),)],
}
# Numbers Keras keeps once per optimizer, after the slots, where we keep one per parameter.
SHARED_NUMBERS: dict[str, tuple[tuple[str, str], ...]] = {"Nadam": (("u_product", "momentum_product"),)}


def _is_mapped(optimizer: Any) -> bool:
    return type(optimizer).__name__ in SLOT_BLOCKS and len(optimizer.param_groups) <= 1


def _layout(optimizer: Any, params: list[Any]) -> list[tuple[str, Any, str]]:
    """``(Keras's variable name, parameter or None, our state key or "")`` for each variable, in
    the file's order; `params` empty gives Keras's layout before the first step."""
    owner = type(optimizer).__name__
    layout: list[tuple[str, Any, str]] = [("iteration", None, "")]
    if not callable(optimizer.defaults["lr"]):
        layout.append(("learning_rate", None, ""))
    if not params:
        return layout
    for block in SLOT_BLOCKS[owner](optimizer.defaults):
        for p in params:
            layout.extend((f"{p.name} {slot}", p, key) for slot, key in block)
    layout.extend((slot, None, key) for slot, key in SHARED_NUMBERS.get(owner, ()))
    return layout


def _states(optimizer: Any, params: list[Any]) -> dict[int, dict[str, Any]]:
    """Every parameter's state, the initial one (as the first step would make it) where it has none."""
    group = optimizer.param_groups[0] if optimizer.param_groups else optimizer.defaults
    return {id(p): optimizer.state.get(p) or optimizer.init_state(p.data, group) for p in params}


# ---- writing -----------------------------------------------------------------------------------------
def write(file: Any, model: Any) -> None:
    """Write the running state of `model`'s optimizer (if compiled) into the open h5py File `file`."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return
    if not _is_mapped(optimizer):
        warnings.warn(f"{type(optimizer).__name__} {optimizer.name!r}: its running state is not written to the "
                      f".keras file (no Keras layout for this optimizer or for several parameter groups), so "
                      f"training resumed from this file starts it afresh; save to a .npz path to keep it.",
                      stacklevel=3)
        return
    params = list(model.trainable_weights) if optimizer.param_groups else []
    states = _states(optimizer, params)
    group = file.create_group(VARS)
    group.attrs["name"] = keras_walk.snake_case(type(optimizer).__name__)
    for i, (name, p, key) in enumerate(_layout(optimizer, params)):
        if name == "iteration":
            value: Any = np.asarray(optimizer.iterations, dtype=np.int32)
        elif name == "learning_rate":
            value = np.asarray(optimizer.learning_rate, dtype=np.float32)
        elif p is None:  # a shared number: every parameter holds the same one
            value = np.asarray(states[id(params[0])][key], dtype=np.float32)
        else:
            value = np.asarray(states[id(p)][key])
        group.create_dataset(str(i), data=value)


# ---- reading -----------------------------------------------------------------------------------------
def read(file: Any, model: Any, source: str) -> None:
    """Restore `model`'s optimizer (compiled, its weights attached) from the open h5py File `file`.

    A file without optimizer variables, or one written before the first step, leaves the fresh
    state; an optimizer without a Keras layout here, or a count of variables that does not fit
    (Keras then skips loading too), leaves it with a warning; a variable of the wrong shape or
    kind is a ValueError naming it.
    """
    optimizer = getattr(model, "optimizer", None)
    holder = file.get(VARS.split("/")[0])
    group = holder.get("vars") if hasattr(holder, "keys") else None
    if optimizer is None or group is None:
        return
    if not hasattr(group, "keys"):
        raise ValueError(f"{source!r} holds an array where the group of the optimizer's variables ({VARS!r}) "
                         f"should be; the file is damaged.")
    owner = type(optimizer).__name__
    if not _is_mapped(optimizer):
        warnings.warn(f"{source!r}: the running state of {owner} {optimizer.name!r} is not read from a .keras "
                      f"file (no Keras layout for it here), so it starts afresh.", stacklevel=3)
        return
    params = [p for g in optimizer.param_groups for p in g["params"]]
    layout = _layout(optimizer, params)
    count = len(group.keys())
    if count != len(layout):
        if count == len(_layout(optimizer, [])) and _iteration(group, source, owner) == 0:
            return  # saved before the first step: the fresh state is the saved one
        warnings.warn(f"{source!r}: the optimizer {owner} {optimizer.name!r} keeps {len(layout)} variables with "
                      f"these settings and weights, but the file holds {count}; it starts afresh (as Keras does). "
                      f"Compile with the optimizer settings the file was saved with to resume its state.",
                      stacklevel=3)
        return
    values = [_array(group, i, name, p, source, owner) for i, (name, p, _) in enumerate(layout)]
    iterations = int(values[0])
    if iterations < 0:
        raise ValueError(f"{source!r}: optimizer variable 0 (iteration) of {owner} is {iterations}, but a step "
                         f"count is >= 0; the file is damaged or edited.")
    state: dict[int, dict[str, Any]] = {i: {} for i in range(len(params))}
    index = {id(p): i for i, p in enumerate(params)}
    for (name, p, key), value in zip(layout[1:], values[1:]):
        if p is not None:
            state[index[id(p)]][key] = value
        elif key:  # a shared number: each parameter keeps its own copy
            for own in state.values():
                own[key] = float(value)
    saved = optimizer.state_dict()
    optimizer.load_state_dict({"state": state, "param_groups": saved["param_groups"], "iterations": iterations})
    if layout[1][0] == "learning_rate" and np.float32(optimizer.learning_rate) != values[1]:
        optimizer.learning_rate = float(values[1])  # changed during training (e.g. by ReduceLROnPlateau)


def _iteration(group: Any, source: str, owner: str) -> int:
    return int(_array(group, 0, "iteration", None, source, owner))


def _array(group: Any, i: int, name: str, p: Any, source: str, owner: str) -> np.ndarray:
    """Variable `i` checked for kind and shape (before reading it, so a huge one is never loaded)."""
    item = group.get(str(i))
    where = f"{source!r}: optimizer variable {i} ({name!r}) of {owner}"
    if item is None or not hasattr(item, "dtype"):
        raise ValueError(f"{where} is missing or not an array; the file is damaged.")
    if not np.issubdtype(item.dtype, np.number):
        raise ValueError(f"{where} holds {item.dtype} values, not numbers; the file is damaged.")
    shape = () if p is None else tuple(p.shape)
    if tuple(item.shape) != shape:
        raise ValueError(f"{where} has shape {tuple(item.shape)}, but {shape} was expected"
                         + ("" if p is None else f" (the shape of weight {p.name!r})")
                         + "; the file was saved with other weights or optimizer settings, or edited. Load it "
                           "with compile=False and compile afresh.")
    value = np.asarray(item[()])
    return value if p is None else value.astype(p.data.dtype)
