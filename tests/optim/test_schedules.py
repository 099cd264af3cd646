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


def test_inverse_time_decay():
    schedule = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert [schedule(s) for s in (0, 5, 10, 30)] == pytest.approx([0.1, 0.1 / 1.25, 0.1 / 1.5, 0.1 / 2.5])


def test_inverse_time_decay_staircase():
    schedule = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [schedule(s) for s in (0, 9, 10, 19, 20)] == pytest.approx([0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5, 0.05])


def test_polynomial_decay_reaches_the_end_rate_and_stays():
    linear = schedules.PolynomialDecay(0.1, decay_steps=20)
    assert linear.end_learning_rate == 0.0001 and linear.power == 1.0  # Keras's defaults
    assert [linear(s) for s in (0, 5, 20, 100)] == pytest.approx(
        [0.1, 0.0001 + 0.0999 * 0.75, 0.0001, 0.0001])
    root = schedules.PolynomialDecay(0.1, 20, end_learning_rate=0.01, power=0.5)
    assert root(5) == pytest.approx(0.09 * 0.75 ** 0.5 + 0.01)


def test_polynomial_decay_cycle_restarts_over_the_next_multiple_of_decay_steps():
    schedule = schedules.PolynomialDecay(0.1, 20, end_learning_rate=0.01, power=2.0, cycle=True)
    # step 0 -> period 20; step 20 -> period 20 (ends at the end rate); step 30 -> period 40
    assert schedule(0) == pytest.approx(0.1)
    assert schedule(20) == pytest.approx(0.01)
    assert schedule(30) == pytest.approx(0.09 * (1 - 30 / 40) ** 2 + 0.01)
    assert schedule(41) == pytest.approx(0.09 * (1 - 41 / 60) ** 2 + 0.01)


def sgdr(step, initial, first, t_mul, m_mul, alpha):
    """SGDR written from the paper: walk the periods one by one."""
    start, length, height = 0.0, float(first), 1.0
    while step >= start + length:
        start, length, height = start + length, length * t_mul, height * m_mul
    fraction = (step - start) / length
    return initial * ((1 - alpha) * height * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


@pytest.mark.parametrize("t_mul, m_mul, alpha", [(2.0, 1.0, 0.0), (1.0, 0.5, 0.1), (3.0, 0.8, 0.05),
                                                 (1.5, 0.8, 0.0)])
def test_cosine_decay_restarts_matches_period_by_period_walk(t_mul, m_mul, alpha):
    schedule = schedules.CosineDecayRestarts(0.1, 7, t_mul=t_mul, m_mul=m_mul, alpha=alpha)
    steps = range(0, 200)
    assert [schedule(s) for s in steps] == pytest.approx([sgdr(s, 0.1, 7, t_mul, m_mul, alpha) for s in steps])


def test_cosine_decay_restarts_restarts():
    schedule = schedules.CosineDecayRestarts(1.0, first_decay_steps=10)  # t_mul=2: periods 10, 20, 40
    assert schedule(0) == pytest.approx(1.0) and schedule(5) == pytest.approx(0.5)
    assert schedule(10) == pytest.approx(1.0) and schedule(20) == pytest.approx(0.5)
    assert schedule(30) == pytest.approx(1.0)
    assert schedule.get_config()["name"] == "SGDRDecay"


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.PiecewiseConstantDecay([5], [0.1, 0.01]),
    schedules.CosineDecay(0.1, 50, alpha=0.2),
    schedules.InverseTimeDecay(0.1, 10, 0.5, staircase=True, name="inverse"),
    schedules.PolynomialDecay(0.1, 20, 0.01, power=2.0, cycle=True),
    schedules.CosineDecayRestarts(0.1, 7, t_mul=1.5, m_mul=0.8, alpha=0.1),
], ids=lambda s: type(s).__name__)
def test_serialize_round_trip(schedule):
    rebuilt = schedules.deserialize(schedules.serialize(schedule))
    assert type(rebuilt) is type(schedule) and rebuilt.get_config() == schedule.get_config()
    assert [rebuilt(s) for s in range(0, 60, 7)] == [schedule(s) for s in range(0, 60, 7)]


@pytest.mark.parametrize("make, message", [
    (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps must be a positive"),
    (lambda: schedules.CosineDecay(0.1, -3), "decay_steps must be a positive"),
    (lambda: schedules.InverseTimeDecay(0.1, 0, 0.5), "decay_steps must be a positive"),
    (lambda: schedules.PolynomialDecay(0.1, 0), "decay_steps must be a positive"),
    (lambda: schedules.CosineDecayRestarts(0.1, 0), "first_decay_steps must be a positive"),
    (lambda: schedules.CosineDecayRestarts(0.1, 10, t_mul=0.0), "t_mul .* must be positive"),
    (lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1]), "one more value than boundaries"),
    (lambda: schedules.PiecewiseConstantDecay([2, 1], [0.1, 0.2, 0.3]), "strictly increasing"),
    (lambda: schedules.deserialize({"class_name": "Linear", "config": {}}), "known ones are"),
    (lambda: schedules.serialize(lambda step: 0.1), "only LearningRateSchedule"),
])
def test_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
