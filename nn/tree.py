"""Nested structures of values, walked as Keras's `keras.tree` walks them.

A structure is a leaf, or a list, tuple or dict of structures; anything else (an array, a
Tensor, a KerasTensor, a number, None) is a leaf. Dicts are walked in insertion order. Layers
take and return structures (a merge layer takes a list), and so do models with several inputs
or outputs.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence


def is_nested(value: Any) -> bool:
    """True for a list, tuple or dict (a structure with parts), False for a leaf."""
    return isinstance(value, (list, tuple, dict))


def _parts(structure: Any) -> list:
    return list(structure.values()) if isinstance(structure, dict) else list(structure)


def _rebuild(structure: Any, parts: Sequence[Any]) -> Any:
    """A container of `structure`'s kind (and keys) holding `parts`."""
    if isinstance(structure, dict):
        return dict(zip(structure.keys(), parts))
    return tuple(parts) if isinstance(structure, tuple) else list(parts)


def flatten(structure: Any) -> list:
    """The leaves of `structure`, depth first: ``flatten([a, {"b": b, "c": (c, d)}]) == [a, b, c, d]``."""
    return list(_leaves(structure))


def _leaves(structure: Any) -> Iterator[Any]:
    if not is_nested(structure):
        yield structure
        return
    for part in _parts(structure):
        yield from _leaves(part)


def map_structure(fn: Callable[..., Any], *structures: Any) -> Any:
    """`fn` applied to the leaves of one or more structures of the same shape, in that shape."""
    first = structures[0]
    if not is_nested(first):
        return fn(*structures)
    for other in structures[1:]:
        if not _same_container(first, other):
            raise ValueError(f"the structures differ: {describe(first)} and {describe(other)}.")
    columns = zip(*(_parts(s) for s in structures))
    return _rebuild(first, [map_structure(fn, *column) for column in columns])


def _same_container(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b)
    return isinstance(b, (list, tuple)) and len(a) == len(b)


def pack_sequence_as(structure: Any, flat: Sequence[Any]) -> Any:
    """The leaves `flat` (as `flatten` lists them) put back into the shape of `structure`."""
    leaves = iter(flat)
    packed = map_structure(lambda _: next(leaves), structure)
    if next(leaves, _END) is not _END:
        raise ValueError(f"pack_sequence_as: more values than the {len(flatten(structure))} leaves of "
                         f"{describe(structure)}.")
    return packed


_END = object()


def is_shape(value: Any) -> bool:
    """True for a shape: a tuple (or list) of ints and Nones, such as ``(None, 64)``."""
    return isinstance(value, (tuple, list)) and all(n is None or (isinstance(n, int) and not isinstance(n, bool))
                                                      for n in value)


def map_shape_structure(fn: Callable[[tuple], Any], structure: Any) -> Any:
    """`fn` applied to each shape of a structure of shapes (a shape is a leaf here, not a list)."""
    if is_shape(structure):
        return fn(tuple(structure))
    if isinstance(structure, dict):
        return {key: map_shape_structure(fn, value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_shape_structure(fn, value) for value in structure)
    raise ValueError(f"expected a shape such as (None, 64), or a list or dict of shapes, got {structure!r}.")


def flatten_shapes(structure: Any) -> list[tuple]:
    """The shapes of a structure of shapes, in order (a shape counts as one leaf)."""
    if is_shape(structure):
        return [tuple(structure)]
    parts = structure.values() if isinstance(structure, dict) else structure
    return [shape for part in parts for shape in flatten_shapes(part)]


def describe(structure: Any) -> str:
    """A short picture of a structure for messages: ``[array(32, 4), {'b': array(32, 2)}]``."""
    if isinstance(structure, dict):
        return "{" + ", ".join(f"{key!r}: {describe(value)}" for key, value in structure.items()) + "}"
    if isinstance(structure, (list, tuple)):
        inner = ", ".join(describe(value) for value in structure)
        return f"[{inner}]" if isinstance(structure, list) else f"({inner})"
    shape = getattr(structure, "shape", None)
    return f"{type(structure).__name__}{tuple(shape)}" if shape is not None else type(structure).__name__
