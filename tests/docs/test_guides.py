"""Every ```python block of each guide in docs/guides, and of the site's home page, runs: a
page's blocks in order, in one namespace, in an empty folder, as tests/test_readme.py runs the
README's. Tracebacks point at the page's own lines. From the first block that imports an
optional package this Python lacks (h5py, onnxruntime, keras, ...) the rest of that page is
skipped, naming the package, so such blocks come last; blocks fenced ```text or ```pycon never run.
"""
from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

import nn

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = sorted((DOCS / "guides").glob("*.md"))
PAGES = [DOCS / "index.md", *GUIDES]
FENCE = re.compile(r"^```python\n(.*?)^```", flags=re.DOTALL | re.MULTILINE)


def python_blocks(guide: Path) -> list[tuple[int, str]]:
    """Each ```python block with the line of the guide it starts on."""
    text = guide.read_text(encoding="utf-8")
    return [(text.count("\n", 0, match.start(1)) + 1, match.group(1)) for match in FENCE.finditer(text)]


def missing_imports(code: str) -> list[str]:
    """The top-level packages the code imports that this Python cannot find."""
    wanted: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            wanted.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            wanted.add(node.module.split(".")[0])
    return sorted(name for name in wanted if importlib.util.find_spec(name) is None)


def test_every_guide_has_code():
    assert len(GUIDES) >= 6
    assert [guide.name for guide in GUIDES if not python_blocks(guide)] == []


def test_missing_imports_names_what_is_not_installed():
    assert missing_imports("import numpy as np\nfrom no_such_package_here.sub import thing") == [
        "no_such_package_here"]


@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")  # Keras's, on Tensors
@pytest.mark.parametrize("guide", PAGES, ids=[page.stem for page in PAGES])
def test_guide_code_runs_in_order(guide, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    nn.layers.reset_name_counters()
    namespace: dict = {"__name__": f"guide_{guide.stem}"}
    for first_line, code in python_blocks(guide):
        missing = missing_imports(code)
        if missing:
            pytest.skip(f"{guide.name} from line {first_line} on needs {', '.join(missing)} "
                        f"(the blocks before it ran)")
        exec(compile("\n" * (first_line - 1) + code, str(guide), "exec"), namespace)
