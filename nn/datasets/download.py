"""Fetch a data set file once into the cache folder, checked against its published SHA-256.

Files live in ``$CHAINRULE_HOME/datasets`` (default ``~/.chainrule/datasets``) and are loaded
from there after the first download. A download streams into a temporary file beside its
destination, with a tqdm bar, hashing as it goes; only a file whose SHA-256 matches is renamed
into place (one atomic step), so a cut or corrupt download never passes for a cached file.
``$CHAINRULE_DATASETS_ORIGIN`` replaces the base URL, e.g. with a mirror holding the same files.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO

from tqdm.std import tqdm

HOME_VARIABLE = "CHAINRULE_HOME"
ORIGIN_VARIABLE = "CHAINRULE_DATASETS_ORIGIN"
ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"  # where Keras downloads from
CHUNK_BYTES = 1 << 16
TIMEOUT_SECONDS = 60


def cache_dir() -> Path:
    """``$CHAINRULE_HOME/datasets``, or ``~/.chainrule/datasets`` when the variable is unset."""
    return Path(os.environ.get(HOME_VARIABLE) or Path.home() / ".chainrule").expanduser() / "datasets"


def origin() -> str:
    """The base URL of the data set files: ``$CHAINRULE_DATASETS_ORIGIN`` if set, else Keras's."""
    base = os.environ.get(ORIGIN_VARIABLE) or ORIGIN
    return base if base.endswith("/") else base + "/"


def fetch(destination: Path, url: str, sha256: str, hint: str = "") -> Path:
    """`destination`, downloaded from `url` first unless it is already there; `hint` ends the
    message of a failed download (e.g. naming the other files a data set needs).

    Raises:
        ConnectionError: the download failed (offline, server error, cut short); the message
            says where to put the file by hand.
        ValueError: the downloaded file's SHA-256 differs from `sha256`; it was deleted.
    """
    destination = Path(destination)
    if destination.is_file():
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = tempfile.NamedTemporaryFile(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part",
                                          delete=False)
    try:
        with partial:
            digest = _download(url, partial, destination, hint)
        if digest != sha256:
            raise ValueError(f"the file downloaded from {url} is corrupt or incomplete: its SHA-256 is {digest}, "
                             f"expected {sha256}. The partial file was deleted; run again to retry.")
        os.replace(partial.name, destination)
    finally:
        if os.path.exists(partial.name):
            os.unlink(partial.name)
    return destination


def _download(url: str, sink: BinaryIO, destination: Path, hint: str) -> str:
    """Stream `url` into the open file `sink` with a progress bar; its SHA-256 as hex."""
    hasher = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            expected = response.headers.get("Content-Length")
            total = int(expected) if expected and expected.isdigit() else None
            print(f"Downloading data from {url}", file=sys.stderr)
            with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=destination.name,
                      file=sys.stderr) as bar:
                received = 0
                while chunk := response.read(CHUNK_BYTES):
                    sink.write(chunk)
                    hasher.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            if total is not None and received != total:
                raise http.client.IncompleteRead(b"", total - received)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise ConnectionError(
            f"could not download {url} ({type(error).__name__}: {reason}). Check the network connection, "
            f"or download the file by hand (e.g. in a browser) and save it as {destination}; it is loaded from "
            f"there from then on.{' ' + hint if hint else ''}") from error
    return hasher.hexdigest()
