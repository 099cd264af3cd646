"""The classes and functions a saved file may name, as Keras's loading looks them up.

Loading builds only what is in these tables, so a file can name a class but never run code of its
choosing. Built-in layers and models are known by class name (they enter the table when defined);
your own classes and functions by ``"package>name"``, once decorated with
`register_serializable` (Keras's ``register_keras_serializable``), or for one load through
``custom_objects=`` (`custom_object_scope`).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping, Optional, TypeVar

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
