"""nn.tree: the structures (lists, tuples, dicts) that layers and models take and return."""
import numpy as np
import pytest

from nn import tree


def test_flatten_walks_depth_first_in_insertion_order_and_keeps_arrays_whole():
    a, b, c = np.zeros(2), np.ones(3), np.arange(4)
    assert [x is y for x, y in zip(tree.flatten([a, {"k": b, "j": (c, None)}]), [a, b, c, None])] == [True] * 4
    assert tree.flatten(a)[0] is a


def test_map_structure_keeps_the_containers_and_pairs_leaves():
    assert tree.map_structure(lambda x, y: x + y, [1, {"a": 2, "b": (3,)}], [10, {"a": 20, "b": (30,)}]) == \
        [11, {"a": 22, "b": (33,)}]
    with pytest.raises(ValueError, match="the structures differ"):
        tree.map_structure(lambda x, y: x, [1, 2], [1])
    with pytest.raises(ValueError, match="the structures differ"):
        tree.map_structure(lambda x, y: x, {"a": 1}, {"b": 1})


def test_pack_sequence_as_is_the_inverse_of_flatten():
    structure = {"x": [1, 2], "y": (3, {"z": 4})}
    assert tree.pack_sequence_as(structure, tree.flatten(structure)) == structure
    with pytest.raises(ValueError, match="more values"):
        tree.pack_sequence_as([1, 2], [1, 2, 3])


def test_shapes_are_leaves_of_shape_structures():
    assert tree.is_shape((None, 4)) and tree.is_shape([2, 3]) and not tree.is_shape([(None, 4)])
    assert tree.map_shape_structure(list, [(None, 4), {"a": (None, 2)}]) == [[None, 4], {"a": [None, 2]}]
    assert tree.flatten_shapes({"a": (None, 4), "b": [(None, 1), (None, 2)]}) == [(None, 4), (None, 1), (None, 2)]
    with pytest.raises(ValueError, match="shape such as"):
        tree.map_shape_structure(list, "not a shape")


def test_describe_names_containers_and_shapes():
    assert tree.describe([np.zeros((32, 4)), {"b": np.zeros((32, 2))}]) == "[ndarray(32, 4), {'b': ndarray(32, 2)}]"
