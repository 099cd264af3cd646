import gzip

import numpy as np
import pytest

from nn.datasets import load_digits, load_mnist
from nn.datasets.digits import DATA_FILE
from nn.datasets.mnist import IDX_FILES

N_DIGITS = 1797


# ---------------------------------------------------------------- digits


def test_digits_shapes_dtypes_and_ranges():
    (x_train, y_train), (x_test, y_test) = load_digits()
    assert x_train.shape == (1438, 64) and x_test.shape == (359, 64)
    assert y_train.shape == (1438,) and y_test.shape == (359,)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    x = np.concatenate([x_train, x_test])
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(np.concatenate([y_train, y_test]))) == set(range(10))


def test_digits_raw_unflattened():
    (x_train, _), (x_test, _) = load_digits(normalize=False, flatten=False)
    assert x_train.shape[1:] == (8, 8) and x_test.shape[1:] == (8, 8)
    assert x_train.dtype == np.uint8 and x_train.max() == 16
    normalized, _ = load_digits(normalize=True, flatten=False)[0]
    np.testing.assert_allclose(normalized * 16, x_train)


@pytest.mark.parametrize("test_fraction", [0.0, 0.2, 0.5])
def test_digits_split_sizes_cover_everything(test_fraction):
    (x_train, y_train), (x_test, y_test) = load_digits(normalize=False, test_fraction=test_fraction)
    assert len(x_train) + len(x_test) == N_DIGITS
    assert len(x_test) == round(test_fraction * N_DIGITS)
    assert len(y_train) == len(x_train) and len(y_test) == len(x_test)
    # Together the two parts are the bundled data set, each sample exactly once.
    with np.load(DATA_FILE) as data:
        bundled = sample_keys(data["images"].reshape(N_DIGITS, -1), data["labels"])
    split = sample_keys(np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test]))
    assert sorted(split) == sorted(bundled)


def sample_keys(x, y):
    return [row.astype(np.uint8).tobytes() + bytes([label]) for row, label in zip(x, y)]


def test_digits_split_is_fixed_and_ignores_global_seed():
    np.random.seed(123)
    first = load_digits()
    np.random.seed(456)
    np.random.default_rng(789).random(10)
    second = load_digits()
    for a, b in zip(first[0] + first[1], second[0] + second[1]):
        np.testing.assert_array_equal(a, b)


def test_digits_rejects_bad_test_fraction():
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=1.0)


# ---------------------------------------------------------------- mnist


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape
    )
    return header + array.astype(np.uint8).tobytes()


def fake_mnist(n_train=5, n_test=3, seed=0):
    rng = np.random.default_rng(seed)

    def split(n):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        return images, rng.integers(0, 10, n, dtype=np.uint8)

    return split(n_train), split(n_test)


def write_idx_folder(folder, data, compress=False):
    for (images_name, labels_name), (x, y) in zip(IDX_FILES.values(), data):
        for name, array in ((images_name, x), (labels_name, y)):
            raw = idx_bytes(array)
            if compress:
                (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
            else:
                (folder / name).write_bytes(raw)
    return folder


def assert_same_mnist(loaded, expected):
    for (x, y), (x_exp, y_exp) in zip(loaded, expected):
        assert x.dtype == np.uint8 and y.dtype == np.uint8
        np.testing.assert_array_equal(x, x_exp)
        np.testing.assert_array_equal(y, y_exp)


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_reads_idx_folder(tmp_path, compress):
    data = fake_mnist()
    loaded = load_mnist(write_idx_folder(tmp_path, data, compress))
    assert loaded[0][0].shape == (5, 28, 28) and loaded[1][1].shape == (3,)
    assert_same_mnist(loaded, data)


def test_mnist_reads_mixed_plain_and_gzipped(tmp_path):
    data = fake_mnist()
    write_idx_folder(tmp_path, data, compress=True)
    plain = tmp_path / "t10k-labels-idx1-ubyte"
    plain.write_bytes(gzip.decompress((tmp_path / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    assert_same_mnist(load_mnist(str(tmp_path)), data)


def test_mnist_reads_keras_npz(tmp_path):
    data = fake_mnist()
    (x_train, y_train), (x_test, y_test) = data
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    assert_same_mnist(load_mnist(path), data)


def test_mnist_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.*expected a folder"):
        load_mnist(tmp_path / "nowhere")


def test_mnist_missing_idx_file(tmp_path):
    write_idx_folder(tmp_path, fake_mnist())
    (tmp_path / "t10k-images-idx3-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match=r"t10k-images-idx3-ubyte.*expected .*\.gz"):
        load_mnist(tmp_path)


def test_mnist_wrong_magic(tmp_path):
    write_idx_folder(tmp_path, fake_mnist())
    labels = tmp_path / "train-labels-idx1-ubyte"
    # An images file where labels belong: 3 dimensions instead of 1.
    labels.write_bytes(idx_bytes(np.zeros((5, 1, 1), np.uint8)))
    message = r"train-labels-idx1-ubyte: bad magic number 0x00000803; expected 0x00000801"
    with pytest.raises(ValueError, match=message):
        load_mnist(tmp_path)


def test_mnist_truncated_data(tmp_path):
    write_idx_folder(tmp_path, fake_mnist())
    images = tmp_path / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-10])
    message = r"train-images-idx3-ubyte: truncated: .*\(5, 28, 28\).*3920 data bytes.*holds 3910"
    with pytest.raises(ValueError, match=message):
        load_mnist(tmp_path)


def test_mnist_truncated_header(tmp_path):
    write_idx_folder(tmp_path, fake_mnist())
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte: truncated header"):
        load_mnist(tmp_path)


def test_mnist_truncated_gzip(tmp_path):
    write_idx_folder(tmp_path, fake_mnist(), compress=True)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz: corrupt or truncated gzip"):
        load_mnist(tmp_path)


def test_mnist_count_mismatch(tmp_path):
    write_idx_folder(tmp_path, fake_mnist())
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(2, np.uint8)))
    with pytest.raises(ValueError, match="3 images but t10k-labels-idx1-ubyte holds 2 labels"):
        load_mnist(tmp_path)


def test_mnist_npz_missing_key(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.zeros((1, 28, 28), np.uint8), y_train=np.zeros(1, np.uint8))
    with pytest.raises(ValueError, match=r"missing arrays \['x_test', 'y_test'\]; expected keys"):
        load_mnist(path)


def test_mnist_npz_corrupt(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="mnist.npz: not a readable .npz archive"):
        load_mnist(path)


def test_mnist_npz_count_mismatch(tmp_path):
    (x_train, y_train), (x_test, _) = fake_mnist()
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=np.zeros(1, np.uint8))
    with pytest.raises(ValueError, match=r"x_test has shape \(3, 28, 28\) and y_test \(1,\)"):
        load_mnist(path)
