"""Embedding(mask_zero=True) -> GlobalAveragePooling1D averages only the unmasked steps, as Keras."""
import os

import numpy as np
import pytest

import nn

os.environ.setdefault("KERAS_BACKEND", "torch")


def test_masked_average_pooling_matches_keras():
    keras = pytest.importorskip("keras")
    tokens = np.array([[1, 2, 0, 0], [3, 0, 0, 0], [4, 4, 1, 2]])
    theirs = keras.Sequential([keras.Input((4,)), keras.layers.Embedding(5, 3, mask_zero=True),
                               keras.layers.GlobalAveragePooling1D()])
    ours = nn.Sequential([nn.Input(shape=(4,)), nn.layers.Embedding(5, 3, mask_zero=True),
                          nn.layers.GlobalAveragePooling1D()])
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours.predict(tokens), theirs.predict(tokens, verbose=0), rtol=1e-6)
    table = theirs.get_weights()[0]
    np.testing.assert_allclose(ours.predict(tokens)[1], table[3], rtol=1e-6)  # one real step
