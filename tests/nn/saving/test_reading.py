"""nn.saving.reading: every way a file can be wrong gives ONE error type, ModelFileError, whose
message names the file, the part that is wrong and what to do; sizes are checked before they are
allocated, and LoadLimits can be raised for a file one trusts."""
from __future__ import annotations

import io
import json
import shutil
import struct
import zipfile

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

import nn
from nn.saving import LoadLimits, ModelFileError
from nn.saving.file_format import is_temporary_path, temporary_path
from nn.saving.reading import nesting_depth


def load_fails(path, *fragments: str, limits: LoadLimits = None) -> str:
    with pytest.raises(ModelFileError) as caught:
        nn.load_model(path, limits=limits)
    message = str(caught.value)
    assert str(path) in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"
    return message


# ---- the path ------------------------------------------------------------------------------------
def test_a_missing_file_is_a_model_file_error_and_a_file_not_found_error(tmp_path):
    with pytest.raises(ModelFileError) as caught:
        nn.load_model(tmp_path / "nothing.npz")
    assert isinstance(caught.value, FileNotFoundError) and "check the path" in str(caught.value)


def test_a_folder_is_refused_with_the_file_it_may_have_meant(tmp_path):
    load_fails(tmp_path, "is a folder", "model.npz")


def test_a_complete_temporary_file_left_by_a_killed_save_is_never_loaded(tmp_path, good_file):
    leftover = temporary_path(str(tmp_path / "model.npz"))
    shutil.copy(good_file, leftover)  # complete, but never renamed: the save was killed
    assert is_temporary_path(leftover) and not is_temporary_path(good_file)
    load_fails(leftover, "temporary file of a save that never finished", "load the model file itself",
               "delete this leftover")
    with pytest.raises(ModelFileError, match="temporary file"):
        nn.Sequential([nn.Input(shape=(4,)), nn.layers.Dense(8)]).load_weights(leftover)


def test_names_that_merely_look_hidden_or_temporary_still_load(tmp_path, good_file):
    for name in (".model.npz", "model.tmp", ".model.npz.backup.tmp", ".model.npz.0123456789ABCDEF.tmp"):
        shutil.copy(good_file, tmp_path / name)
        assert isinstance(nn.load_model(tmp_path / name), nn.Sequential)


# ---- the archive ---------------------------------------------------------------------------------
def test_two_members_with_one_name_are_refused(crafted, good_entries):
    path = crafted()
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("weights/000.npy", b"later bytes that np.load would have taken")
    load_fails(path, "two members named 'weights/000.npy'")


def deflated_zeros_member(path, config: dict, declared_numbers: int) -> None:
    """A file whose first weight is `declared_numbers` float32 zeros, deflated: a zip bomb."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (declared_numbers,)})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json.npy", _config_npy(config))
        with archive.open("weights/000.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            zeros = bytes(2**22)
            for start in range(0, declared_numbers * 4, len(zeros)):
                member.write(zeros[:min(len(zeros), declared_numbers * 4 - start)])


def _config_npy(config: dict) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.frombuffer(json.dumps(config).encode(), dtype=np.uint8))
    return buffer.getvalue()


def test_an_archive_that_would_unpack_to_many_times_its_size_is_refused_unread(tmp_path, good_entries):
    path = tmp_path / "bomb.npz"
    deflated_zeros_member(path, good_entries["config.json"], 2**25)  # 128 MiB of zeros in ~130 kB
    message = load_fails(path, "would unpack to", "zip bomb", "LoadLimits.max_expansion=10.0",
                         "nn.load_model(path, limits=nn.saving.LoadLimits(max_expansion=")
    assert path.stat().st_size < 2**20
    # Raised past the ratio, the same file is read and refused for what it holds instead.
    load_fails(path, "weight 'dense/kernel' is listed with shape (4, 8)",
               limits=LoadLimits(max_expansion=2000))
    assert "max_expansion" in message


def patch_every_header(path, offset_local: int, offset_central: int, value: int) -> None:
    """Set a 2-byte field of every zip header: local (PK\\3\\4) and central (PK\\1\\2)."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", offset_local), (b"PK\x01\x02", offset_central)):
        start = data.find(signature)
        while start >= 0:
            old = struct.unpack_from("<H", data, start + offset)[0]
            struct.pack_into("<H", data, start + offset, value(old))
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


