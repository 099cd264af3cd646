"""Attention layers without Keras: shapes, float64 gradchecks, what the masks mean, errors."""
import numpy as np
import pytest

import autograd as ag
from nn.layers import AdditiveAttention, Attention, MultiHeadAttention

rng = np.random.default_rng(0)
QUERY = rng.standard_normal((2, 4, 3))
VALUE = rng.standard_normal((2, 3, 5))


def test_multi_head_attention_shapes_and_parameter_count():
    layer = MultiHeadAttention(num_heads=2, key_dim=4)
    out, scores = layer(QUERY, VALUE, return_attention_scores=True)
    assert out.shape == (2, 4, 3) and scores.shape == (2, 2, 4, 3)
    # query (3*2*4 + 2*4), key and value (5*2*4 + 2*4 each), output (2*4*3 + 3)
    assert layer.count_params() == 32 + 48 + 48 + 27
    np.testing.assert_allclose(scores.data.sum(axis=-1), 1.0, rtol=1e-6)
    assert MultiHeadAttention(2, 4, output_shape=7)(QUERY, VALUE).shape == (2, 4, 7)


def mha_weights(layer):
    return [(layer, name) for name in ("query_kernel", "query_bias", "key_kernel", "key_bias", "value_kernel",
                                       "value_bias", "output_kernel", "output_bias")]


@pytest.mark.parametrize("call", [{}, {"use_causal_mask": True}, {"attention_mask": np.array([[[1, 0, 1]] * 4] * 2)}],
                         ids=["plain", "causal", "attention_mask"])
def test_multi_head_attention_gradients_match_central_differences(gradcheck_layer, call):
    layer = MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3)
    value = VALUE[:, :, :3] if call.get("use_causal_mask") else VALUE
    query = VALUE[:, :, :3] if call.get("use_causal_mask") else QUERY
    layer(query, value)
    assert gradcheck_layer(lambda q, v: layer(q, v, **call), mha_weights(layer), query, value)


def test_causal_mask_keeps_the_future_out():
    x = ag.Tensor(rng.standard_normal((1, 5, 4)), requires_grad=True)
    layer = MultiHeadAttention(num_heads=2, key_dim=3)
    layer(x, x, use_causal_mask=True)[0, 2].sum().backward()
    assert np.abs(x.grad.data[0, 3:]).max() == 0.0 and np.abs(x.grad.data[0, :3]).max() > 0.0



def test_multi_head_attention_in_a_functional_model_matches_the_eager_call():
    import nn
    query, value = nn.Input(shape=(4, 3)), nn.Input(shape=(3, 5))
    layer = MultiHeadAttention(num_heads=2, key_dim=2)
    outputs = layer(query, value, key=value)
    assert outputs.shape == (None, 4, 3)
    model = nn.Model([query, value], outputs)
    np.testing.assert_allclose(model.predict([QUERY, VALUE], verbose=0), layer(QUERY, VALUE).data, atol=1e-6)

def test_multi_head_attention_needs_a_value():
    with pytest.raises(TypeError):
        MultiHeadAttention(num_heads=2, key_dim=2)(QUERY)


@pytest.mark.parametrize("arguments", [{"num_heads": 0, "key_dim": 2}, {"num_heads": 2, "key_dim": 1.5},
                                       {"num_heads": 2, "key_dim": 2, "dropout": 1.0}])
def test_multi_head_attention_refuses_bad_arguments(arguments):
    with pytest.raises(ValueError, match="positive integer|dropout"):
        MultiHeadAttention(**arguments)


@pytest.mark.parametrize("make, names", [
    (lambda: Attention(use_scale=True), ["scale"]),
    (lambda: Attention(use_scale=True, score_mode="concat"), ["scale", "concat_score_weight"]),
    (lambda: AdditiveAttention(), ["scale"]),
])
def test_attention_gradients_match_central_differences(gradcheck_layer, make, names):
    layer = make()
    query, value = QUERY, VALUE[..., :3]
    layer([query, value])
    assert gradcheck_layer(lambda q, v: layer([q, v], use_causal_mask=True), [(layer, n) for n in names], query, value)


def test_attention_masks_give_padding_no_weight_and_zero_output():
    query_mask = np.array([[True, True, False, False], [True] * 4])
    value_mask = np.array([[True, False, True], [True, True, True]])
    out, scores = Attention()([QUERY, VALUE[..., :3]], mask=[query_mask, value_mask], return_attention_scores=True)
    assert scores.data[0, :, 1].max() < 1e-6
    assert np.abs(out.data[0, 2:]).max() == 0.0


def test_attention_is_called_on_a_list():
    with pytest.raises(ValueError, match=r"list \[query, value\]"):
        Attention()(QUERY)
    with pytest.raises(ValueError, match="score_mode must be"):
        Attention(score_mode="general")


def test_configs_rebuild_equal_layers():
    for layer in [MultiHeadAttention(2, 4, value_dim=3, output_shape=5, dropout=0.1), Attention(use_scale=True),
                  AdditiveAttention(use_scale=False)]:
        assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()
