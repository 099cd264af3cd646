"""What the engine records: no_grad, enable_grad and set_grad_enabled (as context managers,
decorators and statements; per thread), detect_anomaly, and name_scope."""
import threading

import numpy as np
import pytest

import autograd as ag


def leaf(values):
    return ag.Tensor(values, requires_grad=True, dtype=np.float64)


# ---- grad modes --------------------------------------------------------------------------------
def test_no_grad_and_enable_grad_as_context_managers():
    x = leaf([1.0])
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        y = x * 2.0
        with ag.enable_grad():
            z = x * 2.0
    assert ag.is_grad_enabled()
    assert y.requires_grad is False and y.grad_fn is None
    assert z.requires_grad is True and z.grad_fn is not None


def test_no_grad_and_enable_grad_as_decorators():
    @ag.no_grad()
    def frozen(t):
        return t * 2.0

    @ag.enable_grad()
    def recorded(t):
        return t * 2.0

    x = leaf([1.0])
    assert frozen(x).requires_grad is False
    with ag.no_grad():
        assert recorded(x).requires_grad is True
    assert frozen.__name__ == "frozen"


def test_no_grad_is_restored_after_an_exception():
    with pytest.raises(ValueError):
        with ag.no_grad():
            raise ValueError("boom")
    assert ag.is_grad_enabled()


def test_set_grad_enabled():
    with ag.set_grad_enabled(False):
        assert (leaf(1.0) * 2.0).requires_grad is False
    assert ag.is_grad_enabled()


def test_set_grad_enabled_as_a_statement_switches_recording_until_switched_back():
    try:
        ag.set_grad_enabled(False)
        assert not ag.is_grad_enabled() and (leaf(1.0) * 2.0).requires_grad is False
        with ag.enable_grad():
            assert (leaf(1.0) * 2.0).requires_grad is True
        assert not ag.is_grad_enabled()  # the block restored the statement's mode
        ag.set_grad_enabled(True)
        assert (leaf(1.0) * 2.0).requires_grad is True
    finally:
        ag.set_grad_enabled(True)


def test_set_grad_enabled_as_a_decorator_changes_nothing_until_the_function_runs():
    @ag.set_grad_enabled(False)
    def frozen(t):
        assert not ag.is_grad_enabled()
        return t * 2.0

    assert ag.is_grad_enabled()
    assert frozen(leaf(1.0)).requires_grad is False and ag.is_grad_enabled()


def test_set_grad_enabled_refuses_what_is_not_true_or_false():
    with pytest.raises(TypeError, match="set_grad_enabled takes True or False, got 'False'"):
        ag.set_grad_enabled("False")
    assert ag.is_grad_enabled()


def test_no_grad_and_enable_grad_decorate_without_parentheses_too():
    @ag.no_grad
    def frozen(t):
        return t * 2.0

    @ag.enable_grad
    def recorded(t):
        return t * 2.0

    x = leaf([1.0])
    assert frozen(x).requires_grad is False and frozen.__name__ == "frozen"
    with ag.no_grad():
        assert recorded(x).requires_grad is True
    assert ag.is_grad_enabled()


def test_a_grad_mode_given_something_other_than_a_function_says_how_to_use_it():
    with pytest.raises(TypeError, match=r"@no_grad decorates a function, but got int.*'with no_grad\(\):'"):
        ag.no_grad(3)


def test_no_grad_is_thread_local():
    x = leaf([1.0, 2.0])
    inside_no_grad, both_ready, both_done = {}, threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)

    def frozen_thread():
        with ag.no_grad():
            both_ready.wait()  # the other thread computes while this one is inside no_grad
            inside_no_grad["frozen"] = x * 2.0
            both_done.wait()

    def recording_thread():
        both_ready.wait()
        inside_no_grad["recording"] = x * 2.0
        both_done.wait()

    threads = [threading.Thread(target=frozen_thread), threading.Thread(target=recording_thread)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert inside_no_grad["frozen"].requires_grad is False
    assert inside_no_grad["recording"].requires_grad is True


# ---- anomaly mode and name scopes --------------------------------------------------------------
def test_detect_anomaly_names_the_forward_op_and_the_users_line():
    x = leaf([-1.0, 1.0])
    with ag.detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(FloatingPointError) as caught:
            ag.log(x)  # the line the message must point at
    message = str(caught.value)
    assert "'log'" in message and "forward" in message
    assert "test_grad_mode.py" in message and "ag.log(x)  # the line the message must point at" in message


def test_detect_anomaly_names_the_backward_op_and_the_users_line():
    x = leaf([0.0, 4.0])
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        root = ag.sqrt(x)  # sqrt'(0) is infinite
        with pytest.raises(FloatingPointError) as caught:
            root.sum().backward()
    message = str(caught.value)
    assert "'sqrt'" in message and "backward" in message
    assert "test_grad_mode.py" in message and "root = ag.sqrt(x)" in message


def test_without_detect_anomaly_nans_pass_silently():
    with np.errstate(invalid="ignore"):
        assert np.isnan(ag.log(leaf([-1.0])).item())


def test_name_scope_stamps_ops():
    x = leaf([1.0])
    with ag.name_scope("model"):
        with ag.name_scope("dense_1") as scope:
            inner = x * 2.0
        outer = inner + 1.0
    after = outer * 3.0
    assert scope == "model/dense_1"
    assert inner.grad_fn.scope == "model/dense_1"
    assert outer.grad_fn.scope == "model"
    assert after.grad_fn.scope == ""
