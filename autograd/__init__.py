"""autograd: a reverse-mode automatic-differentiation engine on numpy.

A `Tensor` records every op into a graph; `Tensor.backward()` walks it backwards applying the
chain rule. See `autograd.ops` for the primitives and `autograd.viz` for pictures of the graph.

Layering: autograd is the bottom layer. It imports numpy, and in `autograd.viz` only, graphviz
(plus IPython and ipywidgets when a notebook has them); it never imports nn or optim, which are
built on it. tests/test_layering.py checks every import.
"""
from autograd.anomaly import detect_anomaly
from autograd.creation import (arange, empty, eye, full, full_like, linspace, ones, ones_like, rand,
                               rand_like, randint, randn, randn_like, zeros, zeros_like)
from autograd.dtypes import get_default_dtype, set_default_dtype
from autograd.engine import grad, topological_order
from autograd.function import Function
from autograd.functional import hessian, hvp, jacobian, jvp, value_and_grad, vjp
from autograd.grad_mode import enable_grad, is_grad_enabled, name_scope, no_grad, set_grad_enabled
from autograd.gradcheck import GradcheckError, gradcheck
from autograd.ops import *  # noqa: F401,F403  (every op as a function: autograd.exp, autograd.matmul, ...)
from autograd.ops import __all__ as _op_names
from autograd.random import manual_seed
from autograd.tensor import Tensor, from_numpy

__all__ = [
    "Tensor", "from_numpy", "Function", "grad", "value_and_grad", "gradcheck", "GradcheckError",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "name_scope",
    "detect_anomaly", "set_default_dtype", "get_default_dtype", "topological_order",
    "zeros", "ones", "full", "empty", "eye", "arange", "linspace", "rand", "randn", "randint",
    "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "manual_seed",
    "vjp", "jvp", "jacobian", "hessian", "hvp",
    *_op_names,
]
