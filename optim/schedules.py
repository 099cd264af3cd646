"""Learning-rate schedules: callables from the optimizer's step count to a learning rate.

Pass one as ``learning_rate=`` to any optimizer; it is evaluated before every update at the
optimizer's ``iterations`` (0 for the first update), as in Keras. Any plain callable
``step -> lr`` works too, but only `LearningRateSchedule` subclasses can be saved.

Example:
    >>> schedule = ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    >>> schedule(100)
    0.05
"""
from __future__ import annotations

import math
from typing import Any, Sequence


class LearningRateSchedule:
    """Base class: subclasses define ``__call__(step) -> float`` and ``get_config()``.

    ``from_config(schedule.get_config())`` rebuilds an equal schedule.
    """

    def __call__(self, step: int) -> float:
        raise NotImplementedError(
            f"the schedule {type(self).__name__} must define __call__(self, step) returning "
            "the learning rate for that step.")

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"the schedule {type(self).__name__} must define get_config() to be saved.")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "LearningRateSchedule":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _check_decay_steps(schedule: str, decay_steps: int) -> None:
    if decay_steps <= 0:
        raise ValueError(f"{schedule}: decay_steps must be a positive number of steps, "
                         f"but got {decay_steps}.")


class ExponentialDecay(LearningRateSchedule):
    """``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(step / decay_steps)``, so the rate drops
    in steps every `decay_steps` updates.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False) -> None:
        _check_decay_steps("ExponentialDecay", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase

    def __call__(self, step: int) -> float:
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return self.initial_learning_rate * self.decay_rate ** exponent

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary.
    """

    def __init__(self, boundaries: Sequence[int], values: Sequence[float]) -> None:
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"PiecewiseConstantDecay needs one more value than boundaries (a value for each "
                f"interval), but got {len(boundaries)} boundaries {boundaries} and "
                f"{len(values)} values {values}.")
        if any(later <= earlier for earlier, later in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay needs strictly increasing boundaries, "
                             f"but got {boundaries}.")
        self.boundaries = boundaries
        self.values = values

    def __call__(self, step: int) -> float:
        interval = sum(step > boundary for boundary in self.boundaries)
        return self.values[interval]

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values}


class CosineDecay(LearningRateSchedule):
    """Half a cosine from `initial_learning_rate` down to ``alpha * initial_learning_rate``:

    ``lr(step) = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)``
    with ``s = min(step, decay_steps)``.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0) -> None:
        _check_decay_steps("CosineDecay", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha

    def __call__(self, step: int) -> float:
        progress = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha}


_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, CosineDecay)}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}``: plain data that `deserialize` turns back into it."""
    if not isinstance(schedule, LearningRateSchedule):
        raise TypeError(
            f"only LearningRateSchedule objects can be saved, but the learning rate is "
            f"{schedule!r}; write it as a LearningRateSchedule subclass with get_config().")
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict[str, Any]) -> LearningRateSchedule:
    """The schedule that `serialize` described."""
    name = config.get("class_name")
    if name not in _SCHEDULES:
        raise ValueError(f"unknown learning-rate schedule {name!r}; the known ones are "
                         f"{sorted(_SCHEDULES)}.")
    return _SCHEDULES[name].from_config(config["config"])
