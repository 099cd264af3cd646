"""The table of ops that drives value and gradient tests (tests/autograd/test_ops.py).

Each `OpCase` row (op_case.py) names an op, calls it on Tensors, gives the numpy function it must
agree with, and draws its inputs for the shape kinds it supports. tests/autograd/conftest.py runs
a test taking `op_case` (and `shape_kind`) once per row (and kind). A row's draw comes from
op_case.py when values from a domain and axes are all it needs, otherwise from
op_draws_<family>.py; references numpy lacks come from op_references.py and conv_references.py.
"""
import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

import autograd as ag
from conv_references import np_conv1d, np_conv2d, np_conv_transpose2d, np_pool1d, np_pool2d
from op_case import NOT_SCALAR, OpCase, elementwise, one_axis, optional_axis, reduction_axes
from op_draws_conv import IMAGES, conv_inputs, conv_transpose_inputs, pool_inputs
from op_draws_elementwise import clip_bounds, where_inputs
from op_draws_indexing import (draw_index, gather_inputs, index_put_inputs, index_select_inputs,
                               scatter_inputs, take_along_axis_inputs)
from op_draws_linalg import (dot_inputs, einsum_inputs, linear_inputs, matmul_inputs, matrix_norm_inputs,
                             solve_inputs, square_inputs, tensordot_inputs, vector_norm_inputs)
from op_draws_networks import lstm_cell_inputs, softmax_cross_entropy_inputs
from op_draws_shape import (axes_or_none, broadcast_to_inputs, chunk_inputs, concatenate_inputs, flatten_range,
                            new_shape, pad_copying_inputs, pad_inputs, permute_dims, repeat_inputs, roll_shifts,
                            split_inputs, squeeze_inputs, stack_inputs, tile_inputs, transpose_axes,
                            triangle_inputs, two_axes)
from op_references import (np_chunk, np_erf, np_euclidean_norm, np_flatten, np_gather, np_index_put,
                           np_log_softmax, np_logsumexp, np_lstm_cell, np_scatter, np_softmax_cross_entropy,
                           weighted_pieces)

# Ops that have no gradient (their derivative is 0 wherever it exists), so they record nothing:
# the table cannot check them; tests/autograd/test_ops_<family>.py test them one by one.
WITHOUT_GRADIENT = frozenset({"sign", "argmax", "argmin", "any", "all", "one_hot"})


