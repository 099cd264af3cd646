"""nn.utils.to_categorical / normalize / pad_sequences: Keras's results on Keras's own examples."""
import numpy as np
import pytest

import nn

to_categorical, normalize, pad_sequences = nn.utils.to_categorical, nn.utils.normalize, nn.utils.pad_sequences


def test_to_categorical_matches_keras_examples():
    expected = np.eye(4)
    result = to_categorical([0, 1, 2, 3], num_classes=4)
    np.testing.assert_array_equal(result, expected)
    assert result.dtype == np.float64  # as Keras returns for numpy input
    np.testing.assert_array_equal(to_categorical(np.array([2, 0])), [[0, 0, 1], [1, 0, 0]])


def test_to_categorical_drops_a_trailing_one_and_keeps_other_axes():
    assert to_categorical(np.array([[1], [0], [2]])).shape == (3, 3)
    grid = np.array([[0, 1, 2], [2, 1, 0]])
    one_hot = to_categorical(grid, num_classes=5)
    assert one_hot.shape == (2, 3, 5)
    np.testing.assert_array_equal(one_hot.argmax(-1), grid)
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0])), [[0, 1], [1, 0]])


@pytest.mark.parametrize("labels, num_classes, message", [
    ([0, 3], 3, r"labels must lie in \[0, 3\).*\[3\]"),
    ([-1, 0], None, r"\[-1\]"),
    ([0.5, 1.0], None, "whole-number class labels"),
    ([], None, "empty.*num_classes"),
    ([0, 1], 0, "num_classes must be a positive integer"),
])
def test_to_categorical_refuses_labels_it_cannot_encode(labels, num_classes, message):
    with pytest.raises(ValueError, match=message):
        to_categorical(labels, num_classes)


def test_normalize_gives_unit_rows_and_leaves_zero_rows_alone():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(normalize(x, axis=0), x / np.linalg.norm(x, axis=0, keepdims=True))
    np.testing.assert_allclose(normalize(x, order=1), [[3 / 7, 4 / 7], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(normalize([3, 4]), [0.6, 0.8])
    assert not np.shares_memory(normalize(x), x)


SEQUENCES = [[1], [2, 3], [4, 5, 6]]


@pytest.mark.parametrize("arguments, expected", [
    ({}, [[0, 0, 1], [0, 2, 3], [4, 5, 6]]),
    ({"value": -1}, [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]),
    ({"padding": "post"}, [[1, 0, 0], [2, 3, 0], [4, 5, 6]]),
    ({"maxlen": 2}, [[0, 1], [2, 3], [5, 6]]),
    ({"maxlen": 2, "truncating": "post"}, [[0, 1], [2, 3], [4, 5]]),
    ({"maxlen": 4, "padding": "post"}, [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]]),
])
def test_pad_sequences_matches_keras_examples(arguments, expected):
    padded = pad_sequences(SEQUENCES, **arguments)
    np.testing.assert_array_equal(padded, expected)
    assert padded.dtype == np.int32


def test_pad_sequences_with_empty_sequences_items_of_shape_and_strings():
    np.testing.assert_array_equal(pad_sequences([[], [7]]), [[0], [7]])
    vectors = pad_sequences([np.ones((1, 2)), np.ones((2, 2))], dtype="float32")
    assert vectors.shape == (2, 2, 2) and vectors[0, 0].tolist() == [0.0, 0.0]
    words = pad_sequences([["a"], ["b", "c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["<pad>", "a"], ["b", "c"]]


@pytest.mark.parametrize("call, message", [
    (lambda: pad_sequences(SEQUENCES, padding="middle"), "padding must be 'pre' or 'post'"),
    (lambda: pad_sequences(SEQUENCES, truncating="end"), "truncating must be 'pre' or 'post'"),
    (lambda: pad_sequences([[1], 2]), "item 1 is 2"),
    (lambda: pad_sequences(SEQUENCES, maxlen=-1), "maxlen must be a non-negative integer"),
    (lambda: pad_sequences([["a"]], value="x"), "dtype=object for strings"),
    (lambda: pad_sequences([np.ones((1, 2)), np.ones((1, 3))]), r"sequence 1 have shape \(3,\)"),
])
def test_pad_sequences_errors_say_what_to_change(call, message):
    with pytest.raises(ValueError, match=message):
        call()
