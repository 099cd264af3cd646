"""The two ways to build an optimizer (Keras's learning rate first, PyTorch's parameters first),
PyTorch's spellings, and the errors when an argument is ambiguous or given twice."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from optim import schedules

ALL = [optim.SGD, optim.Adam, optim.AdamW, optim.Adamax, optim.Nadam, optim.RMSprop, optim.Adagrad]


def param(values):
    return ag.Tensor(np.array(values, dtype=np.float64), requires_grad=True, dtype=np.float64)


def trajectory(opt, w, steps=4):
    """w's values after each of `steps` updates on f(w) = 0.5 * sum(3 * w**2)."""
    out = []
    for _ in range(steps):
        w.grad = ag.Tensor(3.0 * w.data, dtype=np.float64)
        opt.step()
        out.append(w.data.copy())
    return np.array(out)


# ---- Keras's form: the learning rate first --------------------------------------------------------
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_a_number_first_is_the_learning_rate(cls):
    opt = cls(0.05)
    assert opt.learning_rate == pytest.approx(0.05) and opt.param_groups == []
    assert opt.get_config()["learning_rate"] == pytest.approx(0.05)


def test_keras_defaults_apply_when_the_learning_rate_is_left_out():
    assert optim.SGD().learning_rate == pytest.approx(0.01)
    assert all(cls().learning_rate == pytest.approx(0.001) for cls in ALL if cls is not optim.SGD)
    assert {key: optim.Nadam().defaults[key] for key in ("beta_1", "beta_2", "epsilon")} == \
        {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}


def test_sgd_positional_learning_rate_with_keyword_momentum_moves_as_the_keyword_form():
    keras_form, keyword_form = optim.SGD(0.1, momentum=0.9), optim.SGD(learning_rate=0.1, momentum=0.9)
    w1, w2 = param([1.0, -2.0]), param([1.0, -2.0])
    keras_form.attach([w1])
    keyword_form.attach([w2])
    np.testing.assert_array_equal(trajectory(keras_form, w1), trajectory(keyword_form, w2))


@pytest.mark.parametrize("schedule", [schedules.ExponentialDecay(0.1, 2, 0.5), lambda step: 0.1 / (1 + step)],
                         ids=["schedule", "function"])
def test_a_schedule_or_callable_first_is_the_learning_rate(schedule):
    opt = optim.Adam(schedule)
    w = param([1.0])
    opt.attach([w])
    rates = []
    for _ in range(3):
        rates.append(opt.learning_rate)
        w.grad = ag.Tensor([1.0], dtype=np.float64)
        opt.step()
    assert rates == pytest.approx([schedule(0), schedule(1), schedule(2)])


