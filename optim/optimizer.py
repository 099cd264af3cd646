"""`Optimizer`: the bookkeeping every optimizer shares, so each subclass writes only its update rule.

Shared here, once: parameter groups, per-parameter state, the step count, learning-rate schedules,
gradient clipping, decoupled weight decay, weight constraints, saving and loading. A subclass defines
``init_state(param, hyper)`` (its zeroed moment arrays) and ``update(param, grad, state, hyper, t)``
(its rule, in place, on numpy arrays).
"""
from __future__ import annotations

import numbers
from typing import Any, Optional

import numpy as np

from autograd import Tensor
from optim import schedules
from optim.arguments import (LearningRate, ParamsArg, as_groups, as_param_list, describe,
                             keras_hyperparameters, read_first_argument, to_internal_names)
from optim.clipping import clip_gradients
from optim.constraints import Constraint, apply_constraints, check_constraints
from optim.saved_state import check_parameter_state, check_state_dict

# Hyperparameters whose valid range the base class checks, whatever the optimizer.
_UNIT_INTERVAL = ("beta_1", "beta_2", "rho")  # decay rates: 0 <= x < 1
_NON_NEGATIVE = ("momentum", "weight_decay", "epsilon", "initial_accumulator_value")
_SWITCHES = ("nesterov", "amsgrad", "centered")  # True or False


