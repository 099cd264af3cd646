"""Every ```python block in README.md runs as written, in order, in an empty folder; the picture
shown under the viz snippet is exactly the one the snippet draws."""
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from autograd.viz.png_text import read_png_text

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.DOTALL)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(block, str(README), "exec"), {})


@pytest.mark.skipif(shutil.which("dot") is None, reason="rendering a PNG needs Graphviz's dot")
def test_the_viz_snippet_draws_exactly_the_picture_shown_under_it(tmp_path, monkeypatch):
    block = next(b for b in BLOCKS if "viz.draw(" in b)
    shown = re.search(re.escape(block) + r"```\n\n!\[[^\]]*\]\(([^)]+\.png)\)", TEXT)
    assert shown, "the README should show the snippet's picture right under the snippet"
    monkeypatch.chdir(tmp_path)
    exec(compile(block, str(README), "exec"), {})
    drawn = read_png_text((tmp_path / "neuron.png").read_bytes(), "dot")
    committed = read_png_text((ROOT / shown.group(1)).read_bytes(), "dot")
    assert drawn is not None and drawn == committed, (
        f"{shown.group(1)} is not what the README's snippet draws: run `python scripts/render_docs.py`")
    spec = importlib.util.spec_from_file_location("render_docs", ROOT / "scripts" / "render_docs.py")
    render_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_docs)
    assert render_docs.neuron_pictures()[0].source == drawn  # the script draws what the README does


def test_every_relative_link_points_at_a_file_in_the_repository():
    targets = re.findall(r"\]\((?!https?://)([^)#]+)(?:#[^)]*)?\)", TEXT)
    assert any(target.startswith("docs/guides/") for target in targets)
    missing = [target for target in targets if not (ROOT / target).exists()]
    assert missing == [], f"README.md links to files that do not exist: {missing}"
