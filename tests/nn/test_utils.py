import random

import numpy as np
import pytest

import autograd as ag
from nn import utils


def test_same_seed_gives_identical_draws_from_every_generator():
    utils.set_random_seed(7)
    first = (utils.get_rng().standard_normal(5), np.random.rand(3), random.random())
    utils.set_random_seed(7)
    second = (utils.get_rng().standard_normal(5), np.random.rand(3), random.random())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert first[2] == second[2]


def test_reseeding_reaches_a_generator_fetched_earlier():
    held = utils.get_rng()
    utils.set_random_seed(3)
    a = held.random(4)
    utils.set_random_seed(3)
    np.testing.assert_array_equal(held.random(4), a)
    assert utils.get_rng() is held


def test_different_seeds_differ():
    utils.set_random_seed(1)
    a = utils.get_rng().random(4)
    utils.set_random_seed(2)
    assert not np.array_equal(a, utils.get_rng().random(4))


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_seed_is_rejected(bad):
    with pytest.raises(ValueError, match="seed"):
        utils.set_random_seed(bad)


def test_to_tensor_uses_the_default_float_dtype_and_keeps_integers():
    assert utils.to_tensor([1.0, 2.0]).dtype == np.float32
    assert utils.to_tensor(np.zeros(2)).dtype == np.float32
    assert utils.to_tensor(np.arange(3)).dtype.kind == "i"
    assert utils.to_tensor([1, 2], dtype="float64").dtype == np.float64


def test_to_tensor_returns_a_tensor_as_is_and_casts_on_request():
    t = ag.Tensor([1.0, 2.0], requires_grad=True)
    assert utils.to_tensor(t) is t
    cast = utils.to_tensor(t, dtype=np.float64)
    assert cast.dtype == np.float64 and cast.requires_grad


def test_lookup_is_case_insensitive_and_lists_names_on_error():
    registry = {"glorot_uniform": 1, "GlorotUniform": 1, "zeros": 2}
    assert utils.lookup(registry, "GLOROT_UNIFORM", "initializer") == 1
    with pytest.raises(ValueError, match="unknown initializer 'glorot'.*'zeros'"):
        utils.lookup(registry, "glorot", "initializer")


def test_config_round_trip():
    class Scale:
        def __init__(self, factor=1.0):
            self.factor = factor

    config = utils.config_of("Scale", {"factor": 3.0})
    assert config == {"class_name": "Scale", "config": {"factor": 3.0}}
    assert utils.from_config({"Scale": Scale}, config, "thing").factor == 3.0
    with pytest.raises(ValueError, match="class_name"):
        utils.from_config({"Scale": Scale}, {"config": {}}, "thing")
