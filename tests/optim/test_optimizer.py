"""The shared machinery: parameters and groups, zero_grad, the learning rate, saving, validation."""
import json

import numpy as np
import pytest

import autograd as ag
import optim


def param(values, name=None):
    return ag.Tensor(np.array(values, dtype=np.float64), requires_grad=True, dtype=np.float64,
                     name=name)


def set_grad(p, values):
    p.grad = ag.Tensor(np.array(values, dtype=np.float64), dtype=np.float64)


# ---- a plain training loop -----------------------------------------------------------------------
@pytest.mark.parametrize("make_optimizer", [
    lambda ps: optim.SGD(ps, learning_rate=0.1, momentum=0.9),
    lambda ps: optim.Adam(ps, learning_rate=0.05),
    lambda ps: optim.RMSprop(ps, learning_rate=0.01),
], ids=["sgd", "adam", "rmsprop"])
def test_linear_regression_converges(make_optimizer):
    rng = np.random.default_rng(0)
    x = ag.Tensor(rng.normal(size=(64, 3)))
    true_w = np.array([[1.5], [-2.0], [0.5]], dtype=np.float32)
    y = ag.Tensor(x.data @ true_w + 0.3)
    w = ag.Tensor(np.zeros((3, 1)), requires_grad=True)
    b = ag.Tensor(np.zeros(1), requires_grad=True)
    opt = make_optimizer([w, b])
    for _ in range(300):
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
    np.testing.assert_allclose(w.data, true_w, atol=2e-2)
    np.testing.assert_allclose(b.data, [0.3], atol=2e-2)
    assert w.data.dtype == np.float32


def test_zero_grad_sets_grad_to_none():
    w, b = param([1.0, 2.0]), param([0.5])
    ((w * w).sum() + b.sum()).backward()
    opt = optim.SGD([w, b])
    assert w.grad is not None and b.grad is not None
    opt.zero_grad()
    assert w.grad is None and b.grad is None


def test_params_without_grad_are_skipped_and_iterations_count_steps():
    w, b = param([1.0]), param([2.0])
    opt = optim.SGD([w, b], learning_rate=0.5)
    set_grad(w, [1.0])
    opt.step()
    assert w.data[0] == pytest.approx(0.5) and b.data[0] == 2.0
    assert opt.iterations == 1
    assert b not in opt.state


def test_step_does_not_write_into_the_gradient():
    w = param([1.0, -1.0])
    set_grad(w, [3.0, 4.0])
    before = w.grad.data.copy()
    opt = optim.Adam([w], learning_rate=0.1, clipnorm=1.0)
    opt.step()
    opt.step()
    np.testing.assert_array_equal(w.grad.data, before)


@pytest.mark.parametrize("make_optimizer", [
    lambda ps: optim.SGD(ps, learning_rate=0.1), lambda ps: optim.Adam(ps, learning_rate=0.1)])
def test_a_step_between_two_backward_calls_on_a_retained_graph_is_caught(make_optimizer):
    w = param([1.0, 2.0], name="w")
    opt = make_optimizer([w])
    loss = (ag.tanh(w) * 3.0).sum()
    loss.backward(retain_graph=True)
    opt.step()  # changes w in place: the graph's tanh used the old values
    assert w.version == 1
    with pytest.raises(RuntimeError, match="modified in place after it was used by tanh.*'w'"):
        loss.backward()
    opt.zero_grad()
    (ag.tanh(w) * 3.0).sum().backward()  # a fresh forward pass sees the new values
    np.testing.assert_allclose(w.grad.data, 3.0 * (1.0 - np.tanh(w.data) ** 2))


def test_a_gradient_of_the_wrong_shape_or_type_is_refused_when_assigned():
    w = param([1.0, 2.0], name="kernel")
    with pytest.raises(ValueError, match=r"\.grad must have its shape \(2,\), but was given one of shape \(3,\)"):
        set_grad(w, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"\.grad must be a Tensor .* given ndarray; wrap an array first"):
        w.grad = np.ones(2)
    assert w.grad is None


def test_plain_function_learning_rate_cannot_go_into_a_config():
    with pytest.raises(TypeError, match="only LearningRateSchedule objects can be saved"):
        optim.SGD(learning_rate=lambda step: 0.1).get_config()


def test_step_without_any_gradient_says_to_call_backward():
    opt = optim.SGD([param([1.0])])
    with pytest.raises(RuntimeError, match="loss.backward"):
        opt.step()


