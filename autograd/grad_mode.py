"""Context managers (and decorators) that switch graph recording on and off, per thread."""
from __future__ import annotations

import functools
from typing import Any, Callable

from autograd._state import state


class _GradModeSwitch:
    """Sets `grad_enabled` to `self.mode` inside a `with` block or a decorated function."""

    mode: bool

    def __enter__(self) -> None:
        self._previous = state.grad_enabled
        state.switch(grad_enabled=self.mode)

    def __exit__(self, *exc_info: Any) -> None:
        state.switch(grad_enabled=self._previous)

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper


class no_grad(_GradModeSwitch):
    """Record no graph inside: ops run on plain arrays, results need no gradient."""

    mode = False


class enable_grad(_GradModeSwitch):
    """Record the graph again inside a `no_grad` region."""

    mode = True


class set_grad_enabled(_GradModeSwitch):
    """Record the graph or not, as `mode` says."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    def __call__(self, func: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper


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
