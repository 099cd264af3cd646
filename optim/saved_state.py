"""The shape of a state dict that `Optimizer.load_state_dict` accepts, checked before any of it
is used, so a damaged or hand-edited one fails with a sentence instead of a KeyError."""
from __future__ import annotations

import numbers
import reprlib
from typing import Any

import numpy as np


def check_state_dict(state_dict: Any, param_count: int, owner: str) -> None:
    """Raise a ValueError naming the first part of `state_dict` that `state_dict()` would never
    have written, for an optimizer with `param_count` parameters."""
    def refuse(part: str, expected: str, got: Any) -> None:
        shown = reprlib.repr(got)
        raise ValueError(f"{owner}.load_state_dict: {part} should be {expected}, but is {shown}; pass what "
                         f"state_dict() returned.")

    if not isinstance(state_dict, dict) or not {"state", "param_groups", "iterations"} <= set(state_dict):
        refuse("the state dict", "a dict with 'state', 'param_groups' and 'iterations'", state_dict)
    iterations = state_dict["iterations"]
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
        refuse("'iterations'", "a non-negative integer", iterations)
    if not isinstance(state_dict["state"], dict):
        refuse("'state'", "a dict from parameter index to that parameter's state", state_dict["state"])
    for key, saved in state_dict["state"].items():
        index = int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else key
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < param_count:
            refuse("a key of 'state'", f"a parameter index from 0 to {param_count - 1}", key)
        if not isinstance(saved, dict):
            refuse(f"'state'[{key!r}]", "a dict of that parameter's arrays and numbers", saved)
    groups = state_dict["param_groups"]
    if not isinstance(groups, list) or not all(isinstance(g, dict) and isinstance(g.get("params"), list)
                                               for g in groups):
        refuse("'param_groups'", "a list of dicts, each with a 'params' list", groups)


def check_parameter_state(saved: dict, expected: dict, owner: str, index: Any) -> None:
    """Raise a ValueError unless the saved state of parameter `index` has the entries of
    `expected` (what the optimizer's init_state makes), arrays (or nested lists, after JSON)
    where it has arrays and numbers where it has numbers."""
    if set(saved) != set(expected):
        raise ValueError(f"{owner}.load_state_dict: the state of parameter {index} holds {sorted(saved)}, but "
                         f"{owner} with these hyperparameters keeps {sorted(expected)}; load it into the "
                         "optimizer that saved it.")
    for name, value in saved.items():
        wanted_array = isinstance(expected[name], np.ndarray)
        fits = (isinstance(value, (np.ndarray, list)) if wanted_array else
                isinstance(value, numbers.Real) and not isinstance(value, bool))
        if not fits:
            raise ValueError(f"{owner}.load_state_dict: the state {name!r} of parameter {index} should be "
                             f"{'an array' if wanted_array else 'a number'}, but is {reprlib.repr(value)}; pass "
                             "what state_dict() returned.")
