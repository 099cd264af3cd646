"""Fashion-MNIST as Keras loads it: `load_data()`, downloaded once and cached.

70,000 grey-scale 28x28 images of clothing in 10 classes (Xiao, Rasul & Vollgraf, 2017,
Zalando Research, MIT license), in MNIST's IDX format and split (60,000 train, 10,000 test).
Class k is ``CLASS_NAMES[k]``.
"""
import numpy as np

from nn.datasets import download
from nn.datasets.mnist import IDX_FILES, load_idx_pair

CACHE_SUBDIR = "fashion-mnist"
# SHA-256 of the four gzipped IDX files as Zalando Research publishes them; Keras serves the same files.
FILES = {
    "train-images-idx3-ubyte.gz": "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
    "train-labels-idx1-ubyte.gz": "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
    "t10k-images-idx3-ubyte.gz": "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
    "t10k-labels-idx1-ubyte.gz": "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
}
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot")


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, as Keras does.

    The first call downloads the four gzipped IDX files (30 MB, each checked against its
    SHA-256) into ``fashion-mnist/`` in the cache folder (``~/.chainrule/datasets``, or
    ``$CHAINRULE_HOME/datasets``); later calls read them from there. Offline, put the files
    there by hand.

    Returns:
        ``x`` uint8 of shape (n, 28, 28) and ``y`` uint8 labels 0..9 of shape (n,).
    """
    folder = download.cache_dir() / CACHE_SUBDIR
    hint = f"Fashion-MNIST needs all four files there: {', '.join(FILES)}."
    for name, sha256 in FILES.items():
        download.fetch(folder / name, download.origin() + name, sha256, hint)
    return tuple(load_idx_pair(folder, *IDX_FILES[split]) for split in ("train", "test"))
