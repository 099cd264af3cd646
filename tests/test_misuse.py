"""A learner's mistakes, one row each: the exception type, and a message that names the problem
and says what to do about it.

Every row of `CASES` runs a small wrong program and checks that it raises `error` with a message
holding both `problem` and `fix` (case-insensitive substrings). Rows that need a file get a fresh
temporary folder (the row type and its check: tests/helpers/misuse_table.py). Mistakes with model
files (saving and loading) are in tests/test_misuse_files.py, those with the functional API and
classes of your own in tests/test_misuse_models.py. Mistakes that are handled rather than refused (the (n,) vs (n, 1) target that would silently
broadcast) and those that need the environment changed (no `dot` on PATH) are in
tests/test_misuse_handled.py.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from misuse_table import Case, raises_problem_and_fix

import autograd as ag
import nn
import optim
from autograd import viz
from nn.layers import Dense, Dropout, Input


# ---- small programs the rows share --------------------------------------------------------------
def backed_up() -> ag.Tensor:
    """A loss whose backward() has already run (and freed its graph)."""
    loss = (leaf([1.0, 2.0]) * 3.0).sum()
    loss.backward()
    return loss


def leaf(values: Any) -> ag.Tensor:
    return ag.Tensor(values, requires_grad=True, dtype="float64")


def used_twice() -> None:
    x = leaf([1.0, 2.0])
    loss = (x * x).sum()
    loss.backward()
    loss.backward()


def mlp(features: int = 4, classes: int = 3) -> nn.Sequential:
    return nn.Sequential([Input(shape=(features,)), Dense(8, activation="relu"), Dense(classes)])


def compiled(features: int = 4, classes: int = 3, loss: str = "sparse_categorical_crossentropy"
             ) -> nn.Sequential:
    model = mlp(features, classes)
    model.compile(optimizer="sgd", loss=loss)
    return model


def fit(x: Any, y: Any, **kwargs: Any) -> None:
    compiled().fit(x, y, verbose=0, **kwargs)


def fit_logits(loss: str, y: np.ndarray) -> None:
    """A classifier whose last layer has no softmax (its bias starts at -1, so some outputs are
    surely negative), trained with a loss that expects probabilities."""
    model = nn.Sequential([Input(shape=(4,)), Dense(3, bias_initializer=nn.initializers.Constant(-1.0))])
    model.compile(optimizer="sgd", loss=loss)
    model.fit(X, y, verbose=0)


X = np.zeros((6, 4), dtype="float32")
Y = np.array([0, 1, 2, 0, 1, 2])


def with_nan(array: np.ndarray, where: tuple) -> np.ndarray:
    array = array.astype("float32")
    array[where] = np.nan
    return array


def sce(y_true: Any, y_pred_shape: tuple = (3, 4)) -> None:
    nn.losses.sparse_categorical_crossentropy(y_true, np.full(y_pred_shape, 0.25))


def dense_fed_wrong_width() -> None:
    model = mlp(features=4)
    model(np.zeros((2, 5), dtype="float32"))


def statement_with_a_string() -> None:
    try:
        ag.set_grad_enabled("False")
    finally:
        ag.set_grad_enabled(True)


def assign(obj: Any, attribute: str, value: Any) -> None:
    setattr(obj, attribute, value)


def fit_with_callbacks(callbacks: Any) -> None:
    compiled().fit(X, Y, verbose=0, callbacks=callbacks)


# ---- the table -----------------------------------------------------------------------------------
CASES = [
    # autograd: shapes
    Case("matmul_inner_dims", lambda _: leaf(np.ones((2, 3))) @ leaf(np.ones((4, 5))), ValueError,
         "shapes (2, 3) and (4, 5) do not fit", "transpose"),
    Case("matmul_scalar", lambda _: ag.matmul(leaf(2.0), leaf([1.0])), ValueError,
         "at least one dimension", "use * to multiply by a scalar"),
    Case("add_broadcast", lambda _: leaf([1.0, 2.0, 3.0]) + leaf([1.0, 2.0]), ValueError,
         "shapes (3,) and (2,) cannot be broadcast", "reshape one operand"),
    Case("mul_broadcast", lambda _: leaf(np.ones((2, 3))) * leaf(np.ones((3, 2))), ValueError,
         "cannot be broadcast", "Trailing dimensions must be equal or 1"),
    Case("linear_weight", lambda _: ag.linear(leaf(np.ones((2, 3))), leaf(np.ones((4, 5)))),
         ValueError, "(2, 3)", "(4, 5)"),
    Case("reshape_size", lambda _: leaf(np.ones((2, 3))).reshape(4, 2), ValueError,
         "cannot reshape a tensor of shape (2, 3) (6 elements)", "(4, 2)"),
    Case("broadcast_to", lambda _: leaf(np.ones(3)).broadcast_to((2, 4)), ValueError,
         "cannot broadcast shape (3,) to (2, 4)", "1"),
    Case("concatenate", lambda _: ag.concatenate([leaf(np.ones((2, 3))), leaf(np.ones((2, 4)))]),
         ValueError, "concatenate along axis 0", "(2, 4)"),
    Case("stack", lambda _: ag.stack([leaf([1.0]), leaf([1.0, 2.0])]), ValueError,
         "stack", "same shape"),
    Case("clip_no_bounds", lambda _: leaf([1.0]).clip(), ValueError, "clip needs a_min or a_max",
         "would do nothing"),
    # autograd: backward
    Case("backward_non_scalar", lambda _: (leaf([1.0, 2.0]) * 2.0).backward(), RuntimeError,
         "tensor of shape (2,) needs grad=", "y.sum()"),
    Case("backward_twice", lambda _: used_twice(), RuntimeError,
         "backward through the graph a second time", "retain_graph=True"),
    Case("backward_no_grad", lambda _: (ag.Tensor([1.0]) * 2.0).backward(), RuntimeError,
         "does not require grad", "requires_grad=True"),
    Case("backward_grad_shape", lambda _: (leaf([1.0, 2.0]) * 2.0).backward(np.ones(3)), ValueError,
         "grad has shape (3,) but the tensor has shape (2,)", "must be equal"),
    Case("grad_of_constant_input", lambda _: ag.grad((leaf([1.0]) * 2).sum(), ag.Tensor([1.0])),
         RuntimeError, "does not require grad", "requires_grad=True"),
    Case("grad_of_unused_input", lambda _: ag.grad((leaf([1.0]) * 2).sum(), leaf([3.0])),
         RuntimeError, "was not used", "allow_unused=True"),
    Case("retain_grad_constant", lambda _: ag.Tensor([1.0]).retain_grad(), RuntimeError,
         "retain_grad() needs a tensor that requires grad", "requires_grad=True"),
    Case("requires_grad_off_non_leaf", lambda _: (leaf([1.0]) * 2).requires_grad_(False),
         RuntimeError, "only be switched off on a leaf", ".detach()"),
    # autograd: dtypes and conversions
    Case("requires_grad_int", lambda _: ag.Tensor([1, 2, 3], requires_grad=True), TypeError,
         "dtype int64", "dtype='float32'"),
    Case("requires_grad_int_method", lambda _: ag.Tensor(np.arange(3)).requires_grad_(), TypeError,
         "only float tensors can require gradients", "make it float first"),
    Case("item_many", lambda _: leaf([1.0, 2.0]).item(), ValueError, "one element, but this one has shape (2,)",
         "reduce it first"),
    Case("bool_many", lambda _: bool(leaf([1.0, 2.0])), ValueError, "ambiguous", ".any() or .all()"),
    Case("len_scalar", lambda _: len(leaf(1.0)), TypeError, "len() of a 0-d tensor", ".item()"),
    Case("from_numpy_list", lambda _: ag.from_numpy([1.0]), TypeError,
         "expects a numpy array, got list", "Tensor(data)"),
    Case("sce_op_labels_range", lambda _: ag.softmax_cross_entropy(leaf(np.ones((2, 3))), np.array([0, 3])),
         ValueError, "labels must lie in [0, 2]", "3"),
    Case("sce_op_negative_label", lambda _: ag.softmax_cross_entropy(leaf(np.ones((2, 3))),
                                                                      np.array([0, -1], dtype=np.int32)),
         ValueError, "labels must lie in [0, 2]", "from -1 to 0"),
    Case("sce_op_float_labels", lambda _: ag.softmax_cross_entropy(leaf(np.ones((2, 3))), np.array([0.0, 1.0])),
         TypeError, "float64", "integer class indices"),
    # nn: layers and models
    Case("dense_input_after_build", lambda _: dense_fed_wrong_width(), ValueError,
         "built for inputs of shape (batch, 4) but got shape (2, 5)", "give it 4 features"),
    Case("dense_units_zero", lambda _: Dense(0), ValueError, "got 0", "units must be a positive integer"),
    Case("dense_units_negative", lambda _: Dense(-3), ValueError, "got -3", "positive integer"),
    Case("dense_units_float", lambda _: Dense(2.5), ValueError, "got 2.5", "positive integer"),
    Case("dropout_rate_one", lambda _: Dropout(1.0), ValueError, "got 1.0", "lie in [0, 1)"),
    Case("dropout_rate_negative", lambda _: Dropout(-0.1), ValueError, "got -0.1", "lie in [0, 1)"),
    Case("add_non_layer", lambda _: nn.Sequential([np.ones(3)]), TypeError, "got ndarray",
         "expects a layer such as Dense(10)"),
    Case("duplicate_layer_name", lambda _: nn.Sequential([Dense(2, name="d"), Dense(2, name="d")]),
         ValueError, "already has a layer named 'd'", "pass name="),
    Case("input_not_first", lambda _: nn.Sequential([Dense(2), Input(shape=(3,))]), ValueError,
         "Input(shape=(3,)) must be the first", "first"),
    Case("summary_unbuilt", lambda _: nn.Sequential([Dense(2)]).summary(), ValueError,
         "has not been built", "Input(shape=...)"),
    Case("set_weights_count", lambda _: mlp().set_weights([np.ones((4, 8))]), ValueError,
         "has 4 weight arrays but was given 1", "one array per weight"),
    Case("lstm_on_flat_features", lambda _: nn.Sequential([Input(shape=(4,)), nn.layers.LSTM(3)]), ValueError,
         "needs inputs of shape (batch, steps, features)",
         "got (None, 4); a sequence of integers goes through an Embedding"),
    Case("lstm_stateful", lambda _: nn.layers.LSTM(3, stateful=True), ValueError,
         "stateful=True", "pass initial_state= to continue a sequence"),
    Case("embedding_index_too_big", lambda _: nn.layers.Embedding(5, 2)(np.array([[1, 7]])), ValueError,
         "indices must lie in 0..4, but the input holds 7", "raise input_dim to the vocabulary size"),
    Case("bidirectional_of_dense", lambda _: nn.layers.Bidirectional(Dense(3)), ValueError,
         "wraps a recurrent layer", "such as LSTM(32)"),
    # nn: losses and targets
    Case("loss_shape", lambda _: nn.losses.mean_squared_error(np.ones((4, 3)), np.ones((4, 2))),
         ValueError, "y_true has shape (4, 3) but y_pred has shape (4, 2)", "Reshape y_true to (4, 2)"),
    Case("cce_given_labels", lambda _: nn.losses.categorical_crossentropy(np.array([0, 1]), np.full((2, 3), 1 / 3)),
         ValueError, "y_true has shape (2,)", "use sparse_categorical_crossentropy"),
    Case("sparse_label_too_big", lambda _: sce([0, 1, 4]), ValueError,
         "values from 0 to 4", "one unit per class"),
    Case("sparse_label_negative", lambda _: sce([0, -1, 2]), ValueError,
         "must lie in [0, 3]", "one unit per class"),
    Case("sparse_label_fraction", lambda _: sce([0.0, 0.5, 1.0]), ValueError,
         "non-integral values such as [0.5]", "categorical_crossentropy"),
    Case("sparse_label_strings", lambda _: sce(np.array(["a", "b", "c"])), TypeError,
         "got dtype <U1", "integer class indices"),
    Case("sparse_label_shape", lambda _: sce(np.zeros((3, 4))), ValueError,
         "must have shape (3,)", "For one-hot targets use categorical_crossentropy"),
    Case("sparse_given_logits",
         lambda _: nn.losses.sparse_categorical_crossentropy([0, 1], [[2.0, -1.0], [0.5, 0.1]]), ValueError, "holds negative values (as low as -1)", "activation='softmax', or pass from_logits=True"),
    Case("cce_given_logits", lambda _: fit_logits("categorical_crossentropy", np.eye(3)[Y]), ValueError,
         "not probabilities but logits", "from_logits=True"),
    Case("sparse_label_in_fit", lambda _: fit(X, Y + 1), ValueError,
         "values from 1 to 3", "one unit per class"),
    # names that do not exist: the message lists the valid ones
    Case("unknown_optimizer", lambda _: mlp().compile(optimizer="adamm", loss="mse"), ValueError,
         "unknown optimizer 'adamm'", "'adam'"),
    Case("unknown_loss", lambda _: mlp().compile(optimizer="sgd", loss="msee"), ValueError,
         "unknown loss 'msee'", "'mean_squared_error'"),
    Case("unknown_activation", lambda _: Dense(3, activation="rellu"), ValueError,
         "unknown activation 'rellu'", "'relu'"),
    Case("unknown_initializer", lambda _: Dense(3, kernel_initializer="glorot"), ValueError,
         "unknown initializer 'glorot'", "'glorot_uniform'"),
    Case("unknown_metric", lambda _: mlp().compile(loss="mse", metrics=["accuracyy"]), ValueError,
         "unknown metric 'accuracyy'", "'accuracy'"),
    Case("metrics_as_string", lambda _: mlp().compile(loss="mse", metrics="accuracy"), TypeError,
         "got 'accuracy'", "a list such as ['accuracy']"),
    Case("unknown_layer_class", lambda _: nn.layers.get("Dence"), ValueError,
         "unknown layer class 'Dence'", "Dense"),
    # nn: fit, evaluate, predict
    Case("fit_before_compile", lambda _: mlp().fit(X, Y, verbose=0), RuntimeError,
         "before fit()", "call compile(optimizer=..., loss=...)"),
    Case("evaluate_before_compile", lambda _: mlp().evaluate(X, Y, verbose=0), RuntimeError,
         "before evaluate()", "call compile("),
    Case("fit_lengths", lambda _: fit(X, Y[:5]), ValueError,
         "x has 6 samples but y has 5", "one target per sample"),
    Case("fit_empty", lambda _: fit(np.zeros((0, 4)), np.zeros(0, dtype=int)), ValueError,
         "the data is empty (0 samples)", "pass at least one sample"),
    Case("fit_nan_x", lambda _: fit(with_nan(X, (3, 1)), Y), ValueError,
         "x contains NaN or infinite values (first at sample 3)", "clean or impute"),
    Case("fit_inf_y", lambda _: compiled(loss="mse", classes=1).fit(X, np.r_[0.0, np.inf, 0, 0, 0, 0], verbose=0),
         ValueError, "y contains NaN or infinite values (first at sample 1)", "clean or impute"),
    Case("fit_without_y", lambda _: fit(X, None), ValueError, "needs targets y", "as well as x"),
    Case("fit_batch_size_zero", lambda _: fit(X, Y, batch_size=0), ValueError,
         "batch_size", "must be a positive integer, got 0"),
    Case("fit_batch_size_float", lambda _: fit(X, Y, batch_size=2.5), ValueError,
         "batch_size", "must be a positive integer, got 2.5"),
    Case("fit_epochs_negative", lambda _: fit(X, Y, epochs=-1), ValueError,
         "epochs", "must be a positive integer, got -1"),
    Case("fit_validation_split", lambda _: fit(X, Y, validation_split=1.5), ValueError,
         "validation_split", "lie in [0, 1), got 1.5"),
    Case("fit_validation_data", lambda _: fit(X, Y, validation_data=X), ValueError,
         "validation_data", "a pair (x_val, y_val)"),
    Case("predict_strings", lambda _: mlp().predict(np.array([["a"] * 4])), TypeError,
         "got dtype <U1", "must hold numbers"),
    Case("fit_callback_not_callback", lambda _: fit(X, Y, callbacks=[print]), TypeError,
         "got builtin_function_or_method", "nn.callbacks.Callback objects"),
    Case("set_random_seed_negative", lambda _: nn.utils.set_random_seed(-1), ValueError,
         "got -1", "non-negative integer"),
    # optim
    Case("sgd_lr_zero", lambda _: optim.SGD([leaf([1.0])], learning_rate=0.0), ValueError,
         "got 0.0", "learning rate must be a positive number"),
    Case("adam_lr_negative", lambda _: optim.Adam([leaf([1.0])], learning_rate=-1e-3), ValueError,
         "got -0.001", "learning rate must be a positive number"),
    Case("adam_beta_one", lambda _: optim.Adam([leaf([1.0])], beta_1=1.0), ValueError,
         "beta_1", "must be in [0, 1), but got 1.0"),
    Case("optimizer_single_tensor", lambda _: optim.SGD(leaf([1.0])), TypeError,
         "got a single Tensor", "wrap it in a list: [w]"),
    Case("optimizer_no_params", lambda _: optim.SGD([]), ValueError,
         "empty list of parameters", "pass the tensors to optimize"),
    Case("optimizer_constant", lambda _: optim.SGD([ag.Tensor([1.0])]), ValueError,
         "does not require grad", "requires_grad=True"),
    Case("optimizer_non_leaf", lambda _: optim.SGD([leaf([1.0]) * 2]), ValueError,
         "the tensor of shape (1,) was made by the op mul", "optimize the tensors it was computed from"),
    Case("optimizer_two_clips", lambda _: optim.SGD(clipnorm=1.0, clipvalue=1.0), ValueError,
         "clipnorm", "set at most one of"),
    Case("optimizer_lr_twice", lambda _: optim.Adam(0.001, lr=0.01), TypeError,
         "got the learning rate twice", "give it once"),
    Case("optimizer_positional_momentum", lambda _: optim.SGD(0.01, 0.9), TypeError,
         "learning_rate=0.9", "the others go by keyword"),
    Case("optimizer_betas_and_beta_1", lambda _: optim.Adam(beta_1=0.9, betas=(0.9, 0.99)), TypeError,
         "got beta_1 twice", "give it once"),
    Case("optimizer_list_of_numbers", lambda _: optim.Adam([0.9, 0.999]), TypeError,
         "a list of numbers", "betas=(0.9, 0.999)"),
    Case("optimizer_used_up_generator", lambda _: optim.SGD(p for p in ()), ValueError,
         "already used up", "pass a list"),
    Case("optimizer_given_the_model", lambda _: optim.SGD(mlp(), lr=0.1), TypeError,
         "the model Sequential itself", "model.trainable_weights"),
    # autograd: data that is not numbers, and arguments of the wrong type
    Case("tensor_of_none", lambda _: ag.Tensor(None), TypeError, "holds None", "write float('nan')"),
    Case("tensor_with_a_none", lambda _: ag.Tensor([1.0, None, 3.0]), TypeError, "holds None (NoneType) at index (1,)",
         "fill it in first"),
    Case("tensor_of_text", lambda _: ag.Tensor(["1.5", "2"]), TypeError, "holds <U3 values such as '1.5'",
         "convert text to numbers first"),
    Case("tensor_of_ragged_rows", lambda _: ag.Tensor([[1.0], [1.0, 2.0]]), ValueError,
         "rows of different lengths", "pad the shorter rows"),
    Case("tensor_plus_none", lambda _: leaf([1.0]) + None, TypeError, "holds None", "fill it in first"),
    Case("tensor_unknown_dtype", lambda _: ag.Tensor([1.0], dtype="flot32"), TypeError, "unknown dtype 'flot32'",
         "such as 'float32'"),
    Case("requires_grad_string", lambda _: ag.Tensor([1.0], requires_grad="yes"), TypeError, "got 'yes'",
         "requires_grad takes True or False"),
    Case("grad_assigned_an_array", lambda _: assign(leaf([1.0, 2.0]), "grad", np.ones(2)), TypeError,
         "given ndarray", "t.grad = Tensor(array)"),
    Case("grad_assigned_a_wrong_shape", lambda _: assign(leaf([1.0, 2.0]), "grad", ag.Tensor([1.0])), ValueError,
         "given one of shape (1,)", "must have its shape (2,)"),
    Case("set_grad_enabled_string", lambda _: statement_with_a_string(), TypeError, "got 'False'",
         "takes True or False"),
    Case("no_grad_on_a_number", lambda _: ag.no_grad(3), TypeError, "decorates a function, but got int",
         "'with no_grad():'"),
    Case("reshape_string", lambda _: leaf([1.0, 2.0]).reshape("2"), TypeError, "got '2'", "reshape((2, 3))"),
    Case("sum_axis_string", lambda _: leaf([1.0]).sum(axis="0"), TypeError, "got '0'",
         "axis must be an int or a tuple of ints"),
    Case("transpose_one_axis", lambda _: leaf(np.ones((2, 3))).transpose(0), TypeError, "got only 0",
         "swapaxes(dim0, dim1)"),
    Case("index_out_of_range", lambda _: leaf([1.0, 2.0])[5], IndexError, "index 5 is out of bounds",
         "integers from -n to n - 1"),
    Case("concatenate_one_tensor", lambda _: ag.concatenate(leaf([1.0])), TypeError, "got Tensor",
         "concatenate([a, b])"),
    Case("grad_of_a_string", lambda _: ag.grad((leaf([1.0]) * 2).sum(), "x"), TypeError, "one is str",
         "pass the loss as outputs"),
    # nn: arguments of the wrong type
    Case("sequential_of_one_layer", lambda _: nn.Sequential(Dense(3)), TypeError, "got Dense",
         "wrap a single layer in a list"),
    Case("build_without_batch_axis", lambda _: nn.Sequential([Dense(3)]).build(4), ValueError, "got 4",
         "build((None, 64))"),
    Case("input_shape_float", lambda _: Dense(3, input_shape=4.0), ValueError, "got 4.0",
         "for 64 features per sample write (64,)"),
    Case("trainable_string", lambda _: Dense(3, trainable="False"), TypeError, "got 'False'",
         "trainable takes True or False"),
    Case("use_bias_string", lambda _: Dense(3, use_bias="no"), TypeError, "got 'no'", "use_bias takes True or False"),
    Case("initializer_seed_string", lambda _: nn.initializers.GlorotUniform(seed="42"), ValueError, "got str '42'",
         "seed must be a non-negative integer"),
    Case("callback_class", lambda _: fit_with_callbacks([nn.callbacks.EarlyStopping]), TypeError,
         "the class EarlyStopping itself", "callbacks=[EarlyStopping(...)]"),
    Case("callback_function", lambda _: fit_with_callbacks(lambda epoch, logs: None), TypeError, "got function",
         "nn.callbacks.LambdaCallback(on_epoch_end=...)"),
    Case("optimizer_class", lambda _: mlp().compile(optimizer=optim.SGD, loss="mse"), TypeError,
         "optimizer=SGD is the class itself", "pass an instance, SGD()"),
    Case("loss_of_text", lambda _: nn.losses.mean_squared_error(["1"], [1.0]), TypeError, "holds <U1 values",
         "convert text to numbers first"),
    Case("fit_text_targets", lambda _: compiled(loss="mse").fit(X, np.full((6, 3), "a"), verbose=0), TypeError,
         "holds <U1 values", "convert text to numbers first"),
    Case("fit_validation_split_string", lambda _: fit(X, Y, validation_split="0.2"), ValueError, "got '0.2'",
         "must lie in [0, 1)"),
    Case("fit_initial_epoch_negative", lambda _: fit(X, Y, initial_epoch=-1), ValueError, "got -1",
         "an integer from 0 (the default) to epochs - 1"),
    # optim: hyperparameters of the wrong type
    Case("momentum_string", lambda _: optim.SGD([leaf([1.0])], momentum="0.9"), TypeError, "got '0.9'",
         "momentum must be a number"),
    Case("nesterov_string", lambda _: optim.SGD([leaf([1.0])], momentum=0.9, nesterov="True"), TypeError,
         "got 'True'", "nesterov is a switch, True or False"),
    Case("clipnorm_string", lambda _: optim.Adam(clipnorm="1.0"), ValueError, "got '1.0'", "must be positive"),
    Case("schedule_rate_string", lambda _: optim.schedules.ExponentialDecay("0.1", 100, 0.9), TypeError,
         "got '0.1'", "initial_learning_rate must be a number"),
    Case("load_state_dict_of_junk", lambda _: optim.SGD([leaf([1.0])]).load_state_dict({"state": []}), ValueError,
         "should be a dict with 'state', 'param_groups' and 'iterations'", "pass what state_dict() returned"),
    # callbacks, metrics and where() given the wrong kind of value
    Case("csvlogger_in_a_missing_folder", lambda tmp: fit_with_callbacks([nn.callbacks.CSVLogger(tmp / "no" / "log.csv")]),
         FileNotFoundError, "does not exist", "create it first (os.makedirs)"),
    Case("checkpoint_without_a_path", lambda _: nn.callbacks.ModelCheckpoint(None), TypeError,
         "needs a file path", "'best.keras'"),
    Case("metric_of_text_labels", lambda _: nn.metrics.Accuracy().update_state(["cat"], ["cat"]), TypeError,
         "got <U3 values such as 'cat'", "convert text labels to class numbers first"),
    Case("where_with_a_text_condition", lambda _: ag.where("yes", leaf([1.0]), leaf([2.0])), TypeError,
         "condition must hold booleans", "where(x > 0, a, b)"),
    # viz
    Case("draw_array", lambda _: viz.draw(np.ones(3)), TypeError, "got a ndarray",
         "pass the output"),
    Case("draw_rankdir", lambda _: viz.draw(leaf([1.0]) * 2, rankdir="up"), ValueError,
         "unknown rankdir='up'", "valid values are"),
    Case("stepper_constant", lambda _: viz.Stepper(ag.Tensor([1.0]).sum()), ValueError,
         "does not require grad", "backward pass"),
    Case("draw_grads_of_a_vector", lambda _: viz.draw(leaf([1.0, 2.0]) * 2, grads=True), ValueError,
         "root holding one number", "draw its .sum() or .mean()"),
    Case("draw_grads_after_backward", lambda _: viz.draw(backed_up(), grads=True), RuntimeError,
         "already freed by backward()", "Draw it before calling loss.backward()"),
    Case("draw_grads_unknown", lambda _: viz.draw(leaf([1.0]).sum(), grads="all"), ValueError,
         "grads='all' is not one of", "True shows d(root)/d(node)"),
    # nn.layers: convolution, pooling, normalization
    Case("conv2d_grey_images_without_channel_axis",
         lambda _: nn.Sequential([Input(shape=(8, 8)), nn.layers.Conv2D(8, 3)]), ValueError,
         "expects 4-D inputs (batch, height, width, channels)", "add one with x[..., None]"),
    Case("conv2d_channels_first", lambda _: nn.layers.Conv2D(8, 3, data_format="channels_first"), ValueError,
         'data_format must be "channels_last"', "np.moveaxis(x, 1, -1)"),
    Case("conv2d_input_smaller_than_kernel", lambda _: nn.layers.Conv2D(8, 5)(np.ones((1, 3, 3, 1))), ValueError,
         "smaller than the kernel (5, 5)", 'use padding="same"'),
    Case("pooling_window_too_large", lambda _: nn.layers.MaxPooling2D(4)(np.ones((1, 3, 3, 1))), ValueError,
         "smaller than pool_size=(4, 4)", 'use padding="same"'),
    Case("normalization_half_statistics", lambda _: nn.layers.Normalization(mean=0.5), ValueError,
         "give both mean and variance", "then call adapt(data)"),
    # weight constraints: the message names the layer and the argument
    Case("unknown_constraint", lambda _: Dense(3, kernel_constraint="positive", name="hidden"), ValueError,
         "Dense layer 'hidden', kernel_constraint: unknown constraint 'positive'", "'non_neg'"),
    Case("constraint_not_callable", lambda _: nn.layers.LSTM(3, recurrent_constraint=1.5), TypeError,
         "LSTMCell 'lstm_cell', recurrent_constraint: a constraint must be a name", "nn.constraints.MaxNorm(1.5)"),
]


def test_the_table_holds_at_least_fifty_distinct_mistakes():
    assert len(CASES) >= 50
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_mistake_raises_a_message_naming_the_problem_and_the_fix(case, tmp_path):
    raises_problem_and_fix(case, tmp_path)
