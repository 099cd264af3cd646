"""Switching graph recording on and off, per thread: context managers that also decorate, and
`set_grad_enabled`, which also works as a plain statement (as in PyTorch)."""
from __future__ import annotations

import functools
from typing import Any, Callable, Optional

import numpy as np

from autograd._state import state


class _GradModeSwitch:
    """Sets `grad_enabled` to `self.mode` inside a `with` block or a decorated function.

    As a decorator it is written with or without parentheses: ``@no_grad()`` or ``@no_grad``
    (PyTorch 2 accepts both); without them, the function itself arrives here as `func`.
    """

    mode: bool

    def __new__(cls, func: Optional[Callable] = None) -> Any:
        switch = super().__new__(cls)
        return switch if func is None else switch(func)

    def __enter__(self) -> None:
        self._previous = state.grad_enabled
        _record(self.mode)

    def __exit__(self, *exc_info: Any) -> None:
        _record(self._previous)

    def __call__(self, func: Callable) -> Callable:
        _check_decorated(func, f"@{type(self).__name__}", f"with {type(self).__name__}():")
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            previous = state.grad_enabled
            _record(mode)
            try:
                return func(*args, **kwargs)
            finally:
                _record(previous)

        return wrapper


class no_grad(_GradModeSwitch):
    """Record no graph inside: ops run on plain arrays, results need no gradient."""

    mode = False


class enable_grad(_GradModeSwitch):
    """Record the graph again inside a `no_grad` region."""

    mode = True


class set_grad_enabled:
    """Record the graph or not, as `mode` says, in three forms as in PyTorch:

    - a statement: ``set_grad_enabled(False)`` switches recording off (in this thread) until
      ``set_grad_enabled(True)`` switches it back on;
    - a ``with`` block: the mode before it returns at its end;
    - a decorator, ``@set_grad_enabled(False)``: the mode holds while the function runs (and
      making the decorator changes nothing).
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, (bool, np.bool_)) and mode not in (0, 1):
            raise TypeError(f"set_grad_enabled takes True or False, got {mode!r}.")
        self.mode = bool(mode)
        self._previous = state.grad_enabled
        _record(self.mode)

    def __enter__(self) -> None:
        pass  # the mode was set when this object was made

    def __exit__(self, *exc_info: Any) -> None:
        _record(self._previous)

    def __call__(self, func: Callable) -> Callable:
        _record(self._previous)  # decorating changes nothing outside the function
        _check_decorated(func, "@set_grad_enabled(mode)", "with set_grad_enabled(mode):")
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper


def _record(mode: bool) -> None:
    """Switch recording in this thread: the one place this module changes it."""
    state.switch(grad_enabled=mode)


def _check_decorated(func: Any, decorator: str, block: str) -> None:
    if not callable(func):
        raise TypeError(f"{decorator} decorates a function, but got {type(func).__name__}; to switch "
                        f"recording for some lines, write '{block}' above them.")


def is_grad_enabled() -> bool:
    """True when ops in this thread record the graph."""
    return state.grad_enabled


class name_scope:
    """Tag every op created inside with a scope path such as ``"model/dense_1"``.

    Pictures of the graph group ops by this path (see ``autograd.viz``).
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> str:
        self._previous = state.scope
        state.switch(scope=f"{self._previous}/{self.name}" if self._previous else self.name)
        return state.scope

    def __exit__(self, *exc_info: Any) -> None:
        state.switch(scope=self._previous)