def test_encrypted_members_and_unknown_compression_are_refused(crafted):
    path = crafted(name="encrypted.npz")
    patch_every_header(path, 6, 8, lambda flags: flags | 1)
    load_fails(path, "'config.json.npy' is encrypted")
    path = crafted(name="method99.npz")
    patch_every_header(path, 8, 10, lambda method: 99)
    load_fails(path, "compressed with zip method 99", "stored uncompressed")


def test_a_deflated_file_written_by_hand_still_loads(tmp_path, good_entries, write_entries):
    path = write_entries(tmp_path / "deflated.npz", good_entries, compression=zipfile.ZIP_DEFLATED)
    assert isinstance(nn.load_model(path), nn.Sequential)


def test_a_flipped_data_byte_fails_the_zip_checksum(crafted):
    path = crafted()
    data = bytearray(path.read_bytes())
    data[data.index(b"weights/000.npy") + 200] ^= 0xFF  # inside the first weight's stored data
    path.write_bytes(bytes(data))
    load_fails(path, "cannot be read", "CRC")


# ---- the arrays ----------------------------------------------------------------------------------
def test_an_object_array_is_refused_without_unpickling(crafted, capsys):
    class Loud:
        def __reduce__(self):
            return (print, ("unpickled: a crafted file ran code",))

    load_fails(crafted(arrays={"weights/000": np.array([Loud()], dtype=object)}), "holds Python objects (a pickle)",
               "allow_pickle=False")
    assert "unpickled" not in capsys.readouterr().out


@pytest.mark.parametrize("array, fragment", [
    (np.array([["a"] * 8] * 4), "holds <U1 values, not numbers"),
    (np.ones((4, 8), dtype=np.complex64), "holds complex64 values, not numbers"),
    (np.ones((5, 5), dtype=np.float32), "'dense/kernel' is listed with shape (4, 8) but its array"),
])
def test_a_weight_array_of_the_wrong_kind_or_shape_is_refused(crafted, array, fragment):
    load_fails(crafted(arrays={"weights/000": array}), fragment)


