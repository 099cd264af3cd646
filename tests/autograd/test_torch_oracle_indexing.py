"""PyTorch as an oracle for the shape and indexing ops that follow torch (gather, index_select,
scatter, index_put, chunk, roll, flip, tril, one_hot) or have a torch twin under another name
(tile = Tensor.repeat, repeat = repeat_interleave, pad = F.pad with the axes listed last first).
Values and gradients are compared in float64. Skipped without torch."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")
functional = pytest.importorskip("torch.nn.functional")


def long(values):
    return torch.as_tensor(np.asarray(values), dtype=torch.int64)


INDEX = np.array([[0, 0, 3], [1, 1, 1], [2, 0, 0]])  # smaller than x (3, 4), with repeats
UNIQUE_ROWS = np.array([[1, 3], [0, 2], [3, 1]])  # no position written twice along dim 1
PAIRS = (np.array([0, 2, 2]), np.array([1, 3, 0]))
REPEATED_PAIRS = (np.array([0, 0, 2]), np.array([1, 1, 0]))
WIDTHS = ((0, 0), (1, 2), (2, 1))  # numpy order; torch's F.pad lists (2, 1) for the last axis first

# name: (input shapes, ours, torch's)
CASES = {
    "gather": ([(3, 4)], lambda x: ag.gather(x, 1, INDEX), lambda x: torch.gather(x, 1, long(INDEX))),
    "gather_dim0": ([(3, 4)], lambda x: x.gather(0, np.array([[2, 0, 1, 1]])),
                    lambda x: x.gather(0, long([[2, 0, 1, 1]]))),
    "index_select": ([(3, 4)], lambda x: ag.index_select(x, 1, [3, 0, 3]),
                     lambda x: torch.index_select(x, 1, long([3, 0, 3]))),
    # src no larger than index: torch 2.13 computes a wrong-shaped src gradient otherwise
    "scatter": ([(3, 4), (3, 2)], lambda x, src: ag.scatter(x, 1, UNIQUE_ROWS, src),
                lambda x, src: x.scatter(1, long(UNIQUE_ROWS), src)),
    "scatter_reduce_add": ([(3, 4), (3, 3)], lambda x, src: ag.scatter(x, 1, INDEX, src, reduce="add"),
                           lambda x, src: x.scatter_add(1, long(INDEX), src)),
    "index_put": ([(3, 4), (3,)], lambda x, v: ag.index_put(x, PAIRS, v),
                  lambda x, v: x.index_put(tuple(long(i) for i in PAIRS), v)),
    "index_put_accumulate": ([(3, 4), (3,)], lambda x, v: ag.index_put(x, REPEATED_PAIRS, v, accumulate=True),
                             lambda x, v: x.index_put(tuple(long(i) for i in REPEATED_PAIRS), v, accumulate=True)),
    "chunk": ([(3, 5)], lambda x: ag.concatenate([p * (k + 1.0) for k, p in enumerate(x.chunk(3, 1))], 1),
              lambda x: torch.cat([p * (k + 1.0) for k, p in enumerate(x.chunk(3, 1))], 1)),
    "tile": ([(3, 4)], lambda x: x.tile(2, 1, 3), lambda x: x.repeat(2, 1, 3)),
    "repeat": ([(3, 4)], lambda x: ag.repeat(x, 2, axis=1), lambda x: torch.repeat_interleave(x, 2, dim=1)),
    "repeat_counts": ([(3, 4)], lambda x: ag.repeat(x, [1, 0, 2, 1], axis=1),
                      lambda x: torch.repeat_interleave(x, long([1, 0, 2, 1]), dim=1)),
    "roll": ([(3, 4)], lambda x: ag.roll(x, (1, -2), (0, 1)), lambda x: torch.roll(x, (1, -2), (0, 1))),
    "roll_flat": ([(3, 4)], lambda x: x.roll(5), lambda x: torch.roll(x, 5)),
    "flip": ([(3, 4)], lambda x: ag.flip(x, (0, 1)), lambda x: torch.flip(x, (0, 1))),
    "tril": ([(2, 3, 4)], lambda x: ag.tril(x, 1), lambda x: torch.tril(x, 1)),
    "triu": ([(2, 3, 4)], lambda x: x.triu(-1), lambda x: x.triu(-1)),
    "permute": ([(2, 3, 4)], lambda x: x.permute(2, 0, 1), lambda x: x.permute(2, 0, 1)),
    "unsqueeze": ([(3, 4)], lambda x: x.unsqueeze(-2), lambda x: x.unsqueeze(-2)),
    "flatten": ([(2, 3, 4)], lambda x: x.flatten(0, 1), lambda x: x.flatten(0, 1)),
    "swapaxes": ([(2, 3, 4)], lambda x: ag.swapaxes(x, 0, -1), lambda x: x.transpose(0, -1)),
    "pad_constant": ([(1, 3, 4)], lambda x: ag.pad(x, WIDTHS, constant_values=0.5),
                     lambda x: functional.pad(x, (2, 1, 1, 2), value=0.5)),
    "pad_reflect": ([(1, 3, 4)], lambda x: ag.pad(x, WIDTHS, mode="reflect"),
                    lambda x: functional.pad(x, (2, 1, 1, 2), mode="reflect")),
    "pad_edge": ([(1, 3, 4)], lambda x: ag.pad(x, WIDTHS, mode="edge"),
                 lambda x: functional.pad(x, (2, 1, 1, 2), mode="replicate")),
    "pad_wrap": ([(1, 3, 4)], lambda x: ag.pad(x, WIDTHS, mode="wrap"),
                 lambda x: functional.pad(x, (2, 1, 1, 2), mode="circular")),
}


@pytest.mark.parametrize("name", CASES)
def test_value_and_gradient_match_torch(name):
    shapes, ours, theirs = CASES[name]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    leaves = [ag.Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    torch_leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, torch_out = ours(*leaves), theirs(*torch_leaves)
    np.testing.assert_allclose(out.data, torch_out.detach().numpy(), rtol=1e-12)
    weights = rng.standard_normal(out.shape)
    (out * ag.Tensor(weights, dtype=np.float64)).sum().backward()
    (torch_out * torch.as_tensor(weights)).sum().backward()
    for leaf, torch_leaf in zip(leaves, torch_leaves):
        np.testing.assert_allclose(leaf.grad.data, torch_leaf.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("length, chunks", [(6, 4), (5, 4), (2, 5), (0, 3), (7, 7)])
def test_chunk_gives_torchs_pieces(length, chunks):
    ours = ag.chunk(ag.Tensor(np.arange(float(length))), chunks)
    theirs = torch.chunk(torch.arange(float(length)), chunks)
    assert [p.data.tolist() for p in ours] == [p.tolist() for p in theirs]


def test_one_hot_matches_torch():
    labels = np.array([[2, 0], [1, 3]])
    np.testing.assert_array_equal(ag.one_hot(labels, 5).data, functional.one_hot(long(labels), 5).numpy())
    np.testing.assert_array_equal(ag.one_hot(labels).data, functional.one_hot(long(labels)).numpy())
