"""The op table's fixtures, and the hook that runs a test once per table row.

The table itself lives in tests/helpers/ (op_table.py: the rows; op_case.py: the row type and
shared draws; op_draws_<family>.py, op_references.py, conv_references.py), where any test file can
import it by name. A test taking `op_case` and `shape_kind` arguments runs for every row and every
shape kind the row supports (see `pytest_generate_tests`).
"""
from __future__ import annotations

import pytest

from op_case import OpCase
from op_table import CASES, WITHOUT_GRADIENT


@pytest.fixture
def op_table() -> list[OpCase]:
    """The whole table, for tests about the table itself."""
    return CASES


@pytest.fixture
def ops_without_gradient() -> frozenset[str]:
    """The exported ops the table leaves out because they record nothing."""
    return WITHOUT_GRADIENT


def pytest_generate_tests(metafunc) -> None:
    """Run tests that take `op_case` (and `shape_kind`) once per table row (and kind)."""
    if "op_case" not in metafunc.fixturenames:
        return
    if "shape_kind" in metafunc.fixturenames:
        rows = [(case, kind) for case in CASES for kind in case.kinds]
        metafunc.parametrize(("op_case", "shape_kind"), rows, ids=[f"{c.name}-{k}" for c, k in rows])
    else:
        metafunc.parametrize("op_case", CASES, ids=[c.name for c in CASES])
