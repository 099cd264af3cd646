"""mnist / fashion_mnist `load_data()`: downloaded once from a local HTTP server on 127.0.0.1 that
the test starts (never the internet), checked by SHA-256, written atomically, read from the cache."""
import gzip
import hashlib
import http.server
import io
import socket
import threading

import numpy as np
import pytest

from nn.datasets import download, fashion_mnist, mnist

RNG = np.random.default_rng(0)
SPLITS = {"train": 6, "test": 3}


def tiny_mnist():
    arrays = {}
    for split, n in SPLITS.items():
        arrays[f"x_{split}"] = RNG.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        arrays[f"y_{split}"] = RNG.integers(0, 10, size=n, dtype=np.uint8)
    return arrays


def npz_bytes(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def idx_gz(array):
    """The IDX format: 0, 0, 0x08 (unsigned byte), ndim, one big-endian uint32 per dimension, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return gzip.compress(header + array.tobytes())


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class FileServer(http.server.ThreadingHTTPServer):
    """Serves `files` (name -> bytes) and records each requested path; `short_by` cuts bodies."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FileHandler)
        self.files, self.requests, self.short_by = {}, [], 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/"


class FileHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:len(body) - self.server.short_by])

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch, tmp_path):
    """A local server for the data set files, with the cache in tmp_path; stopped after the test."""
    files = FileServer()
    thread = threading.Thread(target=files.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHAINRULE_DATASETS_ORIGIN", files.url)
    try:
        yield files
    finally:
        files.shutdown()
        files.server_close()
        thread.join(timeout=5)


def serve_mnist(server, monkeypatch):
    arrays = tiny_mnist()
    server.files["mnist.npz"] = npz_bytes(arrays)
    monkeypatch.setattr(mnist, "NPZ_SHA256", sha256(server.files["mnist.npz"]))
    return arrays


def cached(tmp_path):
    return sorted(p.relative_to(tmp_path / "home").as_posix() for p in (tmp_path / "home").rglob("*") if p.is_file())


def test_mnist_downloads_once_then_loads_from_the_cache(server, monkeypatch, tmp_path, capsys):
    arrays = serve_mnist(server, monkeypatch)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for name, array in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test), ("y_test", y_test)):
        np.testing.assert_array_equal(array, arrays[name])
        assert array.dtype == np.uint8
    assert server.requests == ["/mnist.npz"]
    assert cached(tmp_path) == ["datasets/mnist.npz"]
    assert "Downloading data from " + server.url + "mnist.npz" in capsys.readouterr().err
    np.testing.assert_array_equal(mnist.load_data()[1][0], arrays["x_test"])
    assert server.requests == ["/mnist.npz"]  # the second call read the cache


def test_mnist_path_names_the_cached_file(server, monkeypatch, tmp_path):
    serve_mnist(server, monkeypatch)
    mnist.load_data(path="digits/my-mnist.npz")
    assert cached(tmp_path) == ["datasets/digits/my-mnist.npz"]


def test_fashion_mnist_downloads_its_four_idx_files(server, monkeypatch, tmp_path):
    expected = {}
    for split, n in SPLITS.items():
        images = RNG.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = RNG.integers(0, 10, size=n, dtype=np.uint8)
        images_name, labels_name = mnist.IDX_FILES[split]
        for name, array in ((images_name, images), (labels_name, labels)):
            server.files[name + ".gz"] = idx_gz(array)
            monkeypatch.setitem(fashion_mnist.FILES, name + ".gz", sha256(server.files[name + ".gz"]))
        expected[split] = (images, labels)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, expected["train"][0])
    np.testing.assert_array_equal(y_test, expected["test"][1])
    assert cached(tmp_path) == sorted(f"datasets/fashion-mnist/{name}" for name in fashion_mnist.FILES)
    fashion_mnist.load_data()
    assert len(server.requests) == 4


def test_a_checksum_mismatch_deletes_the_download_and_says_so(server, monkeypatch, tmp_path):
    serve_mnist(server, monkeypatch)
    monkeypatch.setattr(mnist, "NPZ_SHA256", "0" * 64)
    with pytest.raises(ValueError, match=r"SHA-256 is [0-9a-f]{64}, expected 0{64}\. The partial file was deleted"):
        mnist.load_data()
    assert cached(tmp_path) == []


def test_a_download_cut_short_leaves_no_file(server, monkeypatch, tmp_path):
    serve_mnist(server, monkeypatch)
    server.short_by = 100
    with pytest.raises(ConnectionError, match="could not download"):
        mnist.load_data()
    assert cached(tmp_path) == []


def test_a_missing_file_on_the_server_is_a_clear_error(server, tmp_path):
    with pytest.raises(ConnectionError, match="HTTPError: Not Found"):
        mnist.load_data()


def test_offline_the_error_says_where_to_put_the_file_and_that_file_is_then_used(monkeypatch, tmp_path):
    with socket.socket() as probe:  # a port with nobody listening: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHAINRULE_DATASETS_ORIGIN", f"http://127.0.0.1:{port}")
    destination = tmp_path / "home" / "datasets" / "mnist.npz"
    with pytest.raises(ConnectionError, match=f"by hand.*save it as {destination}"):
        mnist.load_data()
    arrays = tiny_mnist()
    destination.write_bytes(npz_bytes(arrays))
    np.testing.assert_array_equal(mnist.load_data()[0][1], arrays["y_train"])


def test_fashion_mnist_offline_error_names_all_four_files(server, tmp_path):
    with pytest.raises(ConnectionError, match="needs all four files there: train-images-idx3-ubyte.gz, "
                                              "train-labels-idx1-ubyte.gz, t10k-images"):
        fashion_mnist.load_data()


def test_cache_folder_defaults_to_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CHAINRULE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert download.cache_dir() == tmp_path / ".chainrule" / "datasets"
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "elsewhere"))
    assert download.cache_dir() == tmp_path / "elsewhere" / "datasets"


def test_default_origin_is_where_keras_downloads_from(monkeypatch):
    monkeypatch.delenv("CHAINRULE_DATASETS_ORIGIN", raising=False)
    assert download.origin() + mnist.NPZ_NAME == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
