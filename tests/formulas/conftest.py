"""Every formula test runs in float64, so the engine's gradients match the closed forms to ~1e-12."""
import numpy as np
import pytest

import autograd as ag


@pytest.fixture(autouse=True)
def float64():
    """Make float64 the default dtype for the test (layers' weights included), then restore it."""
    previous = ag.get_default_dtype()
    ag.set_default_dtype(np.float64)
    yield
    ag.set_default_dtype(previous)


@pytest.fixture
def rng():
    """A fixed generator for the test's data, so every run checks the same numbers."""
    return np.random.default_rng(0)
