"""Every ```python block of each guide in docs/guides runs: a guide's blocks in order, in one
namespace, in an empty folder, as tests/test_readme.py runs the README's. Tracebacks point at the
guide's own lines. A guide whose code imports an optional package that is not installed (h5py,
onnx, ...) is skipped as a whole, naming the package; blocks fenced ```text or ```pycon never run.
"""
from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

import nn

GUIDES_DIR = Path(__file__).resolve().parents[2] / "docs" / "guides"
GUIDES = sorted(GUIDES_DIR.glob("*.md"))
FENCE = re.compile(r"^```python\n(.*?)^```", flags=re.DOTALL | re.MULTILINE)


def python_blocks(guide: Path) -> list[tuple[int, str]]:
    """Each ```python block with the line of the guide it starts on."""
    text = guide.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start(1)) + 1, match.group(1)) for match in FENCE.finditer(text)]


def missing_imports(blocks: list[tuple[int, str]]) -> list[str]:
    """The top-level packages the blocks import that this Python cannot find."""
    wanted: set[str] = set()
    for _, code in blocks:
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                wanted.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                wanted.add(node.module.split(".")[0])
    return sorted(name for name in wanted if importlib.util.find_spec(name) is None)


def test_there_are_guides_with_code():
    assert len(GUIDES) >= 6 and all(python_blocks(guide) for guide in GUIDES)


@pytest.mark.parametrize("guide", GUIDES, ids=[guide.stem for guide in GUIDES])
def test_guide_code_runs_in_order(guide, tmp_path, monkeypatch):
    blocks = python_blocks(guide)
    missing = missing_imports(blocks)
    if missing:
        pytest.skip(f"{guide.name} needs {', '.join(missing)}: pip install what it names")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    nn.layers.reset_name_counters()
    namespace: dict = {"__name__": f"guide_{guide.stem}"}
    for first_line, code in blocks:
        exec(compile("\n" * (first_line - 1) + code, str(guide), "exec"), namespace)