# ---- groups and attach ---------------------------------------------------------------------------
def test_param_groups_override_defaults():
    w, b = param([1.0]), param([1.0])
    opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], learning_rate=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    set_grad(w, [1.0])
    set_grad(b, [1.0])
    opt.step()
    assert w.data[0] == pytest.approx(0.9) and b.data[0] == pytest.approx(0.5)


def test_add_param_group_accepts_both_spellings_and_rejects_unknown_keys():
    opt = optim.Adam([param([1.0])])
    opt.add_param_group({"params": [param([2.0])], "learning_rate": 0.1})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["beta_1"] == 0.9
    opt.add_param_group({"params": [param([3.0])], "lr": 0.2, "betas": (0.8, 0.99), "eps": 1e-8})
    assert {key: opt.param_groups[2][key] for key in ("lr", "beta_1", "beta_2", "epsilon")} == \
        {"lr": 0.2, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-8}
    with pytest.raises(TypeError, match="no hyperparameter 'momentum'"):
        opt.add_param_group({"params": [param([4.0])], "momentum": 0.9})
    with pytest.raises(TypeError, match="beta_1 twice"):
        opt.add_param_group({"params": [param([5.0])], "beta_1": 0.8, "betas": (0.8, 0.99)})


def test_keras_style_construction_then_attach():
    w = param([1.0])
    opt = optim.Adam(learning_rate=1e-2)
    assert opt.param_groups == []
    opt.attach([w])
    opt.attach([w])  # the same parameters again: nothing happens
    assert len(opt.param_groups) == 1 and opt.param_groups[0]["params"] == [w]
    with pytest.raises(RuntimeError, match="already has 1 parameters"):
        opt.attach([param([2.0])])


def test_lr_alias():
    assert optim.SGD(lr=0.3).learning_rate == pytest.approx(0.3)


# ---- learning rate -------------------------------------------------------------------------------
def test_learning_rate_property_sets_every_group():
    opt = optim.SGD([{"params": [param([1.0])]}, {"params": [param([1.0])], "lr": 0.5}])
    opt.learning_rate = 0.02
    assert opt.learning_rate == pytest.approx(0.02)
    assert [g["lr"] for g in opt.param_groups] == [0.02, 0.02]
    with pytest.raises(ValueError, match="positive"):
        opt.learning_rate = 0.0


def test_schedule_is_evaluated_at_the_iteration_count():
    w = param([0.0])
    schedule = optim.schedules.PiecewiseConstantDecay([1], [1.0, 0.1])
    opt = optim.SGD([w], learning_rate=schedule)
    moves = []
    for _ in range(3):
        assert opt.learning_rate == schedule(opt.iterations)
        set_grad(w, [-1.0])
        before = w.data[0]
        opt.step()
        moves.append(w.data[0] - before)
    np.testing.assert_allclose(moves, [1.0, 1.0, 0.1])  # steps 0 and 1 use 1.0 (step <= 1)
    with pytest.raises(TypeError, match="schedule"):
        opt.learning_rate = 0.5


def test_plain_callable_learning_rate():
    w = param([0.0])
    opt = optim.SGD([w], learning_rate=lambda step: 1.0 / (step + 1))
    for _ in range(2):
        set_grad(w, [-1.0])
        opt.step()
    assert w.data[0] == pytest.approx(1.5)


# ---- saving --------------------------------------------------------------------------------------
def quadratic_steps(opt, params, steps):
    for _ in range(steps):
        for p in params:
            set_grad(p, 2.0 * p.data)
        opt.step()


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adamax", "nadam"])
def test_state_dict_round_trip_continues_identically(name):
    def fresh():
        return [param([1.0, -2.0]), param([0.5])]

    kwargs = {"momentum": 0.9} if name in ("sgd", "rmsprop") else {}
    reference_params = fresh()
    reference = type(optim.get(name))(reference_params, learning_rate=0.1, **kwargs)
    quadratic_steps(reference, reference_params, 6)

    params = fresh()
    opt = type(optim.get(name))(params, learning_rate=0.1, **kwargs)
    quadratic_steps(opt, params, 3)
    saved = opt.state_dict()
    arrays = {f"{i}/{k}": v for i, s in saved["state"].items() for k, v in s.items()
              if isinstance(v, np.ndarray)}
    scalars = {str(i): {k: v for k, v in s.items() if not isinstance(v, np.ndarray)}
               for i, s in saved["state"].items()}
    plain = json.loads(json.dumps({"param_groups": saved["param_groups"],
                                   "iterations": saved["iterations"], "scalars": scalars}))
    state = {}  # rebuilt as a saver would: arrays from .npz, the rest from JSON (string keys)
    for key, value in arrays.items():
        index, slot = key.split("/")
        state.setdefault(index, {})[slot] = value.copy()
    for index, values in plain["scalars"].items():
        state.setdefault(index, {}).update(values)

    restored_params = [param(p.data.copy()) for p in params]
    restored = type(opt)(restored_params, learning_rate=0.5, **kwargs)
    restored.load_state_dict({"state": state, "param_groups": plain["param_groups"],
                              "iterations": plain["iterations"]})
    assert restored.learning_rate == pytest.approx(0.1)
    quadratic_steps(restored, restored_params, 3)
    for p, q in zip(restored_params, reference_params):
        np.testing.assert_array_equal(p.data, q.data)


