"""Inputs for the op table's matrix products, linear algebra and norm rows: operand shapes that
agree as each op requires, well-conditioned matrices for inv/det/solve, and values whose norms
have no kink."""
import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np

from op_case import Draw, array, shapes_of_kind


def matmul_inputs(data, kind):
    if kind == "broadcast":  # batched, with numpy's optional 1-D operands mixed in
        shapes = data.draw(hnp.mutually_broadcastable_shapes(
            signature=np.matmul.signature, max_dims=2, max_side=3)).input_shapes
    else:
        n, m, p = (data.draw(st.integers(1, 4)) for _ in range(3))
        shapes = {"scalar": [(n,), (n,)], "matrix": [(m, n), (n, p)],
                  "vector": data.draw(st.sampled_from([[(m, n), (n,)], [(n,), (n, p)]]))}[kind]
    return [array(data, s) for s in shapes], {}


def dot_inputs(data, kind):
    """numpy.dot's cases: scalar times anything, vector . vector, matrix products, N-D . 2-D/N-D."""
    n, m, p = (data.draw(st.integers(1, 3)) for _ in range(3))
    shapes = {"scalar": [(), (m, n)], "vector": [(n,), (n,)], "matrix": [(m, n), (n, p)],
              "broadcast": data.draw(st.sampled_from([[(2, m, n), (n, p)], [(m, n), (2, n, p)],
                                                      [(2, m, n), (3, n, p)]]))}[kind]
    return [array(data, s) for s in shapes], {}


def linear_inputs(data, kind):
    batch, n_in, n_out = (data.draw(st.integers(1, 4)) for _ in range(3))
    return [array(data, (batch, n_in)), array(data, (n_in, n_out)), array(data, (n_out,))], {}


def einsum_inputs(subscripts_by_kind: dict[str, list[str]]) -> Draw:
    """One of the kind's subscripts, a size per letter, and batch shapes under '...' that
    broadcast against each other."""
    def draw(data, kind):
        subscripts = data.draw(st.sampled_from(subscripts_by_kind[kind]))
        terms = subscripts.split("->")[0].split(",")
        size = {c: data.draw(st.integers(1, 3)) for c in sorted(set(subscripts) - set(",.->"))}
        batches = data.draw(hnp.mutually_broadcastable_shapes(
            num_shapes=len(terms), max_dims=2, max_side=3)).input_shapes
        arrays = []
        for term, batch in zip(terms, batches):
            head, ellipsis, tail = term.partition("...")
            shape = tuple(size[c] for c in head) + (batch if ellipsis else ()) + tuple(size[c] for c in tail)
            arrays.append(array(data, shape))
        return arrays, {"subscripts": subscripts}
    return draw


def tensordot_inputs(data, kind):
    """Paired axes at random positions of both operands; axes as an int or as two lists."""
    paired = data.draw(st.lists(st.integers(1, 3), max_size=2))
    free_a, free_b = (data.draw(st.lists(st.integers(1, 3), max_size=2)) for _ in range(2))
    if data.draw(st.booleans()):  # axes=n: the last n axes of a against the first n of b
        arrays = [array(data, tuple(free_a + paired)), array(data, tuple(paired + free_b))]
        return arrays, {"axes": len(paired)}
    order_a = data.draw(st.permutations(range(len(free_a) + len(paired))))
    order_b = data.draw(st.permutations(range(len(free_b) + len(paired))))
    shape_a, shape_b = [0] * len(order_a), [0] * len(order_b)
    for position, n in zip(order_a, paired + free_a):
        shape_a[position] = n
    for position, n in zip(order_b, paired + free_b):
        shape_b[position] = n
    axes = (list(order_a[:len(paired)]), list(order_b[:len(paired)]))
    return [array(data, tuple(shape_a)), array(data, tuple(shape_b))], {"axes": axes}


def well_conditioned(data: st.DataObject, shape: tuple) -> np.ndarray:
    """3 I plus noise of at most 0.5 per element (n <= 3): diagonally dominant, far from singular."""
    noise = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-0.5, 0.5)))
    return noise + 3 * np.eye(shape[-1])


def square_inputs(data, kind):
    n = data.draw(st.integers(1, 3))
    batch = () if kind == "matrix" else tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    return [well_conditioned(data, batch + (n, n))], {}


def solve_inputs(data, kind):
    """b a vector (n,), a matrix (n, k), or a batch broadcasting against a's batch."""
    n, k = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    if kind == "vector":
        return [well_conditioned(data, (n, n)), array(data, (n,))], {}
    if kind == "matrix":
        return [well_conditioned(data, (n, n)), array(data, (n, k))], {}
    batch_a, batch_b = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)).input_shapes
    b_shape = data.draw(st.sampled_from([(n,), batch_b + (n, k)]))
    return [well_conditioned(data, batch_a + (n, n)), array(data, b_shape)], {}


def distinct_magnitudes(data: st.DataObject, shape: tuple) -> np.ndarray:
    """Values with |a| in [0.2, 3) and random signs, drawn from a seeded generator: no two sums
    of |a| tie (as exact draws like 0.5 and -0.5 would), so a max over them has no kink."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    return rng.uniform(0.2, 3.0, shape) * rng.choice([-1.0, 1.0], shape)


def vector_norm_inputs(data, kind):
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=1))
    params = {"ord": data.draw(st.sampled_from([None, 1, 2, np.inf])),
              "axis": data.draw(st.integers(-len(shape), len(shape) - 1)), "keepdims": data.draw(st.booleans())}
    return [distinct_magnitudes(data, shape)], params


def matrix_norm_inputs(data, kind):
    """A matrix with axis None, or two distinct axes (in either order) of a stack of matrices."""
    (shape,) = data.draw(shapes_of_kind(kind, 1, min_dims=2))
    ndim = len(shape)
    axis = None if kind == "matrix" else tuple(data.draw(st.permutations(range(-ndim, 0)))[:2])
    params = {"ord": data.draw(st.sampled_from([None, "fro", 1, np.inf])), "axis": axis,
              "keepdims": data.draw(st.booleans())}
    return [distinct_magnitudes(data, shape)], params
