"""MNIST as Keras loads it (`load_data`, downloaded once and cached), or from files already on
disk (`load_mnist`): the four IDX files or Keras's ``mnist.npz``.

IDX format (LeCun et al., http://yann.lecun.com/exdb/mnist/): a big-endian header of two zero
bytes, a dtype code (0x08 = unsigned byte), the number of dimensions, then one uint32 per
dimension; the data follow in C order. Images are ``idx3`` (n, rows, cols), labels ``idx1`` (n,).
"""

import gzip
import zipfile
from pathlib import Path

import numpy as np

from nn.datasets import download

NPZ_NAME = "mnist.npz"
NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # published with Keras
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
UBYTE_CODE = 0x08
GZIP_MAGIC = b"\x1f\x8b"


def load_data(path: str = NPZ_NAME) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``, as `keras.datasets.mnist.load_data`.

    60,000 training and 10,000 test images of handwritten digits, 28x28 grey levels 0..255.
    The first call downloads Keras's ``mnist.npz`` (11 MB, checked against its SHA-256) into
    the cache folder (``~/.chainrule/datasets``, or ``$CHAINRULE_HOME/datasets``); later calls
    read it from there. Offline, put ``mnist.npz`` there by hand.

    Args:
        path: where to cache the file, relative to the cache folder.

    Returns:
        ``x`` uint8 of shape (n, 28, 28) and ``y`` uint8 labels 0..9 of shape (n,).

    License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, made available under the
    Creative Commons Attribution-Share Alike 3.0 license.
    """
    return _load_npz(download.fetch(download.cache_dir() / path, download.origin() + NPZ_NAME, NPZ_SHA256))


def load_mnist(path) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``, uint8 and unscaled, like Keras.

    Args:
        path: a folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each may end in ``.gz``),
            or an ``.npz`` file with the keys ``x_train, y_train, x_test, y_test``.

    Returns:
        Images of shape ``(n, 28, 28)`` and labels of shape ``(n,)``, both uint8.

    Raises:
        FileNotFoundError: ``path`` or one of the four IDX files does not exist.
        ValueError: a file is not valid IDX / npz, is truncated, or images and labels disagree.
    """
    path = Path(path)
    if path.is_dir():
        return tuple(load_idx_pair(path, *IDX_FILES[split]) for split in ("train", "test"))
    if path.is_file():
        return _load_npz(path)
    raise FileNotFoundError(
        f"{path}: no such file or folder; expected a folder with the four MNIST IDX files "
        f"or an mnist.npz file"
    )


def load_idx_pair(folder: Path, images_name: str, labels_name: str) -> tuple[np.ndarray, np.ndarray]:
    """(images, labels) from two IDX files in `folder` (each may be gzipped), checked to pair up."""
    images = read_idx(_find(folder, images_name), ndim=3)
    labels = read_idx(_find(folder, labels_name), ndim=1)
    if len(images) != len(labels):
        raise ValueError(
            f"{folder}: {images_name} holds {len(images)} images but {labels_name} holds "
            f"{len(labels)} labels; expected one label per image"
        )
    return images, labels


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{folder / name}: missing; expected {name} or {name}.gz in {folder}")


def read_idx(path: Path, ndim: int) -> np.ndarray:
    """Read one IDX file of unsigned bytes with ``ndim`` dimensions, gzipped or not."""
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == GZIP_MAGIC:  # IDX itself starts with two zero bytes, so this cannot clash
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:  # a cut gzip stream is an EOFError
            raise ValueError(f"{path}: corrupt or truncated gzip data ({error})") from error

    header_size = 4 + 4 * ndim
    if len(raw) < 4:
        raise ValueError(f"{path}: truncated: {len(raw)} bytes, shorter than the 4-byte magic")
    zeros, code, dims = raw[:2], raw[2], raw[3]
    expected_magic = (UBYTE_CODE << 8) | ndim
    magic = int.from_bytes(raw[:4], "big")
    if zeros != b"\x00\x00" or code != UBYTE_CODE or dims != ndim:
        raise ValueError(
            f"{path}: bad magic number 0x{magic:08x}; expected 0x{expected_magic:08x} "
            f"(unsigned-byte IDX with {ndim} dimension{'s' if ndim > 1 else ''})"
        )
    if len(raw) < header_size:
        raise ValueError(
            f"{path}: truncated header: {len(raw)} bytes, expected {header_size} "
            f"for {ndim} dimension sizes"
        )
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    found = len(raw) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "trailing bytes"
        raise ValueError(
            f"{path}: {problem}: header declares shape {shape}, i.e. {expected} data bytes, "
            f"but the file holds {found}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def _load_npz(path: Path):
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in NPZ_KEYS if key not in archive.files]
            if missing:
                raise KeyError(missing)
            arrays = {key: archive[key] for key in NPZ_KEYS}
    except KeyError as error:
        raise ValueError(
            f"{path}: missing arrays {error.args[0]}; expected keys {', '.join(NPZ_KEYS)}"
        ) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path}: not a readable .npz archive ({error})") from error

    for key, array in arrays.items():
        if array.dtype != np.uint8:
            raise ValueError(f"{path}: {key} has dtype {array.dtype}; expected uint8")
    splits = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(
                f"{path}: x_{split} has shape {x.shape} and y_{split} {y.shape}; "
                f"expected (n, rows, cols) images and (n,) labels"
            )
        splits.append((x, y))
    return tuple(splits)