def test_keras_form_in_compile_trains_a_model():
    model = nn.Sequential([nn.Input(shape=(2,)), nn.layers.Dense(1)])
    model.compile(optimizer=optim.Adam(0.05), loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 2))
    y = x @ np.array([[1.0], [-2.0]])
    history = model.fit(x, y, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


# ---- PyTorch's form: the parameters first ---------------------------------------------------------
def test_parameters_first_with_positional_or_keyword_learning_rate():
    w = param([1.0])
    for opt in (optim.SGD([w], 0.3), optim.SGD([w], lr=0.3), optim.SGD([w], learning_rate=0.3),
                optim.SGD(params=[w], lr=0.3)):
        assert opt.learning_rate == pytest.approx(0.3) and opt.param_groups[0]["params"] == [w]


def test_a_generator_of_parameters_is_read_once():
    w, b = param([1.0]), param([2.0])
    opt = optim.Adam(p for p in (w, b))
    assert opt.param_groups[0]["params"] == [w, b]


def test_pytorch_spellings_equal_keras_names():
    w1, w2 = param([1.0, -2.0]), param([1.0, -2.0])
    pytorch = optim.Adam([w1], lr=0.1, betas=(0.8, 0.99), eps=1e-8, weight_decay=0.01)
    keras = optim.Adam([w2], learning_rate=0.1, beta_1=0.8, beta_2=0.99, epsilon=1e-8, weight_decay=0.01)
    assert pytorch.defaults == keras.defaults
    np.testing.assert_array_equal(trajectory(pytorch, w1), trajectory(keras, w2))
    assert optim.RMSprop(eps=1e-5).defaults["epsilon"] == 1e-5
    assert optim.Adagrad(eps=1e-5).defaults["epsilon"] == 1e-5


def test_config_and_state_round_trip_whatever_the_spelling():
    w = param([1.0, -2.0])
    opt = optim.Adam([w], lr=0.1, betas=(0.8, 0.99), eps=1e-8)
    trajectory(opt, w, steps=2)
    config = opt.get_config()
    assert (config["learning_rate"], config["beta_1"], config["beta_2"], config["epsilon"]) == (0.1, 0.8, 0.99, 1e-8)
    rebuilt = optim.from_config(config)
    assert rebuilt.get_config() == config
    w_copy = param(w.data.copy())
    rebuilt.attach([w_copy])
    rebuilt.load_state_dict(opt.state_dict())
    np.testing.assert_array_equal(trajectory(rebuilt, w_copy), trajectory(opt, w))


# ---- one value, two spellings: always a TypeError -------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: optim.SGD(learning_rate=0.1, lr=0.2), r"learning rate twice: learning_rate=0.1 and lr=0.2"),
    (lambda: optim.Adam(0.001, learning_rate=0.01), r"0.001 as the first argument and learning_rate=0.01"),
    (lambda: optim.Adam(0.001, lr=0.01), r"0.001 as the first argument and lr=0.01"),
    (lambda: optim.SGD(0.01, 0.9), r"learning_rate=0.9.*others go by keyword"),  # a second positional lands in learning_rate
    (lambda: optim.Adam(beta_1=0.8, betas=(0.9, 0.99)), r"beta_1 twice: beta_1=0.8 and betas=\(0.9, 0.99\)"),
    (lambda: optim.Adam(beta_2=0.9, betas=(0.9, 0.99)), r"beta_2 twice"),
    (lambda: optim.Nadam(epsilon=1e-7, eps=1e-8), r"epsilon twice: epsilon=1e-07 and eps=1e-08"),
    (lambda: optim.SGD([param([1.0])], learning_rate=0.1, lr=0.1), r"learning rate twice"),
])
def test_one_value_in_two_spellings_is_refused(make, message):
    with pytest.raises(TypeError, match=message):
        make()


@pytest.mark.parametrize("make, message", [
    (lambda: optim.SGD(betas=(0.9, 0.99)), r"SGD has no hyperparameter 'betas'"),
    (lambda: optim.SGD(eps=1e-8), r"SGD has no hyperparameter 'eps'"),
    (lambda: optim.Adam(betas=0.9), r"betas is PyTorch's pair \(beta_1, beta_2\)"),
    (lambda: optim.Adam(betas=(0.9, 0.99, 0.999)), r"exactly two decay rates"),
    (lambda: optim.Adam([param([1.0])], 0.01, (0.9, 0.99)), r"beta_1 must be a number.*betas=\(0.9, 0.999\)"),
])
def test_pytorch_spellings_where_they_do_not_fit(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


# ---- a first argument that is neither --------------------------------------------------------------
def used_up_generator():
    params = (p for p in [param([1.0])])
    list(params)
    return params


@pytest.mark.parametrize("first, error, message", [
    ([], ValueError, r"an empty list of parameters.*SGD\(0.01\)"),
    (used_up_generator(), ValueError, r"already used up.*pass a list"),
    ([0.01], TypeError, r"a list of numbers \[0.01\].*one number: SGD\(0.01\)"),
    (np.array([0.9, 0.999]), TypeError, r"a list of numbers"),
    ("adam", TypeError, r"string 'adam'.*compile\(optimizer='adam'\)"),
    ({"params": []}, TypeError, r"one parameter group.*list of groups"),
    ([{"params": [param([1.0])]}, param([2.0])], TypeError, r"mixes parameter-group dicts and tensors"),
    (3 + 4j, TypeError, r"either the learning rate .* or the parameters"),
    ([np.ones(2)], TypeError, r"wrap the array: Tensor\(x, requires_grad=True\)"),
], ids=["empty", "used-up", "numbers", "array", "string", "one-group", "mixed", "complex", "arrays"])
def test_an_ambiguous_first_argument_is_explained(first, error, message):
    with pytest.raises(error, match=message):
        optim.SGD(first)


def test_a_model_as_first_argument_says_to_pass_its_weights():
    model = nn.Sequential([nn.Input(shape=(2,)), nn.layers.Dense(1)])
    with pytest.raises(TypeError, match=r"the model Sequential itself.*model.trainable_weights"):
        optim.SGD(model, lr=0.1)
    opt = optim.SGD(model.trainable_weights, lr=0.1)
    assert opt.param_groups[0]["params"] == model.trainable_weights
