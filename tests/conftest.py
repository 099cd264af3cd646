"""Settings for the whole suite.

On CI (the environment sets CI=true) hypothesis draws the same examples on every run
(`derandomize`), so a submission's result does not depend on the luck of the draw; locally it
keeps exploring new examples each run.

Modules that several test files share (not tests themselves) live in tests/helpers/, which is put
on sys.path here: the suite runs in importlib mode, which puts no test folder there, and a folder
of its own cannot shadow the nn or autograd packages as tests/ itself would.
"""
import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent / "helpers"))

settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
