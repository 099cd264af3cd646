"""Weight initializers with Keras's names and defaults: `init(shape, dtype=None) -> np.ndarray`.

Random ones draw from `nn.utils.get_rng()` (so `set_random_seed` fixes them), unless given
their own `seed`: then every call returns the same values, as in Keras.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

import autograd as ag
from nn.utils import check_seed, config_of, from_config, get_rng, lookup, type_name

Shape = Sequence[int]

# The standard deviation of a unit normal truncated to [-2, 2]; dividing by it restores the
# variance that truncation removes.
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def compute_fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) as Keras computes them.

    2-D (in, out): (in, out). Convolution kernels (*window, in, out): each multiplied by the
    window size. 1-D (n,): (n, n). Scalars: (1, 1).
    """
    shape = tuple(int(n) for n in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class Initializer:
    """Base class: a callable `(shape, dtype=None) -> ndarray` with a `get_config()`."""

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


def _float_dtype(dtype: Any) -> np.dtype:
    dtype = np.dtype(ag.get_default_dtype() if dtype is None else dtype)
    if dtype.kind != "f":
        raise TypeError(f"initializers fill float weights; got dtype {dtype}. Use e.g. 'float32'.")
    return dtype


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        return np.zeros(tuple(shape), dtype=_float_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        return np.ones(tuple(shape), dtype=_float_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to `value`."""

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        return np.full(tuple(shape), self.value, dtype=_float_dtype(dtype))

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomInitializer(Initializer):
    """Shared by random initializers: the generator to draw from."""

    def __init__(self, seed: Optional[int] = None) -> None:
        self.seed = check_seed(seed, type(self).__name__)

    def generator(self) -> np.random.Generator:
        """A fresh generator from `seed` (same draws each call), else nn's shared one."""
        return get_rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


def _truncated_normal(rng: np.random.Generator, shape: Shape, stddev: float) -> np.ndarray:
    """N(0, stddev^2) with draws beyond two standard deviations drawn again."""
    values = rng.standard_normal(tuple(shape))
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values * stddev


class RandomNormal(RandomInitializer):
    """N(mean, stddev^2)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        values = self.generator().normal(self.mean, self.stddev, tuple(shape))
        return values.astype(_float_dtype(dtype))

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomNormal):
    """N(mean, stddev^2) restricted to mean +- 2 stddev (values outside are drawn again)."""

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        values = self.mean + _truncated_normal(self.generator(), shape, self.stddev)
        return values.astype(_float_dtype(dtype))


class RandomUniform(RandomInitializer):
    """U(minval, maxval)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05,
                 seed: Optional[int] = None) -> None:
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        values = self.generator().uniform(self.minval, self.maxval, tuple(shape))
        return values.astype(_float_dtype(dtype))

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class VarianceScaling(RandomInitializer):
    """Variance scale / n, n = fan_in, fan_out or their mean (`mode`).

    distribution "truncated_normal" (or "normal"): stddev sqrt(scale / n) / 0.8796 before
    truncation at 2 stddev; "untruncated_normal": stddev sqrt(scale / n);
    "uniform": U(-limit, limit) with limit = sqrt(3 scale / n).
    """

    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Optional[int] = None) -> None:
        super().__init__(seed)
        distribution = "truncated_normal" if distribution.lower() == "normal" else distribution.lower()
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}.")
        if mode.lower() not in self.MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self.MODES}, got {mode!r}.")
        if distribution not in self.DISTRIBUTIONS:
            raise ValueError(f"VarianceScaling: distribution must be one of {self.DISTRIBUTIONS} "
                             f"or 'normal', got {distribution!r}.")
        self.scale, self.mode, self.distribution = scale, mode.lower(), distribution

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self.generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, tuple(shape))
        elif self.distribution == "truncated_normal":
            values = _truncated_normal(rng, shape, math.sqrt(variance) / _TRUNCATED_NORMAL_STDDEV)
        else:
            values = rng.normal(0.0, math.sqrt(variance), tuple(shape))
        return values.astype(_float_dtype(dtype))

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config()}


