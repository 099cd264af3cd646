"""Every public name of autograd, nn and optim has an entry in the built API reference.

mkdocstrings gives each documented object a heading whose id is its full path (`nn.layers.Dense`);
the pages render the packages with `filters: public`, so what `__all__` exports is what they show.
A function named like the module that defines it (`autograd.gradcheck`) may appear under the path
where it is defined instead (`autograd.gradcheck.gradcheck`), since the package name means the module.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

# The packages the API reference documents; each with an `__all__` is checked name by name, a
# module without one by the public names it defines itself.
DOCUMENTED = ["autograd", "autograd.viz", "nn", "nn.models", "nn.layers", "nn.losses", "nn.metrics",
              "nn.callbacks", "nn.activations", "nn.initializers", "nn.regularizers", "nn.constraints",
              "nn.datasets", "nn.utils", "nn.tree", "nn.ops", "nn.saving", "nn.plots", "optim", "optim.schedules"]


def entry_ids(module_name: str, name: str) -> set[str]:
    """The heading ids under which `module_name.name` may be documented."""
    value = getattr(importlib.import_module(module_name), name)
    ids = {f"{module_name}.{name}"}
    if hasattr(value, "__module__") and hasattr(value, "__qualname__"):
        ids.add(f"{value.__module__}.{value.__qualname__}")
    return ids


def public_names(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [name for name, value in vars(module).items()
            if not name.startswith("_") and getattr(value, "__module__", None) == module_name]


@pytest.fixture(scope="module")
def anchors(site: Path) -> set[str]:
    ids: set[str] = set()
    for page in (site / "api").rglob("index.html"):
        ids.update(re.findall(r'\bid="([\w.]+)"', page.read_text(encoding="utf-8")))
    return ids


@pytest.mark.parametrize("module_name", DOCUMENTED)
def test_every_public_name_has_an_entry(module_name, anchors):
    names = public_names(module_name)
    assert names, f"{module_name} exports nothing to document"
    missing = [name for name in names if not entry_ids(module_name, name) & anchors]
    assert not missing, f"the API reference has no entry for {', '.join(f'{module_name}.{n}' for n in missing)}"


def test_every_documented_package_has_its_own_heading(anchors):
    assert set(DOCUMENTED) <= anchors
