"""The row type of the misuse tables (tests/test_misuse*.py) and the one check every row gets.

A row runs a small wrong program and expects `error` with a message holding both `problem` and
`fix` (case-insensitive substrings): a learner reads what is wrong and what to do about it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest


@dataclass(frozen=True)
class Case:
    id: str
    run: Callable[[Path], Any]  # the wrong program; gets a fresh temporary folder
    error: type[BaseException]
    problem: str  # the message must name what is wrong...
    fix: str  # ...and what to do instead

    def __repr__(self) -> str:
        return self.id


def raises_problem_and_fix(case: Case, folder: Path) -> None:
    """Run `case` in `folder`; fail unless it raises its error naming its problem and its fix."""
    with pytest.raises(case.error) as caught:
        case.run(folder)
    message = str(caught.value).lower()
    assert case.problem.lower() in message, f"the problem {case.problem!r} is not named in: {caught.value}"
    assert case.fix.lower() in message, f"the fix {case.fix!r} is not given in: {caught.value}"
