"""The README's "When you outgrow chainrule" block runs as written where its extras are installed
(it is a ```py block, so the README tests that need no extras leave it out)."""
import os
import re
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402

README = Path(__file__).resolve().parents[3] / "README.md"
pytest.importorskip("h5py")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


def test_the_outgrow_block_runs_as_written(tmp_path, monkeypatch):
    section = README.read_text(encoding="utf-8").split("## When you outgrow chainrule", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```py\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], str(README), "exec"), {})
    assert (tmp_path / "model.keras").exists() and (tmp_path / "model.onnx").exists()