class _NamedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed settings; only the seed is configurable."""

    SETTINGS: tuple[float, str, str]

    def __init__(self, seed: Optional[int] = None) -> None:
        super().__init__(*self.SETTINGS, seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class GlorotUniform(_NamedVarianceScaling):
    """U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""

    SETTINGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_NamedVarianceScaling):
    """Truncated normal, stddev sqrt(2 / (fan_in + fan_out)) / 0.8796."""

    SETTINGS = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_NamedVarianceScaling):
    """U(-limit, limit), limit = sqrt(6 / fan_in) (He et al., 2015)."""

    SETTINGS = (2.0, "fan_in", "uniform")


class HeNormal(_NamedVarianceScaling):
    """Truncated normal, stddev sqrt(2 / fan_in) / 0.8796."""

    SETTINGS = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_NamedVarianceScaling):
    """U(-limit, limit), limit = sqrt(3 / fan_in) (LeCun et al., 1998)."""

    SETTINGS = (1.0, "fan_in", "uniform")


class LecunNormal(_NamedVarianceScaling):
    """Truncated normal, stddev sqrt(1 / fan_in) / 0.8796."""

    SETTINGS = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix times `gain` (Saxe et al., 2014), the Keras default for
    recurrent kernels: repeated products with it neither blow up nor vanish at first.

    The shape is read as (prod(shape[:-1]), shape[-1]); the Q of a Gaussian matrix's QR
    decomposition, its columns' signs fixed by R's diagonal, is orthonormal along the shorter side.
    """

    def __init__(self, gain: float = 1.0, seed: Optional[int] = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape: Shape, dtype: Any = None) -> np.ndarray:
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of at least 2 dimensions, got {tuple(shape)}; "
                             f"use e.g. 'glorot_uniform' for vectors.")
        rows, columns = math.prod(shape[:-1]), shape[-1]
        gaussian = self.generator().standard_normal((max(rows, columns), min(rows, columns)))
        q, r = np.linalg.qr(gaussian)
        q *= np.sign(np.diag(r))
        if rows < columns:
            q = q.T
        return np.ascontiguousarray((self.gain * q).reshape(tuple(shape)), dtype=_float_dtype(dtype))

    def get_config(self) -> dict:
        return {"gain": self.gain, **super().get_config()}


_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (
        Zeros, Ones, Constant, RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling,
        GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal)
}
_NAMES: dict[str, type] = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "truncated_normal": TruncatedNormal,
    "random_uniform": RandomUniform, "uniform": RandomUniform, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "xavier_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "xavier_normal": GlorotNormal,
    "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal,
}

InitializerLike = Union[str, dict, Initializer, Callable[..., np.ndarray], None]


def get(identifier: InitializerLike) -> Optional[Callable[..., np.ndarray]]:
    """An initializer from a name ("glorot_uniform", "GlorotUniform", case-insensitive), a
    `serialize` dict, a callable (as is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup({**_NAMES, **_CLASSES}, identifier, "initializer")()
    if isinstance(identifier, dict):
        return from_config(_CLASSES, identifier, "initializer")
    if callable(identifier):
        return identifier
    raise TypeError(f"an initializer must be a name such as 'glorot_uniform', an Initializer or "
                    f"a callable (shape, dtype) -> array, got {type_name(identifier)}.")


def serialize(initializer: Optional[Initializer]) -> Optional[dict]:
    """{"class_name": ..., "config": {...}}, which `get` turns back into an equal initializer;
    None for None."""
    if initializer is None:
        return None
    if not isinstance(initializer, Initializer) or type(initializer).__name__ not in _CLASSES:
        raise ValueError(f"cannot serialize the custom initializer {initializer!r}: only built-in "
                         f"initializers can be restored from a saved config "
                         f"({', '.join(sorted(_CLASSES))}).")
    return config_of(type(initializer).__name__, initializer.get_config())
