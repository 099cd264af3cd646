"""Every op class states, beside its backward, what pictures and the Stepper say about it."""
import importlib
import inspect
import pkgutil
import string

import pytest

import autograd as ag
import autograd.ops
from autograd.function import Function


def op_classes():
    """Every Function subclass defined in autograd.ops that has a backward (helpers aside)."""
    classes = []
    for info in pkgutil.iter_modules(autograd.ops.__path__, "autograd.ops."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, Function) and cls.__module__ == info.name
                    and cls.backward is not Function.backward):
                classes.append(cls)
    return classes


OP_CLASSES = op_classes()


def test_the_walk_finds_every_op_family():
    assert len(OP_CLASSES) >= 36
    assert {"Tanh", "ScatterAdd", "SoftmaxCrossEntropy", "AsType", "Minimum"} <= {
        cls.__name__ for cls in OP_CLASSES}


@pytest.mark.parametrize("cls", OP_CLASSES, ids=lambda cls: cls.__name__)
def test_each_op_states_its_name_and_local_derivative(cls):
    assert cls.name.isidentifier(), f"{cls.__name__}.name must be the function that applies it"
    assert cls.derivatives, f"{cls.__name__} must state its local derivative beside its backward"
    for rule in cls.derivatives:
        fields = {name for _, name, _, _ in string.Formatter().parse(rule) if name is not None}
        assert fields <= {"0", "1", "2", "out"}, f"{cls.__name__}: unknown placeholder in {rule!r}"
        rule.format("x", "y", "z", out="o")


def test_op_names_are_unique():
    names = [cls.name for cls in OP_CLASSES]
    assert len(names) == len(set(names))


def test_exported_ops_are_named_after_their_function():
    exported = set(ag.ops.__all__)
    assert {cls.name for cls in OP_CLASSES} - exported == {"scatter_add"}  # indexing's backward
