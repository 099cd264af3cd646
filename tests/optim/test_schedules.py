"""Learning-rate schedules: values against their formulas, configs, errors."""
import math

import pytest

from optim import schedules


def test_exponential_decay():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert [schedule(s) for s in (0, 5, 10, 20)] == pytest.approx([0.1, 0.1 * 0.5 ** 0.5, 0.05, 0.025])


def test_exponential_decay_staircase():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [schedule(s) for s in (0, 9, 10, 19, 20)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_piecewise_constant_decay_boundaries_belong_to_the_left_interval():
    schedule = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [schedule(s) for s in (0, 10, 11, 20, 21, 1000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]


def test_cosine_decay():
    schedule = schedules.CosineDecay(1.0, decay_steps=100, alpha=0.1)
    assert schedule(0) == pytest.approx(1.0)
    assert schedule(50) == pytest.approx(0.1 + 0.9 * 0.5)
    assert schedule(25) == pytest.approx(0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi / 4)))
    assert schedule(100) == pytest.approx(0.1) and schedule(500) == pytest.approx(0.1)


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.PiecewiseConstantDecay([5], [0.1, 0.01]),
    schedules.CosineDecay(0.1, 50, alpha=0.2),
], ids=lambda s: type(s).__name__)
def test_serialize_round_trip(schedule):
    rebuilt = schedules.deserialize(schedules.serialize(schedule))
    assert type(rebuilt) is type(schedule) and rebuilt.get_config() == schedule.get_config()
    assert [rebuilt(s) for s in range(0, 60, 7)] == [schedule(s) for s in range(0, 60, 7)]


@pytest.mark.parametrize("make, message", [
    (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps must be a positive"),
    (lambda: schedules.CosineDecay(0.1, -3), "decay_steps must be a positive"),
    (lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1]), "one more value than boundaries"),
    (lambda: schedules.PiecewiseConstantDecay([2, 1], [0.1, 0.2, 0.3]), "strictly increasing"),
    (lambda: schedules.deserialize({"class_name": "Linear", "config": {}}), "known ones are"),
    (lambda: schedules.serialize(lambda step: 0.1), "only LearningRateSchedule"),
])
def test_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
