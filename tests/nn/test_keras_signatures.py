"""Keras 3's signatures are the contract: every argument a Keras 3 class or function takes is
taken here with the same default, or is listed below with the reason it is not.

For each public name of nn.layers, nn.losses, nn.metrics, nn.callbacks and optim that Keras 3
also has (and for Model's methods), each of Keras's parameters must be in our signature, or
reach the base class through ``**kwargs`` (a layer's name, dtype, ...), or appear in
`NOT_SUPPORTED`. Where both give a default they must agree (0 and 0.0, "zeros" and "Zeros"
count as the same). The lists are what the "Keras users" guide calls the deliberate differences.
"""
from __future__ import annotations

import inspect
import os
from typing import Any, Callable, Optional

import pytest

import nn
import optim

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

# What each family's base class takes through **kwargs.
BASE_KEYWORDS = {
    "layers": {"name", "trainable", "dtype", "activity_regularizer", "input_shape", "input_dim"},
    "optim": {"clipnorm", "clipvalue", "global_clipnorm", "name"},
    "losses": set(), "metrics": set(), "callbacks": set(),
}
NOT_SUPPORTED: dict[str, str] = {
    **dict.fromkeys(["lora_rank", "lora_alpha", "quantization_config"], "no LoRA or quantization: models here are small"),
    **dict.fromkeys(["use_cudnn", "flash_attention"], "CPU only: there is no cuDNN or flash kernel to choose"),
    **dict.fromkeys(["sparse", "ragged", "optional", "tensor", "input_tensor"],
                    "dense numpy tensors only: no sparse, ragged or optional inputs"),
    "autocast": "no mixed precision: a layer computes in its weights' dtype",
    **dict.fromkeys(["renorm", "renorm_clipping", "renorm_momentum", "synchronized"],
                    "BatchNormalization without batch renormalization or cross-device sync"),
    **dict.fromkeys(["attention_axes", "sliding_window", "use_gate"], "MultiHeadAttention attends over the sequence axis only"),
    "weights": "initial weights go in with set_weights after building",
    "ignore_class": "not implemented yet",
    "from_sorted_ids": "not implemented yet",
    **dict.fromkeys(["use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                     "gradient_accumulation_steps"], "optimizers without EMA, loss scaling or gradient accumulation"),
    **dict.fromkeys(["run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"],
                    "always eager: there is no graph compiler to configure"),
    "weighted_metrics": "not implemented yet: metrics are unweighted",
    "validation_freq": "validation runs after every epoch",
    "layer_range": "summary shows every layer",
    **dict.fromkeys(["overwrite", "zipped", "max_shard_size"], "saving always replaces the file atomically, in one piece"),
    "skip_mismatch": "a mismatched weight file is refused, never half loaded",
    "double_checkpoint": "BackupAndRestore keeps one checkpoint",
    "initial_value_threshold": "not implemented yet",
    "raise_error": "TerminateOnNaN stops training; it does not raise",
    "input_signature": "the export's inputs are the model's, with a dynamic batch axis",
}
# Per name: which of Keras's parameters this class lacks, and why (beyond the table above).
NOT_SUPPORTED_FOR = {
    "Flatten": {"data_format": "channels_last only"},
    "callbacks.ModelCheckpoint": {"save_freq": "checkpoints are written at epoch ends"},
    "Model.predict": {"callbacks": "predict runs no callbacks"},
    "Model.export": {"verbose": "export prints nothing"},
    "losses.BinaryCrossentropy": {"axis": "the class axis is the last"},
    "losses.CategoricalCrossentropy": {"axis": "the class axis is the last"},
    "losses.SparseCategoricalCrossentropy": {"axis": "the class axis is the last"},
    "losses.binary_crossentropy": {"axis": "the class axis is the last"},
    "losses.categorical_crossentropy": {"axis": "the class axis is the last"},
    "losses.sparse_categorical_crossentropy": {"axis": "the class axis is the last"},
    "metrics.CategoricalCrossentropy": {"axis": "the class axis is the last"},
    "metrics.SparseCategoricalCrossentropy": {"axis": "the class axis is the last"},
}
# Names whose defaults differ on purpose.
OWN_DEFAULTS = {
    # PyTorch's lr= is taken too, so "not given" must be visible: None means Keras's default.
    **{f"optim.{name}": {"learning_rate", "beta_1", "beta_2", "epsilon"}
       for name in ("SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad")},
    "Model.predict": {"verbose"},  # no progress bar unless asked: predict is called in loops
    "Model.export": {"format"},  # ONNX: there is no TensorFlow here to write a SavedModel
}
# Losses and metrics compute in the dtype of what they are given: Keras's dtype= is not taken.
for family, keras_module in (("losses", keras.losses), ("metrics", keras.metrics)):
    for name in getattr(nn, family).__all__:
        keras_class = getattr(keras_module, name, None)
        if isinstance(keras_class, type) and "dtype" in inspect.signature(keras_class.__init__).parameters:
            NOT_SUPPORTED_FOR.setdefault(f"{family}.{name}", {})["dtype"] = "computed in the inputs' dtype"
SKIPPED = {"optim.Optimizer": "PyTorch's base signature (params, hyperparameters)",
           "callbacks.CallbackList": "built by fit, not by users",
           "losses.deserialize": "takes the config alone", "metrics.deserialize": "takes the config alone",
           "losses.Loss": "a base class: its dtype is the model's", "metrics.Metric": "a base class"}
MODEL_METHODS = ["compile", "fit", "evaluate", "predict", "summary", "save", "save_weights", "load_weights",
                 "get_layer", "train_on_batch", "test_on_batch", "predict_on_batch", "export", "to_json",
                 "get_config", "get_weights", "set_weights", "count_params"]


def parameters(function: Callable) -> Optional[dict[str, inspect.Parameter]]:
    try:
        return dict(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None


def same_default(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, int) and isinstance(theirs, tuple) and theirs and set(theirs) == {ours}:
        return True  # strides=1 is (1, 1) on two axes
    if isinstance(ours, str) and isinstance(theirs, str):
        return ours.lower() == theirs.lower()
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)) and not isinstance(ours, bool):
        return ours == theirs
    return repr(ours) == repr(theirs)


def pairs() -> list[tuple[str, str, Callable, Callable]]:
    found = []
    families = [("layers", nn.layers, keras.layers), ("losses", nn.losses, keras.losses),
                ("metrics", nn.metrics, keras.metrics), ("callbacks", nn.callbacks, keras.callbacks),
                ("optim", optim, keras.optimizers)]
    for family, ours_module, keras_module in families:
        for name in ours_module.__all__:
            ours, theirs = getattr(ours_module, name, None), getattr(keras_module, name, None)
            if not callable(ours) or not callable(theirs):
                continue
            label = name if family == "layers" else f"{family}.{name}"
            if label in SKIPPED:
                continue
            if isinstance(ours, type):
                ours, theirs = ours.__init__, theirs.__init__
            found.append((family, label, ours, theirs))
    found += [("model", f"Model.{name}", getattr(nn.Model, name, None), getattr(keras.Model, name))
              for name in MODEL_METHODS]
    return found


EXEMPTIONS_USED: set[tuple[str, str]] = set()  # (label or "*", parameter) that excused a difference


def differences(family: str, label: str, ours: Optional[Callable], theirs: Callable) -> list[str]:
    if ours is None:
        return [f"{label} is missing"]
    mine, keras_own = parameters(ours), parameters(theirs)
    if mine is None or keras_own is None:
        return []
    takes_more = any(p.kind is p.VAR_KEYWORD for p in mine.values())
    allowed = {**NOT_SUPPORTED, **NOT_SUPPORTED_FOR.get(label, {})}
    found = []
    for name, parameter in keras_own.items():
        if name == "self" or parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        if name not in mine:
            if takes_more and name in BASE_KEYWORDS.get(family, set()):
                continue
            if name in allowed:
                EXEMPTIONS_USED.add((label if name in NOT_SUPPORTED_FOR.get(label, {}) else "*", name))
            else:
                found.append(f"{label} does not take {name}= (Keras's default {parameter.default!r})")
            continue
        has_both = parameter.default is not parameter.empty and mine[name].default is not mine[name].empty
        if has_both and name not in OWN_DEFAULTS.get(label, set()) and not same_default(mine[name].default,
                                                                                           parameter.default):
            found.append(f"{label}({name}=...) defaults to {mine[name].default!r}, Keras to {parameter.default!r}")
    return found


def test_every_keras_argument_is_taken_with_keras_s_default_or_listed_with_its_reason():
    problems = [problem for entry in pairs() for problem in differences(*entry)]
    assert not problems, "\n".join(problems)


def test_every_listed_difference_is_still_one():
    """A stale entry (Keras dropped the argument, or we now take it) is removed from the lists."""
    for entry in pairs():
        differences(*entry)
    listed = {("*", name) for name in NOT_SUPPORTED} | {(label, name) for label, names in NOT_SUPPORTED_FOR.items()
                                                          for name in names}
    stale = {(label, name) for label, name in listed if (label, name) not in EXEMPTIONS_USED}
    known_labels = {label for _, label, _, _ in pairs()}
    stale = {(label, name) for label, name in stale if label == "*" or label in known_labels}
    assert not stale, f"listed differences that are no longer differences: {sorted(stale)}"
