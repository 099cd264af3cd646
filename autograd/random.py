"""The one random generator behind autograd's random constructors and nn's initializers,
shuffling and dropout, so that one seed repeats a whole run."""
from __future__ import annotations

import numpy as np

default_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Reseed the shared generator (torch's name). It is reseeded in place, so code that holds
    it follows; `nn.utils.set_random_seed` calls this and also seeds numpy's and Python's."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed needs a non-negative integer seed, such as 0 or 1234, got {seed!r}.")
    default_generator.bit_generator.state = np.random.PCG64(int(seed)).state