def test_state_dict_holds_copies_and_serializes_schedules():
    w = param([1.0])
    opt = optim.Adam([w], learning_rate=optim.schedules.ExponentialDecay(0.1, 10, 0.5))
    quadratic_steps(opt, [w], 1)
    saved = opt.state_dict()
    saved["state"][0]["momentum"][:] = 99.0
    assert opt.state[w]["momentum"][0] != 99.0
    assert saved["param_groups"][0]["lr"]["class_name"] == "ExponentialDecay"
    other = optim.Adam([param([1.0])])
    other.load_state_dict(json.loads(json.dumps({**saved, "state": {}})))
    assert isinstance(other.param_groups[0]["lr"], optim.schedules.ExponentialDecay)


def test_load_state_dict_rejects_a_different_model():
    opt = optim.Adam([param([1.0, 2.0])])
    quadratic_steps(opt, opt.param_groups[0]["params"], 1)
    saved = opt.state_dict()
    with pytest.raises(ValueError, match="groups of sizes"):
        optim.Adam([param([1.0]), param([1.0])]).load_state_dict(saved)
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        optim.Adam([param([1.0, 2.0, 3.0])]).load_state_dict(saved)


# ---- registry and configs ------------------------------------------------------------------------
@pytest.mark.parametrize("name, cls", [("sgd", optim.SGD), ("Adam", optim.Adam), ("ADAMW", optim.AdamW),
                                       ("rmsprop", optim.RMSprop), ("adagrad", optim.Adagrad),
                                       ("adamax", optim.Adamax), ("nadam", optim.Nadam)])
def test_get_by_name(name, cls):
    first, second = optim.get(name), optim.get(name)
    assert type(first) is cls and first is not second


def test_get_returns_instances_and_rejects_unknown_names():
    opt = optim.SGD()
    assert optim.get(opt) is opt
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'.*'adam'.*'sgd'"):
        optim.get("adamm")


@pytest.mark.parametrize("opt", [
    optim.SGD(learning_rate=0.2, momentum=0.5, nesterov=True, clipnorm=1.0),
    optim.AdamW(weight_decay=0.01, amsgrad=True, name="my_adamw"),
    optim.RMSprop(centered=True, global_clipnorm=2.0),
    optim.Nadam(learning_rate=optim.schedules.CosineDecay(0.1, 100, alpha=0.1), clipvalue=0.5),
], ids=["sgd", "adamw", "rmsprop", "nadam-schedule"])
def test_config_round_trip_through_json(opt):
    config = json.loads(json.dumps(opt.get_config()))
    rebuilt = optim.from_config(config)
    assert type(rebuilt) is type(opt)
    assert rebuilt.get_config() == opt.get_config()


# ---- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: optim.SGD(learning_rate=-0.1), "learning rate must be a positive number"),
    (lambda: optim.SGD(learning_rate=0), "learning rate must be a positive number"),
    (lambda: optim.Adam(beta_1=1.0), r"beta_1 must be in \[0, 1\)"),
    (lambda: optim.Adam(beta_2=-0.1), r"beta_2 must be in \[0, 1\)"),
    (lambda: optim.RMSprop(rho=1.5), r"rho must be in \[0, 1\)"),
    (lambda: optim.SGD(momentum=-0.9), "momentum must be >= 0"),
    (lambda: optim.Adam(weight_decay=-1e-4), "weight_decay must be >= 0"),
    (lambda: optim.SGD(clipnorm=1.0, clipvalue=1.0), "at most one of clipnorm"),
    (lambda: optim.SGD(clipnorm=0.0), "clipnorm must be positive"),
    (lambda: optim.SGD([np.zeros(2)]), "only optimize autograd Tensors"),
    (lambda: optim.SGD([ag.Tensor([1.0], name="frozen")]), "'frozen'.*does not require grad"),
    (lambda: optim.SGD(param([1.0])), "single Tensor"),
    (lambda: optim.SGD([]), "empty list of parameters"),
])
def test_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_non_leaf_and_duplicate_parameters_are_rejected():
    w = param([1.0])
    with pytest.raises(ValueError, match="leaf tensors"):
        optim.SGD([w * 2.0])
    with pytest.raises(ValueError, match="appears twice"):
        optim.SGD([w, w])


