"""`Optimizer`: the bookkeeping every optimizer shares, so each subclass writes only its update rule.

Shared here, once: parameter groups, per-parameter state, the step count, learning-rate schedules,
gradient clipping, decoupled weight decay, saving and loading. A subclass defines
``init_state(param, hyper)`` (its zeroed moment arrays) and ``update(param, grad, state, hyper, t)``
(its rule, in place, on numpy arrays).
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Iterable, Optional, Union

import numpy as np

from autograd import Tensor
from optim import schedules
from optim.clipping import clip_gradients

LearningRate = Union[float, Callable[[int], float]]
ParamsArg = Union[Iterable[Tensor], Iterable[dict]]

# Hyperparameters whose valid range the base class checks, whatever the optimizer.
_UNIT_INTERVAL = ("beta_1", "beta_2", "rho")  # decay rates: 0 <= x < 1
_NON_NEGATIVE = ("momentum", "weight_decay", "epsilon", "initial_accumulator_value")


class Optimizer:
    """Updates a list of `Tensor` parameters from their ``.grad``.

    Args:
        params: the tensors to optimize, or a list of dicts (parameter groups) each with
            ``"params"`` and any hyperparameter to override for that group. May be left out and
            given later with `attach` (what ``Model.compile`` does).
        defaults: every hyperparameter's default, including ``"lr"`` (the learning rate: a
            positive float, a `schedules.LearningRateSchedule`, or any callable ``step -> lr``)
            and ``"weight_decay"``.
        clipnorm / clipvalue / global_clipnorm: clip each gradient's norm, each element, or the
            norm of all gradients together, before the update (at most one of the three).
        name: a label for messages and saved configs.

    Every step, for each parameter ``w`` with a gradient ``g`` (after clipping), with the current
    ``lr`` and ``weight_decay = wd``: ``w <- w - lr * wd * w`` (decoupled, as Keras), then the
    subclass's rule. ``iterations`` counts the steps taken.

    Example:
        >>> opt = SGD([w, b], learning_rate=0.1)
        >>> loss.backward(); opt.step(); opt.zero_grad()
    """

    def __init__(self, params: Optional[ParamsArg], defaults: dict[str, Any], *,
                 lr: Optional[LearningRate] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None) -> None:
        self.name = name or type(self).__name__.lower()
        self.defaults = dict(defaults)
        self.defaults.setdefault("weight_decay", None)
        if lr is not None:  # the PyTorch spelling wins when given
            self.defaults["lr"] = lr
        self._check_hyperparameters(self.defaults)
        clip_options = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        given = {key: value for key, value in clip_options.items() if value is not None}
        if len(given) > 1:
            raise ValueError(f"{type(self).__name__}: set at most one of clipnorm, clipvalue and "
                             f"global_clipnorm, but got {given}.")
        for key, value in given.items():
            if not value > 0:
                raise ValueError(f"{type(self).__name__}: {key} must be positive, but got {value}.")
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.iterations = 0
        if params is not None:
            self.attach(params)

    # ---- the update rule (subclasses) ----------------------------------------------------------
    def init_state(self, param: np.ndarray, hyper: dict[str, Any]) -> dict[str, Any]:
        """The per-parameter state before the first update (e.g. zeroed moments)."""
        return {}

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               hyper: dict[str, Any], t: int) -> None:
        """Update `param` and `state` in place for step ``t`` (1 for the first update).

        `hyper` holds the group's hyperparameters as scalars of the parameter's dtype, with the
        current learning rate under ``"lr"``. `grad` must not be written into (it may be shared).
        """
        raise NotImplementedError(f"{type(self).__name__} must define update(...).")

    # ---- parameters ----------------------------------------------------------------------------
    def attach(self, params: ParamsArg) -> None:
        """Give the optimizer its parameters, once (``Model.compile`` calls this).

        Attaching the same parameters again does nothing; different ones are an error.
        """
        groups = _as_groups(params, type(self).__name__)
        if not self.param_groups:
            for group in groups:
                self.add_param_group(group)
            return
        new = [id(p) for group in groups
               for p in _as_param_list(group["params"], type(self).__name__)]
        old = [id(p) for group in self.param_groups for p in group["params"]]
        if new != old:
            raise RuntimeError(
                f"{type(self).__name__} '{self.name}' already has {len(old)} parameters and was "
                f"given {len(new)} different ones; use a new optimizer for each model, or "
                "add_param_group() to extend this one.")

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters (any not given take the defaults)."""
        group = dict(group)
        if "params" not in group:
            raise ValueError("a parameter group is a dict with the key 'params' (the tensors) and "
                             f"optional hyperparameters, but got keys {sorted(group)}.")
        if "learning_rate" in group:
            group["lr"] = group.pop("learning_rate")
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise ValueError(f"{type(self).__name__} has no hyperparameter {sorted(unknown)}; "
                             f"its hyperparameters are {sorted(self.defaults)}.")
        params = _as_param_list(group["params"], type(self).__name__)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            if id(p) in seen:
                raise ValueError(f"the parameter {_describe(p)} appears twice in "
                                 f"{type(self).__name__}'s parameter groups; give each only once.")
            seen.add(id(p))
        full = {**self.defaults, **group, "params": params}
        self._check_hyperparameters(full)
        self.param_groups.append(full)

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``.grad = None``) before the next backward."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    # ---- learning rate -------------------------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The learning rate of the next step (of the first group); setting it sets every group's."""
        lr = self.param_groups[0]["lr"] if self.param_groups else self.defaults["lr"]
        return self._evaluate(lr)

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        _check_learning_rate(value, type(self).__name__)
        current = self.param_groups[0]["lr"] if self.param_groups else self.defaults["lr"]
        if callable(current) and not callable(value):
            raise TypeError(
                f"{type(self).__name__} follows the learning-rate schedule {current!r}, so a fixed "
                f"value ({value}) cannot replace it; create the optimizer with a float "
                "learning_rate if you want to set it during training.")
        self.defaults["lr"] = value
        for group in self.param_groups:
            group["lr"] = value

    def _evaluate(self, lr: LearningRate) -> float:
        return float(lr(self.iterations)) if callable(lr) else float(lr)

    # ---- the step ------------------------------------------------------------------------------
    def step(self) -> None:
        """One update of every parameter that has a gradient (the others are left alone)."""
        with_grad = [p for group in self.param_groups for p in group["params"] if p.grad is not None]
        if not with_grad:
            raise RuntimeError(
                f"{type(self).__name__}.step() found no parameter with a gradient"
                + ("" if self.param_groups else " (it has no parameters yet: pass them to the "
                   "constructor or call attach(params))")
                + "; call loss.backward() before step().")
        grads = clip_gradients([p.grad.data for p in with_grad], self.clipnorm, self.clipvalue,
                               self.global_clipnorm)
        t = self.iterations + 1
        position = 0  # into grads, which follow the parameters' order
        for group in self.param_groups:
            hypers: dict[np.dtype, dict[str, Any]] = {}  # the group's numbers, cast once per dtype
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = grads[position]
                position += 1
                param = p.data
                if grad.shape != param.shape:
                    raise ValueError(f"{type(self).__name__}: the gradient of the parameter "
                                     f"{_describe(p)} has shape {grad.shape}; it must match the "
                                     "parameter. Was .grad assigned by hand?")
                if grad.dtype != param.dtype:
                    grad = grad.astype(param.dtype)
                hyper = hypers.get(param.dtype)
                if hyper is None:
                    hyper = hypers[param.dtype] = _cast_hyperparameters(
                        group, self._evaluate(group["lr"]), param.dtype)
                if hyper["weight_decay"]:
                    param -= param * (hyper["lr"] * hyper["weight_decay"])
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = self.init_state(param, hyper)
                self.update(param, grad, state, hyper, t)
                p.data = param  # the values changed in place: this bumps p's version counter
        self.iterations = t

    # ---- saving --------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Plain data (numbers, lists, numpy arrays) that `load_state_dict` restores.

        Parameters are referred to by their index across all groups, in order, so the dict can be
        written as .npz + JSON. A schedule is stored as ``{"class_name", "config"}``.
        """
        index = {id(p): i for i, p in enumerate(self._all_params())}
        state = {index[id(p)]: {key: _to_plain(value) for key, value in s.items()}
                 for p, s in self.state.items()}
        groups = [{**{key: _serialize_lr(value) if key == "lr" else value
                      for key, value in group.items() if key != "params"},
                   "params": [index[id(p)] for p in group["params"]]}
                  for group in self.param_groups]
        return {"state": state, "param_groups": groups, "iterations": self.iterations}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict` returned, onto this optimizer's parameters (same order)."""
        params = self._all_params()
        saved_sizes = [len(group["params"]) for group in state_dict["param_groups"]]
        sizes = [len(group["params"]) for group in self.param_groups]
        if saved_sizes != sizes:
            raise ValueError(
                f"the saved {type(self).__name__} state has parameter groups of sizes {saved_sizes}, "
                f"but this optimizer's groups have sizes {sizes}; load it into an optimizer built "
                "on the same model.")
        new_state = {}
        for key, saved in state_dict["state"].items():
            p = params[int(key)]  # JSON turns int keys into strings
            new_state[p] = {name: _restore_array(value, p, name) for name, value in saved.items()}
        for group, saved in zip(self.param_groups, state_dict["param_groups"]):
            group.update({key: _deserialize_lr(value) if key == "lr" else value
                          for key, value in saved.items() if key != "params"})
        self.state = new_state
        self.iterations = int(state_dict["iterations"])

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as plain data; `optim.from_config` rebuilds the optimizer."""
        lr = self.defaults["lr"]
        config = {key: value for key, value in self.defaults.items() if key != "lr"}
        return {"class_name": type(self).__name__, "name": self.name,
                "learning_rate": schedules.serialize(lr) if callable(lr) else float(lr), **config,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                "global_clipnorm": self.global_clipnorm}

    def _all_params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def _check_hyperparameters(self, hyper: dict[str, Any]) -> None:
        owner = type(self).__name__
        _check_learning_rate(hyper["lr"], owner)
        for key in _UNIT_INTERVAL:
            if key in hyper and not 0 <= hyper[key] < 1:
                raise ValueError(f"{owner}: {key} must be in [0, 1), but got {hyper[key]}.")
        for key in _NON_NEGATIVE:
            if hyper.get(key) is not None and not hyper[key] >= 0:
                raise ValueError(f"{owner}: {key} must be >= 0, but got {hyper[key]}.")

    def __repr__(self) -> str:
        hyper = ", ".join(f"{key}={value!r}" for key, value in self.defaults.items())
        return f"{type(self).__name__}({hyper}, parameters={len(self._all_params())})"


def _check_learning_rate(lr: Any, owner: str) -> None:
    if callable(lr):
        return
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not lr > 0:
        raise ValueError(f"{owner}: the learning rate must be a positive number, a "
                         f"LearningRateSchedule or a callable step -> lr, but got {lr!r}.")


def _cast_hyperparameters(group: dict[str, Any], lr: float, dtype: np.dtype) -> dict[str, Any]:
    """The group's numbers as scalars of `dtype`, so float32 parameters stay float32."""
    hyper = {key: value if isinstance(value, bool) or value is None else dtype.type(value)
             for key, value in group.items() if key not in ("params", "lr")}
    hyper["lr"] = dtype.type(lr)
    return hyper


