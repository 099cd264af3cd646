"""Fuzzing the loader: whatever hypothesis does to a saved file's JSON config, its arrays' headers
or its bytes, nn.load_model either returns a model or raises nn.saving.ModelFileError; never
another exception, never a hang, never a huge allocation (the limits stay at their defaults, and
every size is checked before it is allocated). Example counts are bounded so the suite stays fast.
"""
from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import nn
from nn.saving import ModelFileError

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Values that broke loading before it was checked: huge sizes, wrong types, class names.
HOSTILE = st.sampled_from([2**40, 2**26, -1, 0, -(2**63), 1.5, float("nan"), float("inf"), "", "os.system",
                           "Sequential", None, True, [], {}, [1, 2], {"__array__": "weights/000"},
                           {"__array__": 3}, {"class_name": "Dense", "config": {"units": 2**30}}])
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | HOSTILE,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                 max_size=4),
                    max_leaves=10)


def places(value: Any, where: tuple = ()) -> list[tuple]:
    """Every place in a JSON value, as the keys that lead to it."""
    found = [where]
    if isinstance(value, dict):
        for key, child in value.items():
            found += places(child, where + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += places(child, where + (i,))
    return found


def loads_or_refuses_clearly(path: Path) -> None:
    try:
        model = nn.load_model(path)
    except ModelFileError as error:
        assert str(path) in str(error)
    else:
        assert isinstance(model, nn.Sequential)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@FUZZ
@given(data=st.data())
def test_any_change_to_the_json_config_loads_or_raises_a_model_file_error(good_entries, write_entries, scratch, data):
    config = json.loads(json.dumps(good_entries["config.json"]))
    where = data.draw(st.sampled_from(places(config)[1:]), label="place")
    target = config
    for key in where[:-1]:
        target = target[key]
    if data.draw(st.booleans(), label="delete"):
        del target[where[-1]]
    else:
        target[where[-1]] = data.draw(JSON, label="value")
    loads_or_refuses_clearly(write_entries(scratch / "json.npz", {**good_entries, "config.json": config}))


DTYPES = st.sampled_from(["<f4", ">f8", "<f2", "|u1", "<i8", "|b1", "<c8", "|O", "<U3", "|V4", "<M8[s]"])
SHAPES = st.lists(st.integers(-2, 2**40) | st.sampled_from([0, 1, 4, 8]), max_size=3).map(tuple)


def npy(descr: str, shape: tuple, fortran_order: bool, data: bytes) -> bytes:
    text = repr({"descr": descr, "fortran_order": fortran_order, "shape": shape}).encode()
    text += b" " * (-(10 + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + data


@FUZZ
@given(data=st.data())
def test_any_npy_header_on_any_array_loads_or_raises_a_model_file_error(good_entries, write_entries, scratch, data):
    key = data.draw(st.sampled_from(sorted(good_entries)), label="array")
    member = npy(data.draw(DTYPES, label="dtype"), data.draw(SHAPES, label="shape"), data.draw(st.booleans()),
                 data.draw(st.binary(max_size=300), label="data"))
    loads_or_refuses_clearly(write_entries(scratch / "header.npz", {**good_entries, key: member}))


@FUZZ
@given(data=st.data())
def test_any_damage_to_the_bytes_loads_or_raises_a_model_file_error(good_file, scratch, data):
    raw = bytearray(good_file.read_bytes())
    for position, value in data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)),
                                              min_size=1, max_size=12), label="changes"):
        raw[position] = value
    cut = data.draw(st.none() | st.integers(0, len(raw)), label="truncate at")
    path = scratch / "bytes.npz"
    path.write_bytes(bytes(raw[:cut]))
    loads_or_refuses_clearly(path)


@FUZZ
@given(config=st.dictionaries(st.sampled_from(["format", "version", "kind", "weights", "model_config", "model_class",
                                               "compile_config", "optimizer_state"]), JSON, max_size=8))
def test_a_config_made_from_scratch_loads_or_raises_a_model_file_error(good_entries, write_entries, scratch, config):
    config = {"format": "chainrule.nn", "version": 1, **config}
    loads_or_refuses_clearly(write_entries(scratch / "scratch.npz", {**good_entries, "config.json": config}))


def test_the_fuzzed_file_is_loadable_before_it_is_damaged(good_entries, write_entries, scratch):
    """The fuzzing starts from a file that loads, so what it finds comes from the damage."""
    model = nn.load_model(write_entries(scratch / "intact.npz", good_entries))
    assert model.optimizer.iterations == 1 and len(model.weights) == 4
    assert np.isfinite(model.predict(np.ones((1, 4), dtype="float32"))).all()


def test_a_zip_damaged_in_its_directory_is_refused_clearly_not_sniffed_into_a_crash(good_file, tmp_path):
    """The .keras sniffing opens the zip first; a corrupt central directory must still end in
    ModelFileError (found by the fuzzer above when the Keras-file formats joined)."""
    data = bytearray(good_file.read_bytes())
    directory = data.rfind(b"PK\x01\x02")
    data[directory:directory + 4] = b"\x00\x00\x00\x00"
    path = tmp_path / "model.npz"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError):
        nn.load_model(path)
