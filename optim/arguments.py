"""Reading an optimizer's constructor: Keras's form, PyTorch's form, and the names both use.

Keras's form puts the learning rate first and the parameters come later (``Model.compile`` or
``attach``); PyTorch's form puts the parameters first::

    Adam(0.001)                        # Keras: the first argument is a number ...
    Adam(ExponentialDecay(...))        # ... or a schedule / any callable step -> lr
    SGD(0.01, momentum=0.9)            # the other arguments go by keyword
    SGD(params, lr=0.01, momentum=0.9) # PyTorch: an iterable of Tensors (or of group dicts)

The first argument's type decides. PyTorch's spellings ``lr``, ``betas=(b1, b2)`` and ``eps`` stand
for Keras's ``learning_rate``, ``beta_1``/``beta_2`` and ``epsilon``; giving one value under two
spellings is a TypeError, never a silent choice. Parameter groups hold the learning rate under
``"lr"``, as PyTorch's do.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from autograd import Tensor

LearningRate = Union[float, Callable[[int], float]]
ParamsArg = Union[Iterable[Tensor], Iterable[dict]]

# Keras's defaults for the hyperparameters PyTorch spells differently; every optimizer that has
# one of them uses the same default (the learning rate's default is each optimizer's own).
SHARED_DEFAULTS = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}

_FIRST_ARGUMENT = "the first argument"  # Keras's positional learning rate, named in messages
# A spelling -> the hyperparameter it sets, as stored in the groups.
_ONE_NAME = {"learning_rate": "lr", "lr": "lr", _FIRST_ARGUMENT: "lr", "eps": "epsilon"}


def read_first_argument(first: Any, owner: str) -> tuple[Optional[list[dict]], Optional[LearningRate]]:
    """``(parameter groups, None)`` in PyTorch's form, ``(None, learning rate)`` in Keras's.

    A number or a callable (schedule) is a learning rate; an iterable of Tensors, or of dicts
    with ``"params"``, is the parameters; anything else is refused with the two forms spelled out.
    """
    if first is None:
        return None, None
    if hasattr(first, "trainable_weights") or hasattr(first, "parameters"):
        raise TypeError(
            f"{owner} was given the model {type(first).__name__} itself; give it the weights, "
            f"{owner}(model.trainable_weights, lr=...), or use Keras's form "
            f"model.compile(optimizer={owner}(0.01), ...), which hands the weights over itself.")
    if isinstance(first, numbers.Real) or callable(first):
        return None, first
    return as_groups(first, owner), None


def keras_hyperparameters(owner: str, signature: dict[str, Any], pytorch: dict[str, Any],
                          first_learning_rate: Optional[LearningRate],
                          default_learning_rate: float) -> dict[str, Any]:
    """The optimizer's hyperparameters under the groups' names (``lr``, ``beta_1``, ...).

    `signature` holds the subclass's Keras-named arguments as given, where None means "left out"
    for ``learning_rate``, ``beta_1``, ``beta_2`` and ``epsilon``; `pytorch` holds ``lr``,
    ``betas`` and ``eps`` (None when left out).
    """
    spelled = {name: value for name, value in signature.items()
               if value is not None or _internal_name(name) not in ("lr", *SHARED_DEFAULTS)}
    spelled.update({name: value for name, value in pytorch.items() if value is not None})
    if first_learning_rate is not None:
        spelled = {_FIRST_ARGUMENT: first_learning_rate, **spelled}
    own = {_internal_name(name) for name in signature}
    hyper = to_internal_names(spelled, own, owner)
    hyper.setdefault("lr", default_learning_rate)
    for key, default in SHARED_DEFAULTS.items():
        if key in own:
            hyper.setdefault(key, default)
    return hyper


def to_internal_names(spelled: dict[str, Any], known: Iterable[str], owner: str) -> dict[str, Any]:
    """`spelled` (Keras's or PyTorch's names) under the groups' names; refuses a hyperparameter
    given twice and one that this optimizer does not have."""
    known = set(known)
    hyper: dict[str, Any] = {}
    source: dict[str, str] = {}
    for name, value in spelled.items():
        if name == "betas":
            targets = list(zip(("beta_1", "beta_2"), _pair_of_betas(value, owner)))
        else:
            targets = [(_internal_name(name), value)]
        for key, item in targets:
            if key not in known:
                raise TypeError(f"{owner} has no hyperparameter {name!r}; its hyperparameters are "
                                f"{_spellings(known)}.")
            if key in source:
                raise TypeError(_given_twice(owner, key, source[key], spelled[source[key]], name, value))
            hyper[key], source[key] = item, name
    return hyper


def _internal_name(name: str) -> str:
    return _ONE_NAME.get(name, name)


def _spellings(known: set[str]) -> list[str]:
    """The names a user may write for `known`, Keras's first."""
    names = sorted("learning_rate" if key == "lr" else key for key in known)
    aliases = [alias for alias, keys in (("lr", {"lr"}), ("betas", {"beta_1", "beta_2"}),
                                         ("eps", {"epsilon"})) if keys <= known]
    return names + [f"{alias} (PyTorch)" for alias in aliases]


