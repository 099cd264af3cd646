"""Losses with Keras's names, defaults and "sum_over_batch_size" reduction (mean over samples).

Functions (`mean_squared_error`, `binary_crossentropy`, ...) map (y_true, y_pred) to a scalar
`ag.Tensor` built from autograd ops (see `nn.losses.functions`). Loss objects
(`MeanSquaredError()`, `BinaryCrossentropy(from_logits=True)`, ...) add Keras's `reduction`,
`name` and `sample_weight` (see `nn.losses.loss`). `get` resolves what `compile(loss=...)` is
given: a name, a function, an object, a class (instantiated, as Keras does) or a saved config.
"""
from __future__ import annotations

from typing import Any, Union

from nn.losses.functions import (EPSILON, LossFunction, bce, binary_crossentropy,
                                 binary_crossentropy_per_sample, categorical_crossentropy,
                                 categorical_crossentropy_per_sample, huber, huber_per_sample, mae,
                                 mean_absolute_error, mean_absolute_error_per_sample,
                                 mean_squared_error, mean_squared_error_per_sample, mse,
                                 sparse_categorical_crossentropy,
                                 sparse_categorical_crossentropy_per_sample, sparse_labels)
from nn.losses.loss import (REDUCTIONS, Loss, LossFunctionWrapper, per_sample_losses,
                            reduce_weighted_values)
from nn.losses.loss_classes import (LOSS_CLASSES, BinaryCrossentropy, CategoricalCrossentropy, Huber,
                                    MeanAbsoluteError, MeanSquaredError, SparseCategoricalCrossentropy)
from nn import saving
from nn.utils import config_of, from_config, lookup, type_name

_FUNCTIONS: dict[str, LossFunction] = {
    fn.__name__: fn for fn in (mean_squared_error, mean_absolute_error, huber, binary_crossentropy,
                               categorical_crossentropy, sparse_categorical_crossentropy)
}
_FUNCTIONS.update(mse=mse, mae=mae, bce=bce)
_CLASSES: dict[str, type] = {cls.__name__: cls for cls in LOSS_CLASSES}


def _instantiate(loss_class: type) -> Any:
    """`loss_class()` with its defaults, as Keras does for `compile(loss=SomeLoss)`."""
    try:
        return loss_class()
    except TypeError as error:
        raise TypeError(f"the loss class {loss_class.__name__} cannot be built without arguments "
                        f"({error}); pass an instance instead, e.g. {loss_class.__name__}(...).") from None


def get(identifier: Union[str, dict, type, LossFunction, Loss, None]) -> Union[LossFunction, Loss, None]:
    """A loss from a function name ("mse"), a class name ("MeanSquaredError", instantiated with
    its defaults), a class (likewise), a `serialize` dict, a callable (as is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        found = lookup({**_FUNCTIONS, **_CLASSES}, identifier, "loss")
        return found() if isinstance(found, type) else found
    if isinstance(identifier, dict):
        if "registered_name" in identifier:  # a loss of your own, as `serialize` wrote it
            return saving.deserialize_custom(identifier)
        return from_config(_CLASSES, identifier, "loss")
    if isinstance(identifier, type):
        return _instantiate(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"a loss must be a name such as 'mse', a loss object or class, or a callable, "
                    f"got {type_name(identifier)}.")


def deserialize(config: Union[str, dict]) -> Union[LossFunction, Loss]:
    """The loss `serialize` described (a name or a {"class_name", "config"} dict)."""
    return get(config)


def serialize(loss: Union[LossFunction, Loss, None]) -> Union[str, dict, None]:
    """A built-in function's name, {"class_name", "config"} for a built-in loss object, None for
    None; a loss of your own as `nn.saving.serialize_custom` describes it (its name and, if
    decorated with `nn.saving.register_serializable`, its registered name), which `get` finds
    again among the registered objects or a load's ``custom_objects``."""
    if loss is None:
        return None
    if isinstance(loss, Loss) and type(loss).__name__ in _CLASSES:
        return config_of(type(loss).__name__, loss.get_config())
    for name, fn in _FUNCTIONS.items():
        if fn is loss:
            return name
    return saving.serialize_custom(loss)


__all__ = [
    "Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError", "Huber",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "mean_squared_error", "mean_absolute_error", "huber", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae", "bce",
    "mean_squared_error_per_sample", "mean_absolute_error_per_sample", "huber_per_sample",
    "binary_crossentropy_per_sample", "categorical_crossentropy_per_sample",
    "sparse_categorical_crossentropy_per_sample", "sparse_labels", "reduce_weighted_values",
    "per_sample_losses",
    "REDUCTIONS", "EPSILON", "get", "serialize", "deserialize",
]
