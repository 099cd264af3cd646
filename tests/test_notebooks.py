"""The committed notebooks are what scripts/build_notebook_NN.py generate (sources, not outputs).

Each script lists its cells; building executes them and stores the outputs. Here the cells are
regenerated without executing anything and compared with the notebook's, so an edit made to one
and not the other fails. `make test` separately re-runs every notebook in a kernel (nbmake).
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "scripts").glob("build_notebook_*.py"))


def generated_cells(script: Path) -> tuple[str, list]:
    """The notebook file name the script writes and its CELLS, imported without running it."""
    target = re.search(r'write_notebook\(CELLS, "([^"]+)"\)', script.read_text(encoding="utf-8"))
    assert target, f"{script.name} should end with write_notebook(CELLS, \"NN_name.ipynb\")"
    sys.path.insert(0, str(script.parent))  # the scripts import notebook_builder
    try:
        spec = importlib.util.spec_from_file_location(script.stem, script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(script.parent))
    return target.group(1), module.CELLS


def test_every_notebook_has_a_script():
    built = {generated_cells(script)[0] for script in SCRIPTS}
    assert built == {path.name for path in (ROOT / "notebooks").glob("*.ipynb")}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_the_committed_notebook_matches_its_script(script):
    filename, cells = generated_cells(script)
    notebook = nbformat.read(ROOT / "notebooks" / filename, as_version=4)
    committed = [(cell.cell_type, cell.source) for cell in notebook.cells]
    expected = [(cell.cell_type, cell.source) for cell in cells]
    assert len(committed) == len(expected), f"{filename}: {len(committed)} cells, the script makes {len(expected)}"
    for number, (have, want) in enumerate(zip(committed, expected)):
        assert have == want, (f"{filename} cell {number} differs from {script.name}; rebuild it with "
                              f"`.venv/bin/python {script.relative_to(ROOT)}`")