def _as_groups(params: ParamsArg, owner: str) -> list[dict[str, Any]]:
    if isinstance(params, Tensor):
        raise TypeError(f"{owner} expects an iterable of tensors, but got a single Tensor; "
                        "wrap it in a list: [w].")
    items = list(params)
    if not items:
        raise ValueError(f"{owner} got an empty list of parameters; pass the tensors to optimize.")
    if all(isinstance(item, dict) for item in items):
        return items
    return [{"params": items}]


def _as_param_list(params: Any, owner: str) -> list[Tensor]:
    params = [params] if isinstance(params, Tensor) else list(params)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{owner} can only optimize autograd Tensors, but got "
                            f"{type(p).__name__}; wrap the array: Tensor(x, requires_grad=True).")
        if not p.requires_grad:
            raise ValueError(f"{owner} was given the tensor {_describe(p)} that does not require "
                             "grad, so it would never change; create it with requires_grad=True.")
        if not p.is_leaf:
            raise ValueError(f"{owner} can only optimize leaf tensors, but the tensor {_describe(p)} was "
                             f"made by the op {p.grad_fn.name}; optimize the tensors it was computed from.")
    return params


def _describe(p: Tensor) -> str:
    return f"{p.name!r} (shape {p.shape})" if p.name else f"of shape {p.shape}"


def _serialize_lr(lr: LearningRate) -> Any:
    if isinstance(lr, schedules.LearningRateSchedule):
        return schedules.serialize(lr)
    return lr if callable(lr) else float(lr)


def _deserialize_lr(lr: Any) -> LearningRate:
    return schedules.deserialize(lr) if isinstance(lr, dict) else lr


def _to_plain(value: Any) -> Any:
    """A copy that .npz + JSON can hold: arrays stay arrays, numpy scalars become Python numbers."""
    if isinstance(value, np.ndarray):
        return value.copy()
    return value.item() if isinstance(value, np.generic) else value


def _restore_array(value: Any, p: Tensor, name: str) -> Any:
    if not isinstance(value, np.ndarray):
        return value
    if value.shape != p.shape:
        raise ValueError(f"the saved optimizer state {name!r} has shape {value.shape}, but its "
                         f"parameter {_describe(p)} has shape {p.shape}; the model changed since saving.")
    return value.astype(p.data.dtype, copy=True)
