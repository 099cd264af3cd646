"""Attention layers against Keras 3 (torch backend): the same weights give the same outputs,
attention scores and gradients, with and without masks."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

keras = pytest.importorskip("keras")
# Keras 3.15's get_weights() calls np.array on its torch variables, which numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

rng = np.random.default_rng(0)
QUERY = rng.standard_normal((2, 5, 6)).astype(np.float32)
VALUE = rng.standard_normal((2, 4, 3)).astype(np.float32)
KEY = rng.standard_normal((2, 4, 5)).astype(np.float32)

MHA_CASES = [  # (constructor options, positional inputs, call options)
    ({}, [QUERY, VALUE], {}),
    ({}, [QUERY, VALUE, KEY], {}),
    ({"value_dim": 3, "output_shape": 7}, [QUERY, VALUE], {"return_attention_scores": True}),
    ({"use_bias": False}, [QUERY, VALUE], {}),
    ({}, [QUERY, QUERY], {"use_causal_mask": True}),
    ({}, [QUERY, QUERY], {"use_causal_mask": True, "return_attention_scores": True}),
]


@pytest.mark.parametrize("options, inputs, call", MHA_CASES, ids=str)
def test_multi_head_attention_matches_keras(same_as_keras, options, inputs, call):
    same_as_keras(nn.layers.MultiHeadAttention(num_heads=2, key_dim=4, **options),
                  keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, **options), inputs, **call)


def test_multi_head_attention_mask_matches_keras(same_as_keras):
    attention_mask = np.random.default_rng(1).random((2, 5, 4)) > 0.4
    attention_mask[:, :, 0] = True  # every query step may attend somewhere
    same_as_keras(nn.layers.MultiHeadAttention(num_heads=3, key_dim=2),
                  keras.layers.MultiHeadAttention(num_heads=3, key_dim=2), [QUERY, VALUE],
                  attention_mask=attention_mask, return_attention_scores=True)


def test_multi_head_attention_weights_have_keras_shapes_and_order():
    ours = nn.layers.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3)
    theirs = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3)
    ours(QUERY, VALUE, KEY)
    theirs(QUERY, VALUE, KEY)
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    assert [w.name.split("/", 1)[1] for w in ours.weights] == [w.path.split("/", 1)[1] for w in theirs.weights]


def test_self_attention_over_embedding_masks_matches_keras():
    """Padding tokens neither attend nor are attended to: Keras reads the masks off the inputs."""
    ids = np.array([[3, 7, 1, 0, 0], [4, 2, 9, 8, 6]])
    ours_embedding = nn.layers.Embedding(10, 6, mask_zero=True)
    theirs_embedding = keras.layers.Embedding(10, 6, mask_zero=True)
    ours = nn.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    theirs = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    their_x = theirs_embedding(ids)
    their_out, their_scores = theirs(their_x, their_x, return_attention_scores=True)
    our_x = ours_embedding(ids)
    ours(our_x, our_x)
    ours_embedding.set_weights(theirs_embedding.get_weights())
    ours.set_weights(theirs.get_weights())
    our_x = ours_embedding(ids)
    our_out, our_scores = ours(our_x, our_x, return_attention_scores=True)
    np.testing.assert_allclose(our_scores.data, their_scores.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(our_out.data, their_out.detach().numpy(), rtol=1e-5, atol=1e-5)
    assert our_scores.data[0, :, :, 3:].max() == 0.0  # nobody attends to padding
    assert nn.layers.masks.get_mask(our_out) is not None  # the query's mask passes on


ATTENTION_CASES = [
    (nn.layers.Attention, keras.layers.Attention, {}),
    (nn.layers.Attention, keras.layers.Attention, {"use_scale": True}),
    (nn.layers.Attention, keras.layers.Attention, {"score_mode": "concat", "use_scale": True}),
    (nn.layers.AdditiveAttention, keras.layers.AdditiveAttention, {}),
    (nn.layers.AdditiveAttention, keras.layers.AdditiveAttention, {"use_scale": False}),
]


@pytest.mark.parametrize("ours, theirs, options", ATTENTION_CASES, ids=str)
@pytest.mark.parametrize("call", [{}, {"use_causal_mask": True, "return_attention_scores": True}], ids=str)
def test_attention_matches_keras(same_as_keras, ours, theirs, options, call):
    query = QUERY[..., :3]
    same_as_keras(ours(**options), theirs(**options), [[query, VALUE]], **call)
    same_as_keras(ours(**options), theirs(**options), [[query, VALUE, VALUE[..., ::-1].copy()]], **call)


def test_attention_masks_match_keras(same_as_keras):
    query_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    value_mask = np.array([[1, 1, 0, 0], [1, 0, 1, 1]], dtype=bool)
    same_as_keras(nn.layers.Attention(), keras.layers.Attention(), [[QUERY[..., :3], VALUE]],
                  mask=[query_mask, value_mask])
