"""What a model file is, the one error a bad one raises, and the limits on what one may ask for.

The file is a zip of ``.npy`` arrays: ``config.json`` (the JSON text as uint8 bytes: format tag,
architecture, compile settings, weight names and shapes, optimizer state), ``weights/000``, ...
and the optimizer's arrays ``optimizer/0000``, .... A save first writes a temporary file
``.NAME.<16 hex digits>.tmp`` beside the target, then renames it; such a name is never loaded.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass

FORMAT = "chainrule.nn"
VERSION = 1
CONFIG_KEY = "config.json"
ZIP_MAGIC = b"PK\x03\x04"  # every zip archive with at least one member starts so
NPY_MAGIC = b"\x93NUMPY"

# A file that unpacks to at most this much is never refused for its compression ratio.
EXPANSION_FREE_BYTES = 64 * 2**20
# The optimizer's arrays may hold at most this many numbers per weight number (Adam with
# amsgrad keeps three arrays the shape of each weight).
OPTIMIZER_NUMBERS_PER_WEIGHT = 4
# JSON nesting past this would reach Python's recursion limit while parsing.
MOST_NESTING = 500

_TEMPORARY_NAME = re.compile(r"\..+\.[0-9a-f]{16}\.tmp")


class ModelFileError(ValueError):
    """A model file that cannot be loaded: damaged, crafted, of another format, or asking for
    more than its `LoadLimits` allow. The message names the file, the part that is wrong and
    what to do."""


class ModelFileNotFoundError(ModelFileError, FileNotFoundError):
    """No file at the path given (also a FileNotFoundError)."""


@dataclass(frozen=True)
class LoadLimits:
    """What a model file may ask of the loader; a file past any limit is refused before its
    arrays or weights are allocated. The defaults fit models up to about 1 GiB of float32
    weights; for a bigger file that you trust, raise the limit that stopped it:
    ``nn.load_model(path, limits=nn.saving.LoadLimits(max_parameters=2**31))``.

    Args:
        max_parameters: numbers in the model's weights, as the file lists them (the optimizer's
            state may add up to 4 per weight number).
        max_layers: layers in the architecture, nested models' layers included.
        max_nesting: depth of the JSON config (lists and objects inside each other); at most 500.
        max_config_bytes: size of the JSON config (10,000 Dense layers with Adam's state take
            about 7 MB). Parsing JSON takes up to about 26 times its size in memory (8 MiB of
            empty objects: 218 MiB), so lower this limit where memory is tight.
        max_expansion: how many times its own size the archive may unpack to (a model file is
            stored uncompressed, about 1x); files unpacking to under 64 MiB are exempt.
    """

    max_parameters: int = 2**28
    max_layers: int = 10_000
    max_nesting: int = 100
    max_config_bytes: int = 2**23
    max_expansion: float = 10.0

    def __post_init__(self) -> None:
        for name in ("max_parameters", "max_layers", "max_nesting", "max_config_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"LoadLimits: {name} must be a positive integer, got {value!r}.")
        if self.max_nesting > MOST_NESTING:
            raise ValueError(f"LoadLimits: max_nesting can be at most {MOST_NESTING} (deeper JSON "
                             f"would exhaust Python's recursion limit), got {self.max_nesting}.")
        if isinstance(self.max_expansion, bool) or not isinstance(self.max_expansion, (int, float)) \
                or not self.max_expansion >= 1:
            raise ValueError(f"LoadLimits: max_expansion must be a number >= 1, got {self.max_expansion!r}.")


DEFAULT_LIMITS = LoadLimits()


def check_limits(limits: object) -> LoadLimits:
    """`limits` itself, or `DEFAULT_LIMITS` for None; anything else is refused clearly."""
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, LoadLimits):
        raise TypeError(f"limits must be an nn.saving.LoadLimits, e.g. LoadLimits(max_parameters=2**31), "
                        f"got {type(limits).__name__}.")
    return limits


def as_path(filepath: object, action: str) -> str:
    """`filepath` (a str or a pathlib.Path) as a str, or a TypeError saying what `action` needs."""
    if not isinstance(filepath, (str, bytes, os.PathLike)):
        raise TypeError(f"{action} needs a file path, a str or a pathlib.Path such as 'model.npz', got "
                        f"{type(filepath).__name__}.")
    return os.fsdecode(filepath)


def temporary_path(path: str) -> str:
    """A fresh name beside `path` for a save in progress: ``.NAME.<16 hex digits>.tmp``."""
    directory, name = os.path.split(os.path.abspath(path))
    return os.path.join(directory, f".{name}.{secrets.token_hex(8)}.tmp")


def is_temporary_path(path: str) -> bool:
    """True when `path` is named like the temporary file of a save (see `temporary_path`)."""
    return _TEMPORARY_NAME.fullmatch(os.path.basename(path)) is not None


def unreadable(path: str, detail: str) -> ModelFileError:
    """The error for a file whose bytes or config are wrong: names the file and the part."""
    return ModelFileError(f"{path!r} is not a readable chainrule model file (truncated, corrupted, or "
                          f"another format): {detail}. Load a file written by model.save, or save the "
                          f"model again.")


def over_limit(path: str, what: str, limit_name: str, limit: float, needed: int) -> ModelFileError:
    """The error for a file that `what` asks for more than the `LoadLimits` field `limit_name`
    allows (`needed` would do)."""
    return ModelFileError(f"{path!r} {what}, more than LoadLimits.{limit_name}={limit:,} allows; it may be "
                          f"damaged or crafted. If you trust it, raise the limit: "
                          f"nn.load_model(path, limits=nn.saving.LoadLimits({limit_name}={needed})).")