def npy_with_header(shape: tuple, data: bytes, version: int = 1) -> bytes:
    """A .npy file by hand: magic, version, header length, a float32 header, then `data`."""
    text = repr({"descr": "<f4", "fortran_order": False, "shape": shape}).encode()
    length_format = "<H" if version == 1 else "<I"
    prefix = 6 + 2 + struct.calcsize(length_format)
    text += b" " * (-(prefix + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(length_format, len(text)) + text + data


def test_a_header_promising_more_than_the_member_holds_is_refused_before_allocating(crafted):
    lie = npy_with_header((2**20, 2**20), bytes(128))  # 4 TiB promised, 128 bytes held
    load_fails(crafted(arrays={"weights/000": lie}), "declares an array of shape (1048576, 1048576)",
               "but holds 128 bytes of data")


def test_an_npy_version_that_save_never_writes_is_refused(crafted):
    load_fails(crafted(arrays={"weights/000": npy_with_header((4, 8), bytes(128), version=3)}),
               "a .npy file of version (3, 0)")


def test_a_missing_array_is_named(crafted):
    load_fails(crafted(arrays={"weights/001": None}), "missing the array of the weight 'dense/bias'", "'weights/001.npy'")


def test_optimizer_arrays_larger_than_any_optimizer_keeps_are_refused(crafted):
    load_fails(crafted(arrays={"optimizer/0000": np.zeros(10_000, dtype=np.float32)}),
               "over 4 numbers per weight number")


# ---- the config ----------------------------------------------------------------------------------
def test_a_file_without_a_config_or_with_a_config_of_another_kind(crafted, tmp_path, write_entries):
    load_fails(write_entries(tmp_path / "foreign.npz", {"a": np.ones(3)}), "no 'config.json' entry",
               "not written by model.save")
    load_fails(crafted(arrays={"config.json": np.ones(3)}), "'config.json' entry is an array of float64")
    load_fails(crafted(arrays={"config.json": np.frombuffer(b"\xff\xfe{}", dtype=np.uint8)}), "not UTF-8 text")
    load_fails(crafted(arrays={"config.json": np.frombuffer(b"{not json", dtype=np.uint8)}), "not valid JSON")


def test_json_nested_100000_deep_is_refused_without_a_recursion_error(crafted):
    deep = '{"format": "chainrule.nn", "version": 1, "kind": "model", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    load_fails(crafted(arrays={"config.json": np.frombuffer(deep.encode(), dtype=np.uint8)}), "nested 100,001 deep",
               "deeper than any model needs")


def add_note(depth: int):
    def edit(config: dict) -> None:
        config["note"] = json.loads("[" * depth + "]" * depth)
    return edit


def test_nesting_past_the_limit_is_refused_and_loads_once_the_limit_is_raised(crafted):
    path = crafted(add_note(150))
    load_fails(path, "nested 151 deep", "LoadLimits.max_nesting=100", "LoadLimits(max_nesting=151)")
    assert isinstance(nn.load_model(path, limits=LoadLimits(max_nesting=151)), nn.Sequential)


def test_a_config_past_the_byte_limit_is_refused_before_it_is_parsed(good_file):
    load_fails(good_file, "has a JSON config of", "LoadLimits.max_config_bytes=100",
               limits=LoadLimits(max_config_bytes=100))


def test_too_many_weight_numbers_are_refused_and_load_once_the_limit_is_raised(good_file):
    message = load_fails(good_file, "lists weights of 67 numbers", "LoadLimits.max_parameters=10",
                         "LoadLimits(max_parameters=67)", limits=LoadLimits(max_parameters=10))
    assert "damaged or crafted" in message
    assert isinstance(nn.load_model(good_file, limits=LoadLimits(max_parameters=67)), nn.Sequential)


def test_too_many_layers_are_refused_and_load_once_the_limit_is_raised(good_file):
    load_fails(good_file, "has 3 layers", "LoadLimits.max_layers=2", limits=LoadLimits(max_layers=2))
    assert isinstance(nn.load_model(good_file, limits=LoadLimits(max_layers=3)), nn.Sequential)


@pytest.mark.parametrize("field, value", [("max_parameters", 0), ("max_layers", -1), ("max_nesting", 501),
                                          ("max_config_bytes", 1.5), ("max_expansion", 0.5),
                                          ("max_parameters", True)])
def test_limits_are_checked_when_made(field, value):
    with pytest.raises(ValueError, match=f"LoadLimits: {field} (must|can be at most)"):
        LoadLimits(**{field: value})


def test_limits_of_another_type_are_refused(good_file):
    with pytest.raises(TypeError, match="limits must be an nn.saving.LoadLimits"):
        nn.load_model(good_file, limits={"max_parameters": 10})


# ---- nesting depth without recursion ---------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='ab[]{}"\\ ', max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='k[{"\\', max_size=3), inner,
                                                                 max_size=3),
    max_leaves=12)


def depth_of(value) -> int:
    if isinstance(value, (list, dict)):
        children = value.values() if isinstance(value, dict) else value
        return 1 + max((depth_of(child) for child in children), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_nesting_depth_counts_brackets_outside_strings_only(value):
    assert nesting_depth(json.dumps(value)) == depth_of(value)


def test_nesting_depth_runs_in_linear_time_on_hostile_text():
    assert nesting_depth("[" * 2_000_000) == 2_000_000
    assert nesting_depth('"\\' * 1_000_000) == 0  # one string that never ends: no quadratic scan
