"""Finding the layers inside a layer: those held in its attributes, also in lists, tuples and
dicts (``self.blocks = [Dense(8), Dense(8)]``), as Keras tracks them.

The search is remembered per layer until one of its attributes is set or one of the containers
it looked in changes (an item added, removed or replaced), so the training loop, which asks at
every step (for the losses), does not search again.
"""
from __future__ import annotations

from typing import Any

CACHE = "_tracking_cache"
# A layer's own records, which hold no inner layers: not searched.
BOOKKEEPING = frozenset({"_trainable_weights", "_non_trainable_weights", "_regularized", "_call_losses",
                         "_inbound_nodes", "_build_shapes", "input_spec", "batch_input_shape", CACHE})


def tracked_layers(owner: Any, layer_class: type) -> list:
    """The instances of `layer_class` in `owner`'s attributes and their containers, in order."""
    cache = owner.__dict__.get(CACHE)
    if cache is not None and all(_snapshot(container) == before for container, before in cache[1]):
        return list(cache[0])
    found: list = []
    containers: list[tuple[Any, tuple]] = []
    seen = {id(owner)}
    pending = [value for key, value in vars(owner).items() if key not in BOOKKEEPING]
    pending.reverse()
    while pending:
        value = pending.pop()
        if isinstance(value, layer_class):
            if id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        elif isinstance(value, (list, tuple, dict)):
            containers.append((value, _snapshot(value)))
            items = list(value.values()) if isinstance(value, dict) else list(value)
            pending.extend(reversed(items))
    owner.__dict__[CACHE] = (found, containers)
    return list(found)


def forget(owner: Any) -> None:
    """Search again next time (an attribute of `owner` was set)."""
    owner.__dict__[CACHE] = None


def flatten(root: Any, layer_class: type) -> list:
    """`root` and every layer inside it, depth first, each once."""
    ordered: list = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        ordered.append(layer)
        stack.extend(reversed(tracked_layers(layer, layer_class)))
    return ordered


def _snapshot(container: Any) -> tuple:
    """What a container holds, by identity: enough to tell that it changed."""
    if isinstance(container, dict):
        return tuple((key, id(value)) for key, value in container.items())
    return tuple(map(id, container))
