"""The memory of a failed load stays bounded: hostile files are loaded in a fresh process and its
peak resident memory (VmHWM, Linux) is read before and after each refusal.

Before loading was bounded, a 1.2 MB zip bomb loaded after using 1.3 GiB, a config asking for
layers of 2**26 units used 3.6 GiB before it was refused, and 2**40 parameters raised MemoryError.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from Linux's /proc")

BOUND = 64 * 2**20  # what any refusal below may add to the process's peak

MEASURE = r"""
import json, sys
import nn

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

def restart_peak():  # VmHWM only grows; writing 5 here starts it afresh (Linux >= 4.0)
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
    except OSError:
        pass

good, *hostile = sys.argv[1:]
nn.load_model(good)  # every module and cache a load needs is in place before measuring
growth = {}
for path in hostile:
    restart_peak()
    before = peak()
    try:
        nn.load_model(path)
        growth[path] = "loaded"
    except nn.saving.ModelFileError:
        growth[path] = peak() - before
print(json.dumps(growth))
"""


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()


def write(path: Path, config: dict, arrays: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json.npy", npy(np.frombuffer(json.dumps(config).encode(), dtype=np.uint8)))
        for key, data in arrays.items():
            archive.writestr(f"{key}.npy", data)
    return path


def write_raw_config(path: Path, text: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json.npy", npy(np.frombuffer(text.encode(), dtype=np.uint8)))
    return path


def zip_bomb(path: Path, config: dict, numbers: int) -> Path:
    """A deflated weight of `numbers` float32 zeros: about 1,000 times smaller than it unpacks."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (numbers,)})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json.npy", npy(np.frombuffer(json.dumps(config).encode(), dtype=np.uint8)))
        with archive.open("weights/000.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            zeros = bytes(2**22)
            for _ in range(numbers * 4 // len(zeros)):
                member.write(zeros)
    return path


def hostile_files(folder: Path, good_entries: dict) -> dict[str, Path]:
    config = good_entries["config.json"]
    arrays = {key: npy(value) for key, value in good_entries.items() if key != "config.json"}

    def edited(name: str, edit) -> Path:
        changed = json.loads(json.dumps(config))
        edit(changed)
        return write(folder / name, changed, arrays)

    def units(n):
        return lambda c: c["model_config"]["layers"][0]["config"].update(units=n)

    def layers(n):
        return lambda c: c["model_config"]["layers"].extend(
            {"class_name": "Dropout", "config": {"rate": 0.1, "name": f"drop{i}"}} for i in range(n))

    header_only = io.BytesIO()
    np.lib.format.write_array_header_1_0(header_only, {"descr": "<f4", "fortran_order": False,
                                                       "shape": (2**20, 2**20)})
    deep = dict(config, note=json.loads("[" * 400 + "]" * 400))
    return {
        "zip bomb (256 MiB of zeros in ~260 kB)": zip_bomb(folder / "bomb.npz", config, 2**26),
        "a layer of 2**40 units": edited("units40.npz", units(2**40)),
        "a layer of 2**26 units": edited("units26.npz", units(2**26)),
        "an input of 2**26 features": edited("input26.npz", lambda c: c["model_config"].update(input_shape=[2**26])),
        "weights listed as 2**40 numbers": edited("spec40.npz", lambda c: c["weights"][0].update(shape=[2**20, 2**20])),
        "an array header promising 2**40 numbers": write(folder / "header40.npz", config,
                                                         {**arrays, "weights/000": header_only.getvalue()}),
        "150,000 layers (a 10 MB config)": edited("layers150k.npz", layers(150_000)),
        "20,000 layers": edited("layers20k.npz", layers(20_000)),
        "JSON nested 100,000 deep": write_raw_config(folder / "deep.npz", '{"format": "chainrule.nn", "x": '
                                                     + "[" * 100_000 + "]" * 100_000 + "}"),
        "JSON nested 400 deep": write(folder / "deep400.npz", deep, arrays),
    }


def test_hostile_files_are_refused_within_a_bounded_peak_memory(tmp_path, good_file, good_entries):
    files = hostile_files(tmp_path, good_entries)
    result = subprocess.run([sys.executable, "-c", MEASURE, str(good_file), *map(str, files.values())],
                            capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[3])
    assert result.returncode == 0, result.stderr
    growth = json.loads(result.stdout)
    report = {name: growth[str(path)] for name, path in files.items()}
    print("\n".join(f"{name}: {value / 2**20:.1f} MiB" if value != "loaded" else f"{name}: loaded"
                    for name, value in report.items()))
    assert all(value != "loaded" for value in report.values()), report
    assert all(value < BOUND for value in report.values()), report


