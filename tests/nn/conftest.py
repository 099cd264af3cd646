"""For every test of nn: automatic layer names start afresh (dense, dense_1, ...) and the shared
random generator from seed 0, so a test's names and numbers do not depend on the tests before it.

For the tests of saving and loading: a saved model to damage, and the tools to damage it
(rewrite its JSON config, its arrays, or the zip around them)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np
import pytest

import nn
from nn.layers import Dense, Dropout, Input


@pytest.fixture(autouse=True)
def fresh_names_and_seed() -> None:
    nn.layers.reset_name_counters()
    nn.utils.set_random_seed(0)


def small_trained_model() -> nn.Sequential:
    """Four weights, Adam's moments for each, a Dropout without weights: every part of a file."""
    nn.layers.reset_name_counters()
    nn.utils.set_random_seed(0)
    model = nn.Sequential([Input(shape=(4,)), Dense(8, activation="relu"), Dropout(0.1),
                           Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.ones((6, 4), dtype="float32"), np.array([0, 1, 2, 0, 1, 2]), verbose=0)
    return model


@pytest.fixture(scope="session")
def good_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "model.npz"
    small_trained_model().save(path)
    return path


@pytest.fixture(scope="session")
def good_entries(good_file) -> dict[str, np.ndarray]:
    """The arrays of the good file by key, its config as parsed JSON under "config.json"."""
    with np.load(good_file, allow_pickle=False) as npz:
        entries: dict[str, Any] = {key: npz[key] for key in npz.files}
    entries["config.json"] = json.loads(entries["config.json"].tobytes())
    return entries


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def config_array(config: Any) -> np.ndarray:
    text = config if isinstance(config, str) else json.dumps(config)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def write_entries(path: Path, entries: dict[str, Any], compression: int = zipfile.ZIP_STORED) -> Path:
    """A model file at `path` from `entries`: arrays, or raw bytes for a member; "config.json"
    may be a JSON value or text (turned into the uint8 array a save writes)."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for key, value in entries.items():
            if key == "config.json" and not isinstance(value, (np.ndarray, bytes)):
                value = config_array(value)
            archive.writestr(f"{key}.npy", value if isinstance(value, bytes) else npy_bytes(value))
    return path


@pytest.fixture(name="write_entries")
def write_entries_fixture() -> Callable[..., Path]:
    return write_entries


@pytest.fixture
def crafted(tmp_path, good_entries) -> Callable[..., Path]:
    """``crafted(edit=None, arrays=None)``: the good file with its config passed through `edit`
    (which changes it in place) and the `arrays` by key replacing its own (None removes one)."""
    def make(edit: Optional[Callable[[dict], Any]] = None, name: str = "crafted.npz",
             arrays: Optional[dict[str, Any]] = None) -> Path:
        entries = {key: value for key, value in good_entries.items()}
        entries["config.json"] = json.loads(json.dumps(entries["config.json"]))
        if edit is not None:
            edit(entries["config.json"])
        for key, value in (arrays or {}).items():
            if value is None:
                entries.pop(key, None)
            else:
                entries[key] = value
        return write_entries(tmp_path / name, entries)

    return make
