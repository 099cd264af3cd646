"""Reading a model file as a bounded operation: every size is checked before it is allocated.

In order: the path (a folder, a save's leftover temporary file), the zip's directory (duplicate
members, how far the archive would unpack), the JSON config (its size and nesting depth before
parsing, then its schema), then each array's ``.npy`` header (dtype and shape, against the
weights the config lists) before the array is read. Arrays are read with
``np.lib.format.read_array(allow_pickle=False)``, so a file cannot run code. Every failure is a
`ModelFileError`.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import zipfile
import zlib
from typing import IO, Iterator, Optional

import numpy as np

from nn.saving import schema
from nn.saving.file_format import (CONFIG_KEY, EXPANSION_FREE_BYTES, MOST_NESTING, OPTIMIZER_NUMBERS_PER_WEIGHT,
                                   ZIP_MAGIC, LoadLimits, ModelFileError, ModelFileNotFoundError, check_limits,
                                   is_temporary_path, over_limit, unreadable)

Header = tuple[tuple[int, ...], np.dtype, bool]  # shape, dtype, Fortran order
_READ_CHUNK = 2**20
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
               RuntimeError, NotImplementedError, KeyError, OverflowError)


def read(path: str, limits: Optional[LoadLimits] = None) -> tuple[dict, dict[str, np.ndarray]]:
    """The config of the file at `path` and every array it refers to, or a `ModelFileError`
    naming the part that is wrong (or the `LoadLimits` field that it exceeds)."""
    limits = check_limits(limits)
    _check_path(path)
    try:
        file = open(path, "rb")
    except OSError as error:
        raise ModelFileError(f"{path!r} cannot be opened ({error}); check that this process may read it.") from None
    with file:
        start = file.read(len(ZIP_MAGIC))
        if start != ZIP_MAGIC:
            # Checked before numpy sees the bytes: np.load would take them for a pickle and
            # suggest allow_pickle=True, advice that would let a crafted file run code.
            kind = "empty" if not start else "a single .npy array" if start == b"\x93NUM" else "another kind of file"
            raise unreadable(path, f"it is {kind}, not the .npz (zip) archive that model.save writes")
        try:
            archive = zipfile.ZipFile(file)
        except _ZIP_ERRORS as error:
            raise unreadable(path, f"its zip directory cannot be read ({error})") from None
        with archive:
            members = _members(archive, path, os.fstat(file.fileno()).st_size, limits)
            config = _read_config(archive, members, path, limits)
            arrays = _read_arrays(archive, members, config, path)
    return config, arrays


def _check_path(path: str) -> None:
    if not os.path.exists(path):
        raise ModelFileNotFoundError(f"no saved model at {path!r}; check the path (model.save writes the file "
                                     f"exactly there).")
    if os.path.isdir(path):
        raise ModelFileError(f"{path!r} is a folder, not a model file; give the path of the file that "
                             f"model.save wrote, e.g. {os.path.join(path, 'model.npz')!r}.")
    if is_temporary_path(path):
        raise ModelFileError(f"{path!r} is the temporary file of a save that never finished (a save writes "
                             f"'.NAME.<hex>.tmp', then renames it to NAME), so it may be incomplete; load the "
                             f"model file itself, and delete this leftover.")


def _members(archive: zipfile.ZipFile, path: str, archive_size: int, limits: LoadLimits
             ) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by name, refused when two share a name or when together they
    would unpack to more than `max_expansion` times the archive (a zip bomb)."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in members:
            raise unreadable(path, f"it holds two members named {info.filename!r}")
        members[info.filename] = info
    unpacked = sum(info.file_size for info in members.values())
    if unpacked > max(EXPANSION_FREE_BYTES, limits.max_expansion * archive_size):
        ratio = math.ceil(unpacked / max(archive_size, 1))
        raise over_limit(path, f"would unpack to {unpacked:,} bytes, {ratio:,} times its own {archive_size:,} "
                               f"bytes (a zip bomb?)", "max_expansion", limits.max_expansion, ratio)
    return members


@contextlib.contextmanager
def _opened(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> Iterator[IO[bytes]]:
    """The member `info` open for reading; any failure to read it becomes a ModelFileError."""
    if info.flag_bits & 0x1:
        raise unreadable(path, f"its member {info.filename!r} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise unreadable(path, f"its member {info.filename!r} is compressed with zip method "
                               f"{info.compress_type}; model files are stored uncompressed (or deflated)")
    try:
        with archive.open(info) as member:
            yield member
    except ModelFileError:
        raise
    except _ZIP_ERRORS as error:
        raise unreadable(path, f"its member {info.filename!r} cannot be read ({error})") from None


def _read_arrays(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], config: dict, path: str
                 ) -> dict[str, np.ndarray]:
    """Every array the config refers to, each read only after its header passed: a weight must
    have the shape the config lists, and the optimizer's arrays may hold at most
    `OPTIMIZER_NUMBERS_PER_WEIGHT` numbers per weight number together."""
    listed = {spec["key"]: spec for spec in config["weights"]}
    weight_numbers = schema.weight_count(config)
    optimizer_numbers = 0
    arrays = {}
    for key, what in schema.array_references(config).items():
        info = members.get(key + ".npy")
        if info is None:
            raise unreadable(path, f"it is missing the array of {what} (the member {key + '.npy'!r})")
        with _opened(archive, info, path) as member:
            header = _header(member, info, path)
            shape = header[0]
            if key in listed and shape != tuple(listed[key]["shape"]):
                raise unreadable(path, f"{what} is listed with shape {tuple(listed[key]['shape'])} but its array "
                                       f"{key!r} has shape {shape}")
            if key not in listed:
                optimizer_numbers += math.prod(shape)
                if optimizer_numbers > OPTIMIZER_NUMBERS_PER_WEIGHT * weight_numbers:
                    raise unreadable(path, f"its optimizer state holds over {OPTIMIZER_NUMBERS_PER_WEIGHT} numbers "
                                           f"per weight number (the weights hold {weight_numbers:,}); no optimizer "
                                           f"keeps that many")
            arrays[key] = _read_data(member, header, info, path)
    return arrays


def _header(member: IO[bytes], info: zipfile.ZipInfo, path: str) -> Header:
    """The shape, dtype and order that the member's ``.npy`` header declares, checked against
    the member's size before any data is read."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise unreadable(path, f"its member {info.filename!r} is a .npy file of version {version}, "
                               f"which model.save does not write")
    if dtype.hasobject:
        raise unreadable(path, f"its member {info.filename!r} holds Python objects (a pickle), which loading "
                               f"never unpickles (allow_pickle=False) as that could run code")
    if dtype.kind not in "biuf":
        raise unreadable(path, f"its member {info.filename!r} holds {dtype} values, not numbers")
    data_bytes = math.prod(shape) * dtype.itemsize
    if member.tell() + data_bytes != info.file_size:
        raise unreadable(path, f"its member {info.filename!r} declares an array of shape {shape} "
                               f"({data_bytes:,} bytes) but holds {info.file_size - member.tell():,} bytes of data")
    return shape, dtype, fortran_order


