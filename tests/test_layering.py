"""The walls between the packages, read from every module's imports with `ast`.

- autograd imports numpy (and, in autograd/viz only, graphviz and the optional notebook front
  end, IPython and ipywidgets); never nn or optim.
- optim imports autograd and numpy; never nn.
- nn imports autograd, optim, numpy and tqdm (ipywidgets optionally, for notebook progress bars;
  h5py and onnx optionally, for Keras files and ONNX export in nn/interop;
  tensorboardX optionally, for the TensorBoard callback; matplotlib and IPython optionally, for
  nn.plots and the LivePlot callback).
- Within nn and optim no two modules import each other, directly or round a longer cycle.
Standard-library imports are free everywhere.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "optim")

ALLOWED = {
    "autograd": {"autograd", "numpy"},
    "autograd/viz": {"autograd", "numpy", "graphviz", "IPython", "ipywidgets"},
    "optim": {"optim", "autograd", "numpy"},
    "nn": {"nn", "autograd", "optim", "numpy", "tqdm", "ipywidgets", "tensorboardX", "matplotlib",
           "IPython", "h5py", "onnx"},
}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside functions (absolute names)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:  # `from nn import saving` imports the module nn.saving
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if is_our_module(submodule) else node.module)
    return names


def is_our_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def allowed_roots(path: Path) -> set[str]:
    relative = path.relative_to(ROOT).as_posix()
    return ALLOWED["autograd/viz"] if relative.startswith("autograd/viz/") else ALLOWED[relative.split("/")[0]]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_import_crosses_a_wall_only_downwards(package):
    wrong = []
    for path in modules(package):
        allowed = allowed_roots(path)
        for name in imported_names(path):
            root = name.split(".")[0]
            if root not in allowed and root not in sys.stdlib_module_names and root != "__future__":
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "imports that break the layering:\n" + "\n".join(sorted(wrong))


def import_graph(package: str) -> dict[str, set[str]]:
    """module -> the modules of the same package it imports (submodules named in `from` count)."""
    known = {module_name(path): path for path in modules(package)}
    graph = {}
    for name, path in known.items():
        graph[name] = {n for n in imported_names(path) if n in known and n != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a list of modules, or [] (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for start in graph:
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            following = next(stack[-1], None)
            if following is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(following) == 1:
                return path[path.index(following):] + [following]
            elif following not in state:
                state[following] = 1
                path.append(following)
                stack.append(iter(sorted(graph[following])))
    return []


@pytest.mark.parametrize("package", ["nn", "optim"])
def test_no_modules_import_each_other(package):
    cycle = find_cycle(import_graph(package))
    assert not cycle, "modules that import each other: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_the_file_format_knows_no_model_class():
    for path in modules("nn/saving"):
        assert not {n for n in imported_names(path) if n.startswith("nn.") and not n.startswith("nn.saving")}, path


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_states_its_walls_in_its_docstring(package):
    docstring = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
    assert "Layering" in docstring and "imports" in docstring
