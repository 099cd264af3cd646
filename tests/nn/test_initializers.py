import math

import numpy as np
import pytest

from nn import initializers
from nn.utils import set_random_seed

FAN_IN, FAN_OUT = 300, 200
SHAPE = (FAN_IN, FAN_OUT)

# name -> (variance, bound on |w| or None)
EXPECTED = {
    "glorot_uniform": (2 / (FAN_IN + FAN_OUT), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "glorot_normal": (2 / (FAN_IN + FAN_OUT), 2 * math.sqrt(2 / (FAN_IN + FAN_OUT)) / 0.87962566),
    "he_uniform": (2 / FAN_IN, math.sqrt(6 / FAN_IN)),
    "he_normal": (2 / FAN_IN, 2 * math.sqrt(2 / FAN_IN) / 0.87962566),
    "lecun_uniform": (1 / FAN_IN, math.sqrt(3 / FAN_IN)),
    "lecun_normal": (1 / FAN_IN, 2 * math.sqrt(1 / FAN_IN) / 0.87962566),
    "random_normal": (0.05**2, None),
    "random_uniform": (0.1**2 / 12, 0.05),
    "truncated_normal": (0.05**2 * 0.87962566**2, 0.1),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_variance_mean_and_bounds(name):
    set_random_seed(0)
    w = initializers.get(name)(SHAPE)
    variance, bound = EXPECTED[name]
    assert w.shape == SHAPE and w.dtype == np.float32
    assert w.var() == pytest.approx(variance, rel=0.04)
    assert abs(w.mean()) < 4 * math.sqrt(variance / w.size)
    if bound is not None:
        assert np.abs(w).max() <= bound * (1 + 1e-6)


def test_variance_scaling_untruncated_normal():
    set_random_seed(0)
    w = initializers.VarianceScaling(2.0, "fan_out", "untruncated_normal")(SHAPE)
    assert w.var() == pytest.approx(2 / FAN_OUT, rel=0.04)
    assert np.abs(w).max() > 2 * math.sqrt(2 / FAN_OUT)  # no truncation


@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)), ((7,), (7, 7)), ((3, 5), (3, 5)), ((3, 3, 16, 32), (144, 288)), ((5, 4, 6), (20, 30)),
])
def test_fans_follow_keras(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_convolution_kernel_uses_the_receptive_field():
    set_random_seed(1)
    w = initializers.HeNormal()((3, 3, 64, 32))
    assert w.var() == pytest.approx(2 / (9 * 64), rel=0.05)


def test_same_global_seed_gives_identical_weights():
    set_random_seed(42)
    first = initializers.GlorotUniform()((10, 10))
    set_random_seed(42)
    np.testing.assert_array_equal(initializers.GlorotUniform()((10, 10)), first)


def test_consecutive_unseeded_calls_differ():
    init = initializers.GlorotUniform()
    assert not np.array_equal(init((10, 10)), init((10, 10)))


def test_own_seed_repeats_and_ignores_the_global_generator():
    init = initializers.HeNormal(seed=3)
    set_random_seed(0)
    first = init((6, 4))
    set_random_seed(99)
    np.testing.assert_array_equal(init((6, 4)), first)


def test_constant_ones_zeros_and_dtype():
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 2)), np.full((2, 2), 2.5))
    assert initializers.get("ones")((3,)).sum() == 3
    zeros = initializers.get("zeros")((2, 3), dtype="float64")
    assert zeros.dtype == np.float64 and not zeros.any()


def test_integer_dtype_is_an_error():
    with pytest.raises(TypeError, match="float"):
        initializers.Zeros()((2,), dtype="int32")


def test_get_resolves_keras_names_aliases_and_case():
    assert isinstance(initializers.get("glorot_uniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get("GlorotUniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get("Xavier_Normal"), initializers.GlorotNormal)
    assert isinstance(initializers.get("he_normal"), initializers.HeNormal)
    assert initializers.get(None) is None
    custom = lambda shape, dtype=None: np.zeros(shape)  # noqa: E731
    assert initializers.get(custom) is custom


def test_unknown_initializer_lists_the_valid_names():
    with pytest.raises(ValueError, match="'glorot'.*'glorot_uniform'.*'he_normal'"):
        initializers.get("glorot")


def test_bad_variance_scaling_arguments_are_named():
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_mean")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="laplace")


@pytest.mark.parametrize("initializer", [
    initializers.GlorotUniform(seed=5), initializers.RandomNormal(mean=1.0, stddev=0.2),
    initializers.Constant(0.3), initializers.VarianceScaling(2.0, "fan_avg", "uniform", seed=1),
    initializers.Zeros(),
])
def test_serialize_round_trips(initializer):
    config = initializers.serialize(initializer)
    restored = initializers.get(config)
    assert type(restored) is type(initializer)
    assert restored.get_config() == initializer.get_config()


def test_serialize_refuses_custom_callables():
    with pytest.raises(ValueError, match="custom initializer"):
        initializers.serialize(lambda shape, dtype=None: np.zeros(shape))


def test_none_serializes_to_none():
    assert initializers.serialize(None) is None


@pytest.mark.parametrize("shape", [(6, 24), (24, 6), (3, 4, 5)])
def test_orthogonal_rows_or_columns_are_orthonormal_times_the_gain(shape):
    w = initializers.get("orthogonal")(shape)
    assert w.shape == shape and w.dtype == np.float32 and w.flags["C_CONTIGUOUS"]
    matrix = initializers.Orthogonal(gain=2.0, seed=3)(shape, dtype="float64").reshape(-1, shape[-1])
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(matrix.shape)), atol=1e-12)
    np.testing.assert_array_equal(initializers.Orthogonal(seed=3)(shape), initializers.Orthogonal(seed=3)(shape))


def test_orthogonal_needs_a_matrix():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        initializers.Orthogonal()((5,))
