"""The README's "## Example" block runs exactly as written."""
import re
from pathlib import Path

import nn

README = Path(__file__).resolve().parents[2] / "README.md"


def example_block() -> str:
    section = README.read_text(encoding="utf-8").split("## Example", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, "README.md's ## Example section has no ```python block"
    return blocks[0]


def test_readme_example_runs_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    nn.layers.reset_name_counters()
    namespace: dict = {}
    exec(compile(example_block(), str(README), "exec"), namespace)
    assert namespace["accuracy"] >= 0.9
    assert len(namespace["history"].history["val_loss"]) == 10
    assert nn.load_model(tmp_path / "digits.npz").count_params() == namespace["model"].count_params()
    assert "Epoch 10/10" in capsys.readouterr().out
