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
import numbers
from typing import Any, Optional, Sequence


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


def _check_numbers(schedule: str, **values: Any) -> None:
    """Each of `values` (argument name -> value) is a real number, or a TypeError naming it."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{schedule}: {name} must be a number, but got {value!r}.")


def _check_decay_steps(schedule: str, decay_steps: int) -> None:
    _check_numbers(schedule, decay_steps=decay_steps)
    if decay_steps <= 0:
        raise ValueError(f"{schedule}: decay_steps must be a positive number of steps, "
                         f"but got {decay_steps}.")


class _RateDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share (Keras gives both the same arguments):
    the checks, the config, and the progress ``step / decay_steps``, floored with
    ``staircase=True`` so the rate drops in steps every `decay_steps` updates."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: Optional[str] = None) -> None:
        schedule = type(self).__name__
        _check_decay_steps(schedule, decay_steps)
        _check_numbers(schedule, initial_learning_rate=initial_learning_rate)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or schedule

    def progress(self, step: int) -> float:
        progress = step / self.decay_steps
        return math.floor(progress) if self.staircase else progress

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)`` (the exponent
    floored with ``staircase=True``)."""

    def __call__(self, step: int) -> float:
        return self.initial_learning_rate * self.decay_rate ** self.progress(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary.
    """

    def __init__(self, boundaries: Sequence[int], values: Sequence[float],
                 name: str = "PiecewiseConstant") -> None:
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
        self.name = name

    def __call__(self, step: int) -> float:
        interval = sum(step > boundary for boundary in self.boundaries)
        return self.values[interval]

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Half a cosine from `initial_learning_rate` down to ``alpha * initial_learning_rate``:

    ``lr(step) = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)``
    with ``s = min(step, decay_steps)``.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay") -> None:
        _check_decay_steps("CosineDecay", decay_steps)
        _check_numbers("CosineDecay", initial_learning_rate=initial_learning_rate)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name

    def __call__(self, step: int) -> float:
        progress = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name}


class InverseTimeDecay(_RateDecay):
    """``lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (the quotient
    floored with ``staircase=True``)."""

    def __call__(self, step: int) -> float:
        return self.initial_learning_rate / (1.0 + self.decay_rate * self.progress(step))


class PolynomialDecay(LearningRateSchedule):
    """From `initial_learning_rate` to `end_learning_rate` along ``(1 - s / decay_steps) ** power``:

    ``lr(step) = (initial_learning_rate - end_learning_rate) * (1 - s / d) ** power + end_learning_rate``

    with ``s = min(step, decay_steps)`` and ``d = decay_steps``. With ``cycle=True`` the decay
    starts again instead of staying at the end: ``s = step`` and ``d`` is the first multiple of
    `decay_steps` that is at least `step` (``decay_steps`` itself at step 0).
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: str = "PolynomialDecay") -> None:
        _check_decay_steps("PolynomialDecay", decay_steps)
        _check_numbers("PolynomialDecay", initial_learning_rate=initial_learning_rate)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: int) -> float:
        if self.cycle:
            period = self.decay_steps * max(1, math.ceil(step / self.decay_steps))
        else:
            step, period = min(step, self.decay_steps), self.decay_steps
        fraction_left = 1.0 - step / period
        return ((self.initial_learning_rate - self.end_learning_rate) * fraction_left ** self.power
                + self.end_learning_rate)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power,
                "cycle": self.cycle, "name": self.name}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter, 2017).

    Period ``i`` (from 0) lasts ``first_decay_steps * t_mul**i`` steps and starts at
    ``initial_learning_rate * m_mul**i``; within it, with ``f`` the fraction of the period done,
    ``lr = initial_learning_rate * ((1 - alpha) * m_mul**i * 0.5 * (1 + cos(pi * f)) + alpha)``.
    With ``x = step / first_decay_steps``: ``i = floor(x)`` and ``f = x - i`` when ``t_mul == 1``,
    else ``i = floor(log(1 - x (1 - t_mul)) / log(t_mul))`` and
    ``f = (x - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i``.
    """

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: str = "SGDRDecay") -> None:
        if first_decay_steps <= 0:
            raise ValueError(f"CosineDecayRestarts: first_decay_steps must be a positive number of "
                             f"steps, but got {first_decay_steps}.")
        if t_mul <= 0:
            raise ValueError(f"CosineDecayRestarts: t_mul multiplies each period's length and must "
                             f"be positive, but got {t_mul}.")
        _check_numbers("CosineDecayRestarts", initial_learning_rate=initial_learning_rate)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _period_and_fraction(self, step: int) -> tuple[int, float]:
        done = step / self.first_decay_steps  # in units of the first period
        if self.t_mul == 1.0:
            period = math.floor(done)
            return period, done - period
        period = math.floor(math.log(1.0 - done * (1.0 - self.t_mul)) / math.log(self.t_mul))
        steps_before = (1.0 - self.t_mul ** period) / (1.0 - self.t_mul)
        return period, (done - steps_before) / self.t_mul ** period

    def __call__(self, step: int) -> float:
        period, fraction = self._period_and_fraction(step)
        cosine = 0.5 * self.m_mul ** period * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, CosineDecay,
                                            InverseTimeDecay, PolynomialDecay, CosineDecayRestarts)}


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
