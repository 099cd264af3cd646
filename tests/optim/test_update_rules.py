"""Golden trajectories: a few steps on f(w) = 0.5 * sum(a * w**2) (so g = a * w), compared with the
Keras 3 update rules written out independently below in float64 numpy.
"""
import numpy as np
import pytest

import autograd as ag
import optim

A = np.array([1.0, 3.0, 0.5, 2.0])
W0 = np.array([1.0, -2.0, 0.5, 3.0])
STEPS = 5


def run_optimizer(optimizer_cls, steps=STEPS, dtype=np.float64, **kwargs):
    """The optimizer's iterates on the quadratic, with gradients set directly."""
    w = ag.Tensor(W0.copy(), requires_grad=True, dtype=dtype)  # the update is in place
    opt = optimizer_cls([w], **kwargs)
    trajectory = []
    for _ in range(steps):
        w.grad = ag.Tensor(A.astype(dtype) * w.data, dtype=dtype)
        opt.step()
        trajectory.append(w.data.copy())
    return np.array(trajectory)


# ---- the published rules, one function each, in float64 --------------------------------------
def keras_sgd(learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=0.0):
    w, v, out = W0.copy(), np.zeros_like(W0), []
    for _ in range(STEPS):
        g = A * w
        w = w - w * weight_decay * learning_rate
        if momentum == 0:
            w = w - learning_rate * g
        else:
            v = momentum * v - learning_rate * g
            w = w + (momentum * v - learning_rate * g if nesterov else v)
        out.append(w)
    return np.array(out)


def keras_adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=0.0):
    w, m, v, v_max, out = W0.copy(), np.zeros(4), np.zeros(4), np.zeros(4), []
    for t in range(1, STEPS + 1):
        g = A * w
        w = w - w * weight_decay * learning_rate
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        v_max = np.maximum(v_max, v)
        alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w = w - m * alpha / (np.sqrt(v_max if amsgrad else v) + epsilon)
        out.append(w)
    return np.array(out)


def keras_adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, m, u, out = W0.copy(), np.zeros(4), np.zeros(4), []
    for t in range(1, STEPS + 1):
        g = A * w
        m = m + (g - m) * (1 - beta_1)
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - learning_rate * m / ((1 - beta_1 ** t) * (u + epsilon))
        out.append(w)
    return np.array(out)


def keras_nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, m, v, u_product, out = W0.copy(), np.zeros(4), np.zeros(4), 1.0, []
    for t in range(1, STEPS + 1):
        g = A * w
        u_t = beta_1 * (1 - 0.5 * 0.96 ** t)
        u_t1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_product = u_product * u_t
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        m_hat = u_t1 * m / (1 - u_product * u_t1) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2 ** t)
        w = w - m_hat * learning_rate / (np.sqrt(v_hat) + epsilon)
        out.append(w)
    return np.array(out)


def keras_rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    w, v, mom, avg, out = W0.copy(), np.zeros(4), np.zeros(4), np.zeros(4), []
    for _ in range(STEPS):
        g = A * w
        v = rho * v + (1 - rho) * g * g
        avg = rho * avg + (1 - rho) * g
        denominator = v - avg * avg + epsilon if centered else v + epsilon
        increment = learning_rate * g / np.sqrt(denominator)
        if momentum > 0:
            mom = momentum * mom + increment
            w = w - mom
        else:
            w = w - increment
        out.append(w)
    return np.array(out)


def keras_adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    w, acc, out = W0.copy(), np.full(4, initial_accumulator_value), []
    for _ in range(STEPS):
        g = A * w
        acc = acc + g * g
        w = w - learning_rate * g / np.sqrt(acc + epsilon)
        out.append(w)
    return np.array(out)


# Large learning rates so that every step moves the parameters visibly.
CASES = [
    (optim.SGD, keras_sgd, {}),
    (optim.SGD, keras_sgd, {"learning_rate": 0.1, "momentum": 0.9}),
    (optim.SGD, keras_sgd, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    (optim.SGD, keras_sgd, {"learning_rate": 0.1, "momentum": 0.5, "weight_decay": 0.1}),
    (optim.Adam, keras_adam, {}),
    (optim.Adam, keras_adam, {"learning_rate": 0.1, "beta_1": 0.8, "epsilon": 1e-3}),
    (optim.Adam, keras_adam, {"learning_rate": 0.3, "amsgrad": True}),
    (optim.Adam, keras_adam, {"learning_rate": 0.1, "weight_decay": 0.2}),
    (optim.AdamW, keras_adam, {"learning_rate": 0.1, "weight_decay": 0.004}),
    (optim.AdamW, keras_adam, {"learning_rate": 0.1, "weight_decay": 0.3, "amsgrad": True}),
    (optim.Adamax, keras_adamax, {}),
    (optim.Adamax, keras_adamax, {"learning_rate": 0.1, "beta_2": 0.5}),
    (optim.Nadam, keras_nadam, {}),
    (optim.Nadam, keras_nadam, {"learning_rate": 0.1, "beta_1": 0.7}),
    (optim.RMSprop, keras_rmsprop, {}),
    (optim.RMSprop, keras_rmsprop, {"learning_rate": 0.05, "momentum": 0.9}),
    (optim.RMSprop, keras_rmsprop, {"learning_rate": 0.05, "centered": True, "epsilon": 1e-3}),
    (optim.RMSprop, keras_rmsprop, {"learning_rate": 0.05, "rho": 0.5, "momentum": 0.5,
                                    "centered": True}),
    (optim.Adagrad, keras_adagrad, {}),
    (optim.Adagrad, keras_adagrad, {"learning_rate": 0.5, "initial_accumulator_value": 1.0}),
]


def case_id(case):
    optimizer_cls, _, kwargs = case
    return optimizer_cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_keras_rule_in_float64(case):
    optimizer_cls, reference, kwargs = case
    expected = reference(**kwargs)
    assert not np.allclose(expected[-1], W0)  # the case does move the parameters
    np.testing.assert_allclose(run_optimizer(optimizer_cls, **kwargs), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_float32_parameters_stay_float32(case):
    optimizer_cls, reference, kwargs = case
    trajectory = run_optimizer(optimizer_cls, dtype=np.float32, **kwargs)
    assert trajectory.dtype == np.float32
    np.testing.assert_allclose(trajectory, reference(**kwargs), rtol=1e-4, atol=1e-5)


def test_adamw_defaults_to_keras_weight_decay_and_needs_one():
    assert optim.AdamW().defaults["weight_decay"] == 0.004
    with pytest.raises(ValueError, match="AdamW needs a float weight_decay"):
        optim.AdamW(weight_decay=None)


def test_keras_defaults():
    assert optim.SGD().learning_rate == pytest.approx(0.01)
    for cls in (optim.Adam, optim.AdamW, optim.Adamax, optim.Nadam, optim.RMSprop, optim.Adagrad):
        assert cls().learning_rate == pytest.approx(0.001)
    assert optim.Adam().defaults["epsilon"] == 1e-7
    assert optim.RMSprop().defaults["rho"] == 0.9
    assert optim.Adagrad().defaults["initial_accumulator_value"] == 0.1
