"""A learner's mistakes with model files, one row each: saving where nothing can be saved, and
loading what is not a model file (missing, damaged, crafted, too big, a save's leftover).

The rows work as in tests/test_misuse.py (which holds the mistakes of autograd, nn and optim):
each runs a small wrong program in a fresh temporary folder and checks that it raises `error`
with a message holding both `problem` and `fix`. Loading raises nn.saving.ModelFileError (a
ValueError) for every file that cannot be loaded.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from misuse_table import Case, raises_problem_and_fix

import nn
from nn.layers import Dense, Input
from nn.saving import LoadLimits, ModelFileError


# ---- small programs the rows share --------------------------------------------------------------
def mlp(features: int = 4, classes: int = 3) -> nn.Sequential:
    return nn.Sequential([Input(shape=(features,)), Dense(8, activation="relu"), Dense(classes)])


def compiled() -> nn.Sequential:
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def saved(tmp: Path) -> Path:
    path = tmp / "model.npz"
    compiled().save(path)
    return path


def write_file(tmp: Path, content: bytes) -> Path:
    path = tmp / "damaged.npz"
    path.write_bytes(content)
    return path


def corrupted(tmp: Path) -> Path:
    raw = saved(tmp).read_bytes()
    return write_file(tmp, raw[:100] + bytes(255 - b for b in raw[100:400]) + raw[400:])


def write_archive(path: Path, entries: dict[str, np.ndarray], allow_pickle: bool = False) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in entries.items():
            with archive.open(f"{key}.npy", "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=allow_pickle)
    return path


def crafted(tmp: Path, edit: Callable[[dict], Any] = lambda config: None,
            extra: dict[str, np.ndarray] | None = None) -> Path:
    """A saved model whose JSON config went through `edit`, with `extra` arrays added."""
    path = saved(tmp)
    with np.load(path, allow_pickle=False) as npz:
        entries = {key: npz[key] for key in npz.files}
    config = json.loads(entries["config.json"].tobytes().decode())
    edit(config)
    entries["config.json"] = np.frombuffer(json.dumps(config).encode(), dtype=np.uint8)
    return write_archive(path, {**entries, **(extra or {})}, allow_pickle=True)


def rename_first_layer(config: dict) -> None:
    config["model_config"]["layers"][0]["class_name"] = "os.system"


class ShellCommand:
    """Unpickling this would run a shell command: loading must never unpickle."""

    def __reduce__(self):
        return (print, ("unpickled: a crafted file ran code",))


def pickled_weight(tmp: Path) -> Path:
    payload = np.array([ShellCommand()], dtype=object)
    return crafted(tmp, extra={"weights/000": payload})


def other_architecture(tmp: Path) -> None:
    path = saved(tmp)
    nn.Sequential([Input(shape=(4,)), Dense(8), Dense(8), Dense(3)]).load_weights(path)


def other_width(tmp: Path) -> None:
    path = saved(tmp)
    nn.Sequential([Input(shape=(4,)), Dense(9, activation="relu"), Dense(3)]).load_weights(path)


def weights_only(tmp: Path) -> None:
    path = tmp / "weights.npz"
    mlp().save_weights(path)
    nn.load_model(path)


def a_file_where_a_folder_should_be(tmp: Path) -> None:
    (tmp / "results").write_text("notes")
    compiled().save(tmp / "results" / "model.npz")


def leftover_of_a_killed_save(tmp: Path) -> Path:
    """A complete model under the name a save writes before renaming: the rename never came."""
    leftover = tmp / ".model.npz.0123456789abcdef.tmp"
    shutil.copy(saved(tmp), leftover)
    return leftover


def first_layer(**changes: Any) -> Callable[[dict], None]:
    return lambda config: config["model_config"]["layers"][0]["config"].update(changes)


def zip_bomb(tmp: Path) -> Path:
    """A weight of 2**25 float32 zeros deflated: 128 MiB in about 130 kB."""
    path = saved(tmp)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("weights/999.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, np.zeros(2**25, dtype=np.float32))
    return path


# ---- the table -----------------------------------------------------------------------------------
CASES = [
    # loading: what tests/test_misuse.py had
    Case("load_missing", lambda tmp: nn.load_model(tmp / "nothing.npz"), ModelFileError,
         "no saved model at", "check the path"),
    Case("load_truncated", lambda tmp: nn.load_model(write_file(tmp, saved(tmp).read_bytes()[:300])),
         ModelFileError, "not a readable chainrule model file", "truncated, corrupted"),
    Case("load_corrupted", lambda tmp: nn.load_model(corrupted(tmp)), ModelFileError,
         "not a readable chainrule model file", "corrupted"),
    Case("load_text", lambda tmp: nn.load_model(write_file(tmp, b"hello, not a model")), ModelFileError,
         "it is another kind of file", "not the .npz (zip) archive that model.save writes"),
    Case("load_empty", lambda tmp: nn.load_model(write_file(tmp, b"")), ModelFileError,
         "it is empty", "not the .npz (zip) archive"),
    Case("load_foreign_npz", lambda tmp: nn.load_model(write_archive(tmp / "f.npz", {"a": np.ones(2)})),
         ModelFileError, "no 'config.json' entry", "not written by model.save"),
    Case("load_other_architecture", other_architecture, ModelFileError,
         "holds 4 weights", "load it into a model with the same layers"),
    Case("load_other_width", other_width, ModelFileError, "has shape (4, 8)", "the architectures differ"),
    Case("load_weights_only_file", weights_only, ModelFileError, "holds only weights",
         "call model.load_weights"),
    Case("load_crafted_class", lambda tmp: nn.load_model(crafted(tmp, rename_first_layer)), ModelFileError,
         "unknown layer class 'os.system'", "decorated with @nn.saving.register_serializable"),
    Case("load_crafted_pickle", lambda tmp: nn.load_model(pickled_weight(tmp)), ModelFileError,
         "not a readable chainrule model file", "allow_pickle=False"),
    Case("load_future_version", lambda tmp: nn.load_model(crafted(tmp, lambda c: c.update(version=99))),
         ModelFileError, "format version 99", "reads only version 1"),
    Case("save_into_missing_folder", lambda tmp: compiled().save(tmp / "no" / "m.npz"), FileNotFoundError,
         "does not exist", "create it first"),
    # saving where nothing can be saved
    Case("save_under_a_file", a_file_where_a_folder_should_be, NotADirectoryError,
         "results' is a file, not a folder", "choose another path, or move that file away"),
    Case("save_to_a_folder", lambda tmp: compiled().save(tmp), IsADirectoryError, "it is a folder",
         "give a file path, e.g."),
    Case("save_to_none", lambda tmp: compiled().save(None), TypeError, "got NoneType",
         "a str or a pathlib.Path such as 'model.npz'"),
    # loading what is not a model file
    Case("load_a_folder", lambda tmp: nn.load_model(tmp), ModelFileError, "is a folder, not a model file",
         "give the path of the file that model.save wrote"),
    Case("load_leftover_of_a_killed_save", lambda tmp: nn.load_model(leftover_of_a_killed_save(tmp)),
         ModelFileError, "temporary file of a save that never finished", "delete this leftover"),
    Case("load_zip_bomb", lambda tmp: nn.load_model(zip_bomb(tmp)), ModelFileError,
         "(a zip bomb?)", "raise the limit: nn.load_model(path, limits=nn.saving.LoadLimits("
         "max_expansion="),
    Case("load_layer_of_2_40_units", lambda tmp: nn.load_model(crafted(tmp, first_layer(units=2**40))),
         ModelFileError, "asks for more weight numbers than the file holds", "save the model again"),
    Case("load_json_nested_deep", lambda tmp: nn.load_model(crafted(tmp, lambda c: c.update(
        note=json.loads("[" * 150 + "]" * 150)))), ModelFileError, "nested 151 deep",
        "LoadLimits(max_nesting=151)"),
    Case("load_optimizer_state_a_number", lambda tmp: nn.load_model(crafted(tmp, lambda c: c.update(
        optimizer_state=2**40))), ModelFileError, "optimizer_state should be an object",
        "save the model again"),
    Case("load_missing_class_name", lambda tmp: nn.load_model(crafted(
        tmp, lambda c: c["model_config"]["layers"][0].pop("class_name"))), ModelFileError,
        "each layer should be an object with a 'class_name'", "save the model again"),
    Case("load_past_a_limit", lambda tmp: nn.load_model(saved(tmp), limits=LoadLimits(max_parameters=10)),
         ModelFileError, "lists weights of 67 numbers", "LoadLimits(max_parameters=67)"),
    Case("load_limits_as_a_dict", lambda tmp: nn.load_model(saved(tmp), limits={"max_layers": 5}),
         TypeError, "got dict", "LoadLimits(max_parameters=2**31)"),
    Case("load_none", lambda tmp: nn.load_model(None), TypeError, "got NoneType", "a str or a pathlib.Path"),
]


def test_every_row_is_distinct():
    assert len({case.id for case in CASES}) == len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_mistake_raises_a_message_naming_the_problem_and_the_fix(case, tmp_path):
    raises_problem_and_fix(case, tmp_path)


def test_loading_a_crafted_pickle_runs_nothing(tmp_path, capsys):
    with pytest.raises(nn.saving.ModelFileError):
        nn.load_model(pickled_weight(tmp_path))
    assert "unpickled" not in capsys.readouterr().out
