"""The optional extras interop needs, or an ImportError saying exactly what to ``pip install``."""
from __future__ import annotations

from types import ModuleType


def missing(package: str, extra: str, purpose: str) -> ImportError:
    """The error for a missing optional `package`, naming the pip commands that install it."""
    return ImportError(f"{purpose} needs the {package!r} package, which is not installed; run "
                       f"`pip install chainrule[{extra}]` (or `pip install {package}`).")


def h5py(purpose: str) -> ModuleType:
    """The h5py module (Keras 3's weight files are HDF5)."""
    try:
        import h5py as module
    except ImportError:
        raise missing("h5py", "keras-files", purpose) from None
    return module


def onnx(purpose: str) -> ModuleType:
    """The onnx module (its helpers build and check ONNX graphs)."""
    try:
        import onnx as module
    except ImportError:
        raise missing("onnx", "onnx", purpose) from None
    return module