def _given_twice(owner: str, key: str, first_name: str, first_value: Any, second_name: str,
                 second_value: Any) -> str:
    def shown(name: str, value: Any) -> str:
        return f"{value!r} as {name}" if name == _FIRST_ARGUMENT else f"{name}={value!r}"

    message = (f"{owner} got {'the learning rate' if key == 'lr' else key} twice: "
               f"{shown(first_name, first_value)} and {shown(second_name, second_value)}; "
               "give it once, in one spelling.")
    if first_name == _FIRST_ARGUMENT:
        message += (f" In Keras's form the first argument is the learning rate and the others go "
                    f"by keyword, as in {owner}({first_value!r}, weight_decay=...), since a second "
                    f"positional argument lands in learning_rate; in PyTorch's form the first "
                    f"argument is the parameters: {owner}(params, lr={first_value!r}).")
    return message


def _pair_of_betas(betas: Any, owner: str) -> tuple[float, float]:
    if isinstance(betas, (str, bytes)) or not isinstance(betas, Iterable):
        raise TypeError(f"{owner}: betas is PyTorch's pair (beta_1, beta_2), e.g. betas=(0.9, 0.999), "
                        f"but got {betas!r}.")
    values = tuple(betas)
    if len(values) != 2:
        raise ValueError(f"{owner}: betas must hold exactly two decay rates (beta_1, beta_2), "
                         f"but got {len(values)}: {values!r}.")
    return values[0], values[1]


# ---- parameters ----------------------------------------------------------------------------------
def as_groups(params: Any, owner: str) -> list[dict[str, Any]]:
    """PyTorch's first argument as a list of groups (dicts with ``"params"``), or a clear error."""
    if isinstance(params, Tensor):
        raise TypeError(f"{owner} expects an iterable of tensors, but got a single Tensor; "
                        "wrap it in a list: [w].")
    if isinstance(params, (str, bytes)):
        raise TypeError(f"{owner} got the string {params!r} as its first argument; an optimizer "
                        f"name goes to compile(optimizer={params!r}) or optim.get({params!r}).")
    if isinstance(params, dict):
        raise TypeError(f"{owner} got one parameter group (a dict); pass a list of groups: "
                        f"{owner}([{{'params': [...], 'lr': ...}}]).")
    if not isinstance(params, Iterable):
        raise TypeError(
            f"{owner}'s first argument is either the learning rate (a number, a schedule or a "
            f"callable step -> lr: {owner}(0.01)) or the parameters (an iterable of Tensors or of "
            f"parameter-group dicts: {owner}([w, b], lr=0.01)), but got {type(params).__name__}.")
    items = list(params)
    if not items:
        problem = ("no parameters: the iterator or generator it was given yielded nothing (one "
                   "already used up yields nothing, as a generator runs only once: pass a list)"
                   if isinstance(params, Iterator) else "an empty list of parameters")
        raise ValueError(f"{owner} got {problem}. Pass the tensors to optimize, "
                         f"{owner}([w, b], lr=0.01), or use Keras's form {owner}(0.01) and let "
                         "model.compile hand the weights over.")
    if all(isinstance(item, numbers.Real) for item in items):
        raise TypeError(
            f"{owner} got a list of numbers {items!r} as its first argument, which is neither the "
            f"learning rate (one number: {owner}(0.01)) nor the parameters (Tensors); decay rates "
            "go by keyword (betas=(0.9, 0.999) or beta_1=, beta_2=).")
    if all(isinstance(item, dict) for item in items):
        return items
    if any(isinstance(item, dict) for item in items):
        raise TypeError(f"{owner} got a list that mixes parameter-group dicts and tensors; give "
                        "either tensors or groups {'params': [...], ...}, not both.")
    return [{"params": items}]


def as_param_list(params: Any, owner: str) -> list[Tensor]:
    """A group's ``"params"`` as a list of leaf Tensors that require grad, or a clear error."""
    params = [params] if isinstance(params, Tensor) else list(params)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{owner} can only optimize autograd Tensors, but got "
                            f"{type(p).__name__}; wrap the array: Tensor(x, requires_grad=True).")
        if not p.requires_grad:
            raise ValueError(f"{owner} was given the tensor {describe(p)} that does not require "
                             "grad, so it would never change; create it with requires_grad=True.")
        if not p.is_leaf:
            raise ValueError(f"{owner} can only optimize leaf tensors, but the tensor {describe(p)} was "
                             f"made by the op {p.grad_fn.name}; optimize the tensors it was computed from.")
    return params


def describe(p: Tensor) -> str:
    return f"{p.name!r} (shape {p.shape})" if p.name else f"of shape {p.shape}"
