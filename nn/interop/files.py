"""Writing a file so that a crash mid-write leaves the previous file intact."""
from __future__ import annotations

import contextlib
import os
import secrets
from typing import Any, Iterator


@contextlib.contextmanager
def replaced_atomically(filepath: Any) -> Iterator[str]:
    """Yield a fresh temporary path beside `filepath`; once the block has written it, it replaces
    `filepath` in one step (``os.replace``); if the block fails, it is removed."""
    path = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save to {path!r}: the folder {directory!r} does not exist; "
                                f"create it first (e.g. os.makedirs).")
    temp_path = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(8)}.tmp")
    try:
        yield temp_path
        os.replace(temp_path, path)
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
