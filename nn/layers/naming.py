"""Where a layer's automatic name and its weights' numbers come from.

- Names: ``dense``, ``dense_1``, ... by Keras's rule (`unique_name`, `snake_case`);
  `reset_name_counters` starts them afresh, like Keras's ``clear_session()``.
- The weight budget: inside `weight_budget(n)`, `Layer.add_weight` creates at most n numbers in all
  and refuses a weight past that before allocating it (`spend_budget`), so a damaged or crafted
  model file cannot make building its model allocate terabytes.
"""
from __future__ import annotations

import contextlib
import math
import re
import threading
from collections import defaultdict
from typing import Iterator, Optional

_name_counters: defaultdict[str, int] = defaultdict(int)


def unique_name(base: str) -> str:
    """`base` the first time, then `base_1`, `base_2`, ... (Keras's automatic names)."""
    count = _name_counters[base]
    _name_counters[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset_name_counters() -> None:
    """Start automatic names afresh (`dense`, `dense_1`, ...), like Keras's clear_session()."""
    _name_counters.clear()


class WeightBudgetExceeded(ValueError):
    """A layer asked for more weight numbers than a `weight_budget` had left."""


_budget = threading.local()  # .left: weight numbers add_weight may still create (None: no budget)


@contextlib.contextmanager
def weight_budget(max_numbers: int) -> Iterator[None]:
    """Inside, `add_weight` creates at most `max_numbers` weight numbers in all (in this thread)
    and refuses, before allocating, a weight past that: loading a file builds its model so, and a
    damaged or crafted config cannot make it allocate terabytes."""
    previous = getattr(_budget, "left", None)
    _budget.left = max_numbers
    try:
        yield
    finally:
        _budget.left = previous


def spend_budget(layer_name: str, weight_name: Optional[str], shape: tuple[int, ...]) -> None:
    """Take a new weight's numbers from the `weight_budget` in force, or refuse it clearly."""
    left = getattr(_budget, "left", None)
    if left is None:
        return
    size = math.prod(shape)
    if size > left:
        raise WeightBudgetExceeded(f"layer {layer_name!r} would create the weight {weight_name or 'variable'!r} "
                                   f"of shape {shape} ({size:,} numbers) with only {left:,} left in its weight budget.")
    _budget.left = left - size


def snake_case(class_name: str) -> str:
    """"InputLayer" -> "input_layer", "Conv2D" -> "conv2d", "LeakyReLU" -> "leaky_re_lu": the
    base of a layer's automatic name, by Keras's rule (a capital starting a lower-case word, or
    following a lower-case letter, begins a new word)."""
    words = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()