def _read_data(member: IO[bytes], header: Header, info: zipfile.ZipInfo, path: str) -> np.ndarray:
    """The array after its header, read in chunks straight into its own memory."""
    shape, dtype, fortran_order = header
    flat = np.empty(math.prod(shape), dtype=dtype)
    buffer = flat.view(np.uint8)
    done = 0
    while done < len(buffer):
        count = member.readinto(buffer[done:done + _READ_CHUNK])
        if not count:
            raise unreadable(path, f"its member {info.filename!r} ends before its array does")
        done += count
    if member.read(1):  # also completes the zip's CRC check
        raise unreadable(path, f"its member {info.filename!r} has bytes after its array")
    return flat.reshape(shape, order="F" if fortran_order else "C")


# ---- the config --------------------------------------------------------------------------------
def _read_config(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], path: str,
                 limits: LoadLimits) -> dict:
    info = members.get(CONFIG_KEY + ".npy")
    if info is None:
        raise unreadable(path, f"it has no {CONFIG_KEY!r} entry, so it was not written by model.save or "
                               f"save_weights")
    with _opened(archive, info, path) as member:
        header = _header(member, info, path)
        shape, dtype, _ = header
        if dtype != np.uint8 or len(shape) != 1:
            raise unreadable(path, f"its {CONFIG_KEY!r} entry is an array of {dtype} and shape {shape}, not the "
                                   f"JSON text (uint8 bytes) that model.save writes")
        if shape[0] > limits.max_config_bytes:
            raise over_limit(path, f"has a JSON config of {shape[0]:,} bytes", "max_config_bytes",
                             limits.max_config_bytes, shape[0])
        raw = _read_data(member, header, info, path)
    try:
        text = raw.tobytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise unreadable(path, f"its config is not UTF-8 text ({error})") from None
    depth = nesting_depth(text)
    if depth > MOST_NESTING:
        raise unreadable(path, f"its JSON config is nested {depth:,} deep, deeper than any model needs and than "
                               f"Python can parse safely ({MOST_NESTING})")
    if depth > limits.max_nesting:
        raise over_limit(path, f"has a JSON config nested {depth:,} deep (lists and objects inside each other)",
                         "max_nesting", limits.max_nesting, depth)
    try:
        config = json.loads(text)
    except ValueError as error:
        raise unreadable(path, f"its config is not valid JSON ({error})") from None
    schema.check_config(config, path, limits)
    return config


_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_DEPTH_STEP = np.zeros(256, dtype=np.int64)
_DEPTH_STEP[[ord("["), ord("{")]] = 1
_DEPTH_STEP[[ord("]"), ord("}")]] = -1
_CHUNK = 2**18


def nesting_depth(text: str) -> int:
    """How deeply lists and objects nest in the JSON `text`, brackets inside strings ignored.

    A running sum over the brackets, in numpy chunks: linear time, no recursion, bounded
    memory. A quote opens or closes a string unless an odd run of backslashes precedes it. For
    text that is not JSON the answer is at least the depth a JSON parser reaches before failing.
    """
    codes = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    depth = deepest = 0
    in_string = 0  # 1 while inside a string at the end of the previous chunk
    backslashes = 0  # the run of backslashes that ended the previous chunk
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        positions = np.arange(len(chunk))
        is_backslash = chunk == _BACKSLASH
        # The backslash run ending at each position: distance to the last other character.
        last_other = np.maximum.accumulate(np.where(is_backslash, -1, positions))
        run = np.where(last_other < 0, positions + 1 + backslashes, positions - last_other)
        run_before = np.concatenate(([backslashes], run[:-1]))
        delimiters = (chunk == _QUOTE) & (run_before % 2 == 0)
        inside = (np.cumsum(delimiters) + in_string) % 2  # after each position
        levels = depth + np.cumsum(np.where(inside == 0, _DEPTH_STEP[chunk], 0))
        deepest = max(deepest, int(levels.max()))
        depth, in_string, backslashes = int(levels[-1]), int(inside[-1]), int(run[-1])
    return deepest
