"""Settings for the whole suite.

On CI (the environment sets CI=true) hypothesis draws the same examples on every run
(`derandomize`), so a submission's result does not depend on the luck of the draw; locally it
keeps exploring new examples each run.
"""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
