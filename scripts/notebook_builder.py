"""Write a teaching notebook from a list of cells, executed in the `python3` kernel with outputs.

Each `scripts/build_notebook_NN.py` lists its cells and calls `write_notebook`; cell ids are
fixed and no timing is recorded, so rebuilding changes only what the code really changed.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def write_notebook(cells: list, filename: str) -> Path:
    """Execute `cells` top to bottom and save them, outputs included, as notebooks/`filename`."""
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:02d}"
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    NotebookClient(notebook, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    NOTEBOOKS.mkdir(exist_ok=True)
    path = NOTEBOOKS / filename
    nbformat.write(notebook, path)
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return path