class Optimizer:
    """Updates a list of `Tensor` parameters from their ``.grad``.

    Two ways to build one (see `optim.arguments`), told apart by the first argument's type:

    - Keras: the learning rate first (a number or a schedule), parameters later from
      ``Model.compile`` or `attach`: ``Adam(0.001)``, ``SGD(0.01, momentum=0.9)``.
    - PyTorch: the parameters first (an iterable of Tensors, or of parameter-group dicts each with
      ``"params"`` and any hyperparameter to override): ``SGD([w, b], lr=0.1)``.

    Args:
        params: the parameters (PyTorch's form) or the learning rate (Keras's form), or None.
        hyperparameters: the subclass's Keras-named arguments as given; None means "left out"
            for ``learning_rate``, ``beta_1``, ``beta_2`` and ``epsilon`` (Keras's defaults apply).
        lr / betas / eps: PyTorch's spellings of ``learning_rate``, ``(beta_1, beta_2)`` and
            ``epsilon``; one value in two spellings is a TypeError.
        clipnorm / clipvalue / global_clipnorm: clip each gradient's norm, each element, or the
            norm of all gradients together, before the update (at most one of the three).
        name: a label for messages and saved configs.

    The learning rate is a positive float, a `schedules.LearningRateSchedule`, or any callable
    ``step -> lr``. Every step, for each parameter ``w`` with a gradient ``g`` (after clipping),
    with the current ``lr`` and ``weight_decay = wd``: ``w <- w - lr * wd * w`` (decoupled, as
    Keras; PyTorch's SGD and Adam add ``wd * w`` to the gradient instead), then the subclass's
    rule; then, for a parameter with a constraint (`set_constraints`), ``w <- constraint(w)``.
    ``iterations`` counts the steps taken.

    Example:
        >>> opt = SGD([w, b], lr=0.1)
        >>> loss.backward(); opt.step(); opt.zero_grad()
    """

    default_learning_rate = 0.001  # Keras's, for every optimizer but SGD

    def __init__(self, params: Any, hyperparameters: dict[str, Any], *,
                 lr: Optional[LearningRate] = None, betas: Optional[tuple[float, float]] = None,
                 eps: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None,
                 name: Optional[str] = None) -> None:
        owner = type(self).__name__
        self.name = name or owner.lower()
        groups, first_learning_rate = read_first_argument(params, owner)
        self.defaults = keras_hyperparameters(owner, hyperparameters,
                                              {"lr": lr, "betas": betas, "eps": eps},
                                              first_learning_rate, self.default_learning_rate)
        self.defaults.setdefault("weight_decay", None)
        self._check_hyperparameters(self.defaults)
        clip_options = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        given = {key: value for key, value in clip_options.items() if value is not None}
        if len(given) > 1:
            raise ValueError(f"{owner}: set at most one of clipnorm, clipvalue and "
                             f"global_clipnorm, but got {given}.")
        for key, value in given.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
                raise ValueError(f"{owner}: {key} must be positive, but got {value!r}.")
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.constraints: dict[Tensor, Constraint] = {}
        self.iterations = 0
        if groups is not None:
            for group in groups:
                self.add_param_group(group)

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

        Attaching the same parameters again does nothing; different ones are an error (use
        `reattach` to change the set on purpose).
        """
        groups = as_groups(params, type(self).__name__)
        if not self.param_groups:
            for group in groups:
                self.add_param_group(group)
            return
        new = [id(p) for group in groups
               for p in as_param_list(group["params"], type(self).__name__)]
        old = [id(p) for p in self._all_params()]
        if new != old:
            raise RuntimeError(
                f"{type(self).__name__} '{self.name}' already has {len(old)} parameters and was "
                f"given {len(new)} different ones; use a new optimizer for each model, or "
                "add_param_group() to extend this one.")

    def reattach(self, params: ParamsArg) -> None:
        """Replace the parameters with `params` (a flat iterable of Tensors), keeping the state
        (moments, step count) of every parameter that stays.

        What a model does when its trainable weights changed since the optimizer got them (a
        layer frozen or unfrozen after compile). A parameter that stays keeps its group; a new one
        joins the group of the parameter before it in `params` (the first group if none), so
        with one group the order is exactly that of `params`. Leaving parameters lose their state.
        """
        owner = type(self).__name__
        new = as_param_list(params, owner)
        if not self.param_groups:
            self.attach(new)
            return
        group_of = {id(p): group for group in self.param_groups for p in group["params"]}
        members: dict[int, list[Tensor]] = {id(group): [] for group in self.param_groups}
        current = self.param_groups[0]
        seen: set[int] = set()
        for p in new:
            if id(p) in seen:
                raise ValueError(f"{owner}.reattach: the parameter {describe(p)} appears twice; "
                                 "give each only once.")
            seen.add(id(p))
            current = group_of.get(id(p), current)
            members[id(current)].append(p)
        for group in self.param_groups:
            group["params"] = members[id(group)]
        self.state = {p: state for p, state in self.state.items() if id(p) in seen}

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters (any not given take the defaults).

        Keys use Keras's or PyTorch's names (``learning_rate`` or ``lr``, ``betas``, ``eps``).
        """
        owner = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            keys = sorted(group) if isinstance(group, dict) else type(group).__name__
            raise ValueError("a parameter group is a dict with the key 'params' (the tensors) and "
                             f"optional hyperparameters, but got {keys}.")
        overrides = to_internal_names({key: value for key, value in group.items() if key != "params"},
                                      self.defaults, owner)
        params = as_param_list(group["params"], owner)
        seen = {id(p) for p in self._all_params()}
        for p in params:
            if id(p) in seen:
                raise ValueError(f"the parameter {describe(p)} appears twice in "
                                 f"{owner}'s parameter groups; give each only once.")
            seen.add(id(p))
        full = {**self.defaults, **overrides, "params": params}
        self._check_hyperparameters(full)
        self.param_groups.append(full)

    def set_constraints(self, constraints: dict[Tensor, Constraint]) -> None:
        """After each update, replace a parameter ``w`` by ``constraint(w)`` (under ``no_grad``),
        for each ``{w: constraint}`` given; this replaces the constraints set before.

        A model hands its layers' ``kernel_constraint`` & co. over when it attaches its weights;
        a loop of your own passes them itself: ``opt.set_constraints({w: nn.constraints.NonNeg()})``,
        or for a model's weights ``opt.set_constraints(model.weight_constraints)``.
        """
        self.constraints = check_constraints(constraints, type(self).__name__)

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
                                     f"{describe(p)} has shape {grad.shape}; it must match the "
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
        if self.constraints:
            apply_constraints(with_grad, self.constraints, type(self).__name__)
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
        check_state_dict(state_dict, len(params), type(self).__name__)
        saved_sizes = [len(group["params"]) for group in state_dict["param_groups"]]
        sizes = [len(group["params"]) for group in self.param_groups]
        if saved_sizes != sizes:
            raise ValueError(
                f"the saved {type(self).__name__} state has parameter groups of sizes {saved_sizes}, "
                f"but this optimizer's groups have sizes {sizes}; load it into an optimizer built "
                "on the same model.")
        # Everything is checked before anything changes: hyperparameters as the constructor checks
        # them, and each parameter's state against what this optimizer's init_state makes.
        groups = []
        for group, saved in zip(self.param_groups, state_dict["param_groups"]):
            unknown = sorted(set(saved) - set(group))
            if unknown:
                raise ValueError(f"{type(self).__name__}.load_state_dict: a saved parameter group has the "
                                 f"hyperparameters {unknown}, which {type(self).__name__} does not have; load it "
                                 "into the kind of optimizer that saved it.")
            groups.append({**group, **{key: _deserialize_lr(value) if key == "lr" else value
                                       for key, value in saved.items() if key != "params"}})
            self._check_hyperparameters(groups[-1])
        group_of = {id(p): group for group in groups for p in group["params"]}
        new_state = {}
        for key, saved in state_dict["state"].items():
            p = params[int(key)]  # JSON turns int keys into strings
            group = group_of[id(p)]
            expected = self.init_state(p.data, _cast_hyperparameters(group, self._evaluate(group["lr"]), p.data.dtype))
            check_parameter_state(saved, expected, type(self).__name__, key)
            new_state[p] = {name: _restore_array(value, p, name) for name, value in saved.items()}
        for group, checked in zip(self.param_groups, groups):
            group.update(checked)
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
        for key in (*_UNIT_INTERVAL, *_NON_NEGATIVE):
            value = hyper.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
                raise TypeError(f"{owner}: {key} must be a number, but got {value!r}"
                                + ("; PyTorch's pair goes by keyword: betas=(0.9, 0.999)."
                                   if key.startswith("beta") else "."))
        for key in _SWITCHES:
            if key in hyper and not isinstance(hyper[key], (bool, np.bool_)):
                raise TypeError(f"{owner}: {key} is a switch, True or False, but got {hyper[key]!r}.")
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
    """A saved array (or nested list, after JSON) as a fresh array of `p`'s dtype and shape."""
    if isinstance(value, list):
        try:
            value = np.array(value, dtype=p.data.dtype)
        except (ValueError, TypeError):
            raise ValueError(f"the saved optimizer state {name!r} of parameter {describe(p)} should be an array "
                             "of numbers (or nested lists of them); pass what state_dict() returned.") from None
    if not isinstance(value, np.ndarray):
        return value
    if value.shape != p.shape:
        raise ValueError(f"the saved optimizer state {name!r} has shape {value.shape}, but its "
                         f"parameter {describe(p)} has shape {p.shape}; the model changed since saving.")
    return value.astype(p.data.dtype, copy=True)
