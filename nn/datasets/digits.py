"""The UCI optical handwritten digits, shipped with the package (no download).

1,797 grey-scale 8x8 images of the digits 0..9, each pixel a count 0..16 of the "on" pixels in a
4x4 block of the original 32x32 bitmap. Alpaydin & Kaynak (1998), UCI Machine Learning Repository,
CC BY 4.0; see ``data/DIGITS_LICENSE.txt`` for the full attribution.
"""

from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).parent / "data" / "digits.npz"
SPLIT_SEED = 0


def load_digits(
    normalize: bool = True, flatten: bool = True, test_fraction: float = 0.2
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the bundled digits as ``(x_train, y_train), (x_test, y_test)``.

    The split is one fixed permutation (``np.random.default_rng(0)``), so it is the same on every
    call and ignores any global seed; the last ``round(test_fraction * 1797)`` samples of it form
    the test set.

    Args:
        normalize: if True, ``x`` is float32 in [0, 1] (pixel / 16); else uint8 counts 0..16.
        flatten: if True, ``x`` has shape ``(n, 64)``; else ``(n, 8, 8)``.
        test_fraction: share of samples held out for testing, in [0, 1).

    Returns:
        ``((x_train, y_train), (x_test, y_test))`` with ``y`` int64 labels 0..9.
    """
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in [0, 1), got {test_fraction}")
    with np.load(DATA_FILE, allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]

    x = images.astype(np.float32) / 16.0 if normalize else images
    if flatten:
        x = x.reshape(len(x), -1)
    y = labels.astype(np.int64)

    order = np.random.default_rng(SPLIT_SEED).permutation(len(x))
    n_test = round(test_fraction * len(x))
    train, test = order[: len(x) - n_test], order[len(x) - n_test :]
    return (x[train], y[train]), (x[test], y[test])