# ---- the table ---------------------------------------------------------------------------------
CASES = [
    # arithmetic, with Python scalars on either side
    OpCase("add", lambda a, b: a + b, np.add, elementwise("real", "real")),
    OpCase("sub", lambda a, b: a - b, np.subtract, elementwise("real", "real")),
    OpCase("mul", lambda a, b: a * b, np.multiply, elementwise("real", "real")),
    OpCase("div", lambda a, b: a / b, np.divide, elementwise("real", "nonzero")),
    OpCase("power", lambda a, b: a ** b, np.power, elementwise("positive", "real")),
    OpCase("neg", lambda a: -a, np.negative, elementwise("real")),
    OpCase("neg_function", ag.neg, np.negative, elementwise("real")),
    OpCase("scalar_add_right", lambda a: a + 1.5, lambda a: a + 1.5, elementwise("real")),
    OpCase("scalar_add_left", lambda a: 1.5 + a, lambda a: 1.5 + a, elementwise("real")),
    OpCase("scalar_sub_right", lambda a: a - 2.0, lambda a: a - 2.0, elementwise("real")),
    OpCase("scalar_sub_left", lambda a: 2.0 - a, lambda a: 2.0 - a, elementwise("real")),
    OpCase("scalar_mul_right", lambda a: a * 3, lambda a: a * 3, elementwise("real")),
    OpCase("scalar_mul_left", lambda a: -0.5 * a, lambda a: -0.5 * a, elementwise("real")),
    OpCase("scalar_div_right", lambda a: a / 4.0, lambda a: a / 4.0, elementwise("real")),
    OpCase("scalar_div_left", lambda a: 2.0 / a, lambda a: 2.0 / a, elementwise("nonzero")),
    OpCase("scalar_pow_right", lambda a: a ** 3, lambda a: a ** 3, elementwise("real")),
    OpCase("scalar_pow_fraction", lambda a: a ** 0.5, np.sqrt, elementwise("positive")),
    OpCase("scalar_pow_left", lambda a: 2.0 ** a, lambda a: 2.0 ** a, elementwise("real")),
    # elementwise functions
    OpCase("exp", ag.exp, np.exp, elementwise("real")),
    OpCase("log", ag.log, np.log, elementwise("positive")),
    OpCase("sqrt", ag.sqrt, np.sqrt, elementwise("positive")),
    OpCase("abs", ag.abs, np.abs, elementwise("off_grid")),
    OpCase("tanh", ag.tanh, np.tanh, elementwise("real")),
    OpCase("sigmoid", ag.sigmoid, lambda a: 1 / (1 + np.exp(-a)), elementwise("wide")),
    OpCase("relu", ag.relu, lambda a: np.maximum(a, 0), elementwise("off_grid")),
    OpCase("leaky_relu", lambda a, slope: ag.leaky_relu(a, negative_slope=slope),
           lambda a, slope: np.where(a > 0, a, slope * a),
           elementwise("off_grid", params=lambda d, _: {"slope": d.draw(st.sampled_from([0.01, 0.2]))})),
    OpCase("maximum", ag.maximum, np.maximum, elementwise("off_grid", "on_grid")),
    OpCase("minimum", ag.minimum, np.minimum, elementwise("on_grid", "off_grid")),
    OpCase("clip", lambda a, low, high: ag.clip(a, low, high), lambda a, low, high: np.clip(a, low, high),
           elementwise("off_grid", params=clip_bounds)),
    OpCase("where", lambda a, b, condition: ag.where(condition, a, b),
           lambda a, b, condition: np.where(condition, a, b), where_inputs),
    OpCase("square", ag.square, np.square, elementwise("real")),
    OpCase("square_method", lambda a: a.square(), np.square, elementwise("real")),
    OpCase("reciprocal", ag.reciprocal, np.reciprocal, elementwise("nonzero")),
    OpCase("softsign", ag.softsign, lambda a: a / (1 + np.abs(a)), elementwise("off_grid")),
    OpCase("log1p", ag.log1p, np.log1p, elementwise("above_minus_one")),
    OpCase("expm1", ag.expm1, np.expm1, elementwise("real")),
    OpCase("log2", ag.log2, np.log2, elementwise("positive")),
    OpCase("log10", ag.log10, np.log10, elementwise("positive")),
    OpCase("erf", ag.erf, np_erf, elementwise("real")),
    OpCase("softplus", ag.softplus, lambda a: np.logaddexp(0.0, a), elementwise("wide")),
    # trigonometric and hyperbolic
    OpCase("sin", ag.sin, np.sin, elementwise("real")),
    OpCase("cos", ag.cos, np.cos, elementwise("real")),
    OpCase("cos_method", lambda a: a.cos(), np.cos, elementwise("real")),
    OpCase("tan", ag.tan, np.tan, elementwise("inside_unit")),
    OpCase("arcsin", ag.arcsin, np.arcsin, elementwise("inside_unit")),
    OpCase("arccos", ag.arccos, np.arccos, elementwise("inside_unit")),
    OpCase("arctan", ag.arctan, np.arctan, elementwise("real")),
    OpCase("sinh", ag.sinh, np.sinh, elementwise("real")),
    OpCase("cosh", ag.cosh, np.cosh, elementwise("real")),
    # matrix products
    OpCase("matmul", lambda a, b: a @ b, np.matmul, matmul_inputs),
    OpCase("linear", ag.linear, lambda x, w, b: x @ w + b, linear_inputs, kinds=("matrix",)),
    OpCase("linear_no_bias", ag.linear, lambda x, w: x @ w,
           lambda data, kind: (linear_inputs(data, kind)[0][:2], {}), kinds=("matrix",)),
    # linear algebra
    OpCase("einsum", lambda *ts, subscripts: ag.einsum(subscripts, *ts),
           lambda *arrays, subscripts: np.einsum(subscripts, *arrays), einsum_inputs({
               "scalar": ["->", ",->", ",i->i"],
               "vector": ["i->", "i,i->", "i,j->ij", "i,i->i", "i->i"],
               "matrix": ["ij->ji", "ij,jk->ik", "ij,ij->", "ij->j", "ij,j->i", "ij,jk,kl->il", "ijk,kj->i"],
               "broadcast": ["...ij,...jk->...ik", "...i,...i->...", "i...->...", "...->...", "...,...",
                             "...ii->...i"]})),
    OpCase("einsum_implicit", lambda *ts, subscripts: ag.einsum(subscripts, *ts),
           lambda *arrays, subscripts: np.einsum(subscripts, *arrays), einsum_inputs({
               "vector": ["i", "i,i", "i,j", "j,i"],
               "matrix": ["ij,jk", "ji", "ij,ij", "ba,ca", "aB,c"]}), kinds=("vector", "matrix")),
    OpCase("einsum_diagonal", lambda *ts, subscripts: ag.einsum(subscripts, *ts),
           lambda *arrays, subscripts: np.einsum(subscripts, *arrays), einsum_inputs({
               "matrix": ["ii->i", "ii->", "ii", "iij->ji", "iii->i", "ii,i->i", "ij,ii->j"]}),
           kinds=("matrix",)),
    OpCase("tensordot", ag.tensordot, np.tensordot, tensordot_inputs, kinds=("matrix",)),
    OpCase("outer", ag.outer, np.outer, elementwise("real", "real")),
    OpCase("dot", ag.dot, np.dot, dot_inputs),
    OpCase("inv", ag.inv, np.linalg.inv, square_inputs, kinds=("matrix", "broadcast")),
    OpCase("det", ag.det, np.linalg.det, square_inputs, kinds=("matrix", "broadcast")),
    OpCase("solve", ag.solve, np.linalg.solve, solve_inputs, kinds=("vector", "matrix", "broadcast")),
    # reductions
    OpCase("sum", ag.sum, np.sum, elementwise("real", params=reduction_axes)),
    OpCase("mean", ag.mean, np.mean, elementwise("real", params=reduction_axes)),
    OpCase("var", ag.var, np.var, elementwise("real", params=reduction_axes)),
    OpCase("max", ag.max, np.max, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("min", ag.min, np.min, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("sum_method", lambda a, axis, keepdims: a.sum(axis, keepdims), np.sum,
           elementwise("real", params=reduction_axes)),
    OpCase("mean_torch_names", lambda a, axis, keepdims: a.mean(dim=axis, keepdim=keepdims), np.mean,
           elementwise("real", params=reduction_axes)),
    OpCase("prod", ag.prod, np.prod, elementwise("nonzero", params=reduction_axes)),
    OpCase("prod_with_zeros", ag.prod, np.prod, elementwise("with_zeros", params=reduction_axes)),
    OpCase("cumsum", ag.cumsum, np.cumsum, elementwise("real", params=optional_axis)),
    OpCase("cumsum_method", lambda a, axis: a.cumsum(dim=axis), np.cumsum,
           elementwise("real", params=optional_axis)),
    # distinct values: a slice of equal values is std's kink (where its gradient is 0)
    OpCase("std", ag.std, np.std, elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("std_torch_names", lambda a, axis, keepdims: a.std(dim=axis, keepdim=keepdims), np.std,
           elementwise("off_grid", unique=True, params=reduction_axes)),
    OpCase("norm", ag.norm, np_euclidean_norm, elementwise("nonzero", params=reduction_axes)),
    OpCase("norm_vector", ag.norm, np.linalg.norm, vector_norm_inputs, kinds=NOT_SCALAR),
    OpCase("norm_matrix", ag.norm, np.linalg.norm, matrix_norm_inputs, kinds=("matrix", "broadcast")),
    # softmax family
    OpCase("logsumexp", ag.logsumexp, np_logsumexp, elementwise("wide", params=reduction_axes)),
    OpCase("softmax", ag.softmax, lambda a, axis: np.exp(np_log_softmax(a, axis)),
           elementwise("wide", min_dims=1, params=one_axis), kinds=NOT_SCALAR),
    OpCase("log_softmax", ag.log_softmax, np_log_softmax,
           elementwise("wide", min_dims=1, params=one_axis), kinds=NOT_SCALAR),
    OpCase("softmax_cross_entropy", ag.softmax_cross_entropy, np_softmax_cross_entropy,
           softmax_cross_entropy_inputs, kinds=("matrix",)),
    # recurrent
    OpCase("lstm_cell", ag.lstm_cell, np_lstm_cell, lstm_cell_inputs, kinds=("matrix",)),
    # shapes
    OpCase("reshape", ag.reshape, np.reshape, elementwise("real", params=new_shape)),
    OpCase("transpose", ag.transpose, np.transpose, elementwise("real", params=transpose_axes)),
    OpCase("T", lambda a: a.T, lambda a: a.T, elementwise("real")),
    OpCase("permute", lambda a, dims: ag.permute(a, *dims), lambda a, dims: np.transpose(a, dims),
           elementwise("real", params=permute_dims)),
    OpCase("permute_method", lambda a, dims: a.permute(dims), lambda a, dims: np.transpose(a, dims),
           elementwise("real", params=permute_dims)),
    OpCase("swapaxes", ag.swapaxes, np.swapaxes, elementwise("real", min_dims=1, params=two_axes),
           kinds=NOT_SCALAR),
    OpCase("squeeze", ag.squeeze, np.squeeze, squeeze_inputs),
    OpCase("expand_dims", ag.expand_dims, np.expand_dims, elementwise(
        "real", params=lambda d, a: {"axis": d.draw(st.integers(-a[0].ndim - 1, a[0].ndim))})),
    OpCase("unsqueeze", ag.unsqueeze, lambda a, dim: np.expand_dims(a, dim), elementwise(
        "real", params=lambda d, a: {"dim": d.draw(st.integers(-a[0].ndim - 1, a[0].ndim))})),
    OpCase("flatten", ag.flatten, np_flatten, elementwise("real", params=flatten_range)),
    OpCase("broadcast_to", ag.broadcast_to, np.broadcast_to, broadcast_to_inputs),
    OpCase("tile", ag.tile, np.tile, tile_inputs),
    OpCase("getitem_basic", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.basic_indices(s, allow_newaxis=True))),
    OpCase("getitem_integer_arrays", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.integer_array_indices(s), min_dims=1), kinds=NOT_SCALAR),
    OpCase("getitem_mask", ag.getitem, lambda a, index: a[index],
           draw_index(lambda s: hnp.arrays(bool, s))),
    OpCase("take_along_axis", ag.take_along_axis, np.take_along_axis, take_along_axis_inputs,
           kinds=NOT_SCALAR),
    OpCase("gather", ag.gather, np_gather, gather_inputs, kinds=NOT_SCALAR),
    OpCase("index_select", ag.index_select, lambda a, dim, index: np.take(a, index, axis=dim),
           index_select_inputs, kinds=NOT_SCALAR),
    OpCase("index_put", lambda x, values, **params: ag.index_put(x, values=values, **params), np_index_put,
           index_put_inputs),
    OpCase("index_put_accumulate", lambda x, values, **params: ag.index_put(x, values=values, **params),
           np_index_put,
           lambda data, kind: index_put_inputs(data, kind, accumulate=True), kinds=NOT_SCALAR),
    OpCase("scatter", lambda x, src, **params: ag.scatter(x, src=src, **params), np_scatter, scatter_inputs,
           kinds=NOT_SCALAR),
    OpCase("scatter_reduce_add", lambda x, src, **params: ag.scatter(x, src=src, **params), np_scatter,
           lambda data, kind: scatter_inputs(data, kind, reduce="add"), kinds=NOT_SCALAR),
    OpCase("tril", ag.tril, np.tril, triangle_inputs, kinds=("matrix", "broadcast")),
    OpCase("triu", ag.triu, np.triu, triangle_inputs, kinds=("matrix", "broadcast")),
    OpCase("concatenate", lambda *ts, axis: ag.concatenate(ts, axis=axis),
           lambda *arrays, axis: np.concatenate(arrays, axis=axis), concatenate_inputs, kinds=NOT_SCALAR),
    # a cast to the input's own dtype here; casts between dtypes are tested in test_ops.py
    OpCase("astype", lambda a: ag.astype(a, a.dtype), lambda a: a.copy(), elementwise("real")),
    OpCase("stack", lambda *ts, axis: ag.stack(ts, axis=axis),
           lambda *arrays, axis: np.stack(arrays, axis=axis), stack_inputs),
    # pieces come back as a list: joined again, each scaled by its position
    OpCase("split", lambda a, indices_or_sections, axis: ag.concatenate(
        weighted_pieces(ag.split(a, indices_or_sections, axis)), axis),
           lambda a, indices_or_sections, axis: np.concatenate(
        weighted_pieces(np.split(a, indices_or_sections, axis)), axis), split_inputs, kinds=NOT_SCALAR),
    OpCase("chunk", lambda a, chunks, dim: ag.concatenate(weighted_pieces(ag.chunk(a, chunks, dim)), dim),
           lambda a, chunks, dim: np.concatenate(weighted_pieces(np_chunk(a, chunks, dim)), dim),
           chunk_inputs, kinds=NOT_SCALAR),
    OpCase("flip", ag.flip, np.flip, elementwise("real", params=axes_or_none)),
    OpCase("roll", ag.roll, np.roll, elementwise("real", params=roll_shifts)),
    OpCase("pad", ag.pad, np.pad, pad_inputs, kinds=NOT_SCALAR),
    OpCase("pad_copying", ag.pad, np.pad, pad_copying_inputs, kinds=NOT_SCALAR),
    OpCase("repeat", ag.repeat, np.repeat, repeat_inputs),
    # convolution and pooling, channels last
    OpCase("conv2d", ag.conv2d, np_conv2d, conv_inputs(2, strides=(1, 2, (2, 1)), paddings=("valid", "same")),
           kinds=IMAGES),
    OpCase("conv2d_dilated", ag.conv2d, np_conv2d,
           conv_inputs(2, strides=(1, 2), paddings=("valid", "same"), dilations=(2, (1, 2))), kinds=IMAGES),
    OpCase("conv2d_explicit_padding", ag.conv2d, np_conv2d,
           conv_inputs(2, strides=(1, 2), paddings=(1, (0, 2), ((1, 0), (2, 1)))), kinds=IMAGES),
    OpCase("conv2d_groups", ag.conv2d, np_conv2d,
           conv_inputs(2, strides=(1, 2), paddings=("valid", "same"), groups=(2, 3)), kinds=IMAGES),
    OpCase("conv1d", ag.conv1d, np_conv1d, conv_inputs(1, strides=(1, 2), paddings=("valid", "same", 1, (2, 0)),
                                                        dilations=(1, 2), groups=(1, 2, 3)), kinds=IMAGES),
    OpCase("conv_transpose2d", ag.conv_transpose2d, np_conv_transpose2d, conv_transpose_inputs, kinds=IMAGES),
    OpCase("max_pool2d", ag.max_pool2d, np_pool2d, pool_inputs(2, ("valid", "same"), distinct=True), kinds=IMAGES),
    OpCase("max_pool1d", ag.max_pool1d, np_pool1d, pool_inputs(1, ("valid", "same"), distinct=True), kinds=IMAGES),
    OpCase("avg_pool2d", ag.avg_pool2d, lambda x, **p: np_pool2d(x, **p, reduce=np.mean),
           pool_inputs(2, ("valid", "same")), kinds=IMAGES),
    OpCase("avg_pool1d", ag.avg_pool1d, lambda x, **p: np_pool1d(x, **p, reduce=np.mean),
           pool_inputs(1, ("valid", "same")), kinds=IMAGES),
    # memory
    OpCase("clone", ag.clone, lambda a: a.copy(), elementwise("real")),
    OpCase("clone_method", lambda a: a.clone(), lambda a: a.copy(), elementwise("real")),
]