# ---- reattach: the parameter set changes on purpose (a layer frozen or unfrozen) ----------------
def step_all(opt, params):
    for p in params:
        set_grad(p, [1.0])
    opt.step()


def test_reattach_keeps_the_state_of_parameters_that_stay_and_drops_the_rest():
    a, b, c = param([1.0], "a"), param([2.0], "b"), param([3.0], "c")
    opt = optim.Adam([a, b, c], learning_rate=0.1)
    step_all(opt, [a, b, c])
    a_state = {key: value.copy() for key, value in opt.state[a].items()}
    opt.reattach([a, c])
    assert opt.param_groups[0]["params"] == [a, c] and set(opt.state) == {a, c}
    assert all(np.array_equal(opt.state[a][key], value) for key, value in a_state.items())
    assert opt.iterations == 1
    b_before = b.data.copy()
    step_all(opt, [a, c])
    assert np.array_equal(b.data, b_before)
    opt.reattach([a, b, c])  # b comes back with fresh moments, in the order given
    assert opt.param_groups[0]["params"] == [a, b, c] and b not in opt.state
    step_all(opt, [a, b, c])
    assert opt.iterations == 3 and b in opt.state


def test_reattach_then_state_dict_round_trips():
    a, b = param([1.0]), param([3.0])
    opt = optim.SGD([a, b], learning_rate=0.1, momentum=0.9)
    step_all(opt, [a, b])
    opt.reattach([b])
    fresh = optim.SGD([param([3.0])], learning_rate=0.1, momentum=0.9)
    fresh.load_state_dict(json.loads(json.dumps(opt.state_dict(), default=lambda x: x.tolist())))
    assert fresh.iterations == 1
    np.testing.assert_array_equal(fresh.state[fresh.param_groups[0]["params"][0]]["velocity"],
                                  opt.state[b]["velocity"])


def test_reattach_keeps_groups_and_puts_a_newcomer_after_its_neighbour():
    a, b, c = param([1.0]), param([2.0]), param([3.0])
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], learning_rate=0.1)
    opt.reattach([b, c])
    assert [g["params"] for g in opt.param_groups] == [[], [b, c]]
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    with pytest.raises(ValueError, match="appears twice"):
        opt.reattach([b, b])


def test_reattach_on_an_empty_optimizer_attaches():
    w = param([1.0])
    opt = optim.SGD(learning_rate=0.1)
    opt.reattach([w])
    assert opt.param_groups[0]["params"] == [w]


@pytest.mark.parametrize("edit, error, message", [
    (lambda s: s["state"][0].update(velocity="fast"), ValueError,
     r"the state 'velocity' of parameter 0 should be an array, but is 'fast'"),
    (lambda s: s["state"][0].update(extra=np.ones(1)), ValueError,
     r"holds \['extra', 'velocity'\], but SGD with these hyperparameters keeps \['velocity'\]"),
    (lambda s: s["param_groups"][0].update(evil=1), ValueError, r"hyperparameters \['evil'\], which SGD does not have"),
    (lambda s: s["param_groups"][0].update(momentum="0.9"), TypeError, "momentum must be a number"),
    (lambda s: s["state"].update({7: {}}), ValueError, "a parameter index from 0 to 0, but is 7"),
])
def test_a_damaged_state_dict_is_refused_before_anything_changes(edit, error, message):
    w = param([1.0])
    opt = optim.SGD([w], learning_rate=0.1, momentum=0.9)
    step_all(opt, [w])
    saved = opt.state_dict()
    before = opt.state_dict()
    edit(saved)
    with pytest.raises(error, match=message):
        opt.load_state_dict(saved)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"] and after["iterations"] == before["iterations"]
