"""Masks travel beside tensors: made by Embedding(mask_zero=True) or Masking, handed by each
layer's __call__ to the next layer's call(mask=...), passed on or consumed as Keras does."""
import gc
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from nn.layers import Dense, Dropout, Embedding, Flatten, Input, Layer, LSTM, Masking
from nn.layers.masks import get_mask, masked_mean, set_mask


class MaskRecorder(Layer):
    """Records the mask its call receives; passes its input through."""

    supports_masking = True

    def call(self, inputs, training=None, mask=None):
        self.seen = mask
        return inputs


def test_a_mask_is_attached_to_one_tensor_and_dies_with_it():
    x = ag.Tensor(np.ones((2, 3)))
    set_mask(x, [[True, False, True], [True, True, False]])
    assert get_mask(x).dtype == bool and get_mask(x).tolist() == [[True, False, True], [True, True, False]]
    assert get_mask(ag.Tensor(np.ones((2, 3)))) is None
    assert get_mask(x.data) is None  # only the Tensor carries it
    from nn.layers import masks
    before = len(masks._MASKS)
    del x
    gc.collect()
    assert len(masks._MASKS) == before - 1


def test_embedding_with_mask_zero_marks_the_padding_steps():
    out = Embedding(5, 3, mask_zero=True)(np.array([[1, 2, 0], [0, 4, 4]]))
    assert get_mask(out).tolist() == [[True, True, False], [False, True, True]]
    assert get_mask(Embedding(5, 3)(np.array([[1, 0]]))) is None


def test_the_next_layer_receives_the_mask_and_passes_it_on_if_it_supports_masking():
    recorder = MaskRecorder()
    embedded = Embedding(5, 3, mask_zero=True)(np.array([[1, 0]]))
    out = Dropout(0.5)(recorder(embedded))
    assert recorder.seen.tolist() == [[True, False]]
    assert get_mask(out).tolist() == [[True, False]]


@pytest.mark.parametrize("layer", [nn.layers.GaussianNoise(0.1), nn.layers.ActivityRegularization(0.01)])
def test_the_identity_layers_of_inference_pass_the_mask_on_as_in_keras(layer):
    embedded = Embedding(5, 3, mask_zero=True)(np.array([[1, 0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer(embedded)
    assert get_mask(out).tolist() == [[True, False]]


def test_an_explicit_mask_wins_over_the_attached_one():
    recorder = MaskRecorder()
    embedded = Embedding(5, 3, mask_zero=True)(np.array([[1, 0]]))
    recorder(embedded, mask=np.array([[False, True]]))
    assert recorder.seen.tolist() == [[False, True]]


def test_a_layer_without_masking_support_warns_and_drops_the_mask():
    embedded = Embedding(5, 3, mask_zero=True)(np.array([[1, 0]]))
    with pytest.warns(UserWarning, match="does not support masking"):
        out = Flatten(name="flat")(embedded)
    assert get_mask(out) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Flatten()(np.ones((1, 2, 3)))  # no mask, no warning


def test_a_recurrent_layer_consumes_the_mask_unless_it_returns_sequences():
    embedded = Embedding(5, 3, mask_zero=True)(np.array([[1, 0]]))
    assert get_mask(LSTM(2)(embedded)) is None
    assert get_mask(LSTM(2, return_sequences=True)(embedded)).tolist() == [[True, False]]
    output, h, c = LSTM(2, return_sequences=True, return_state=True)(embedded)
    assert get_mask(output) is not None and get_mask(h) is None and get_mask(c) is None


def test_sequential_propagates_masks_from_layer_to_layer():
    recorder = MaskRecorder()
    model = nn.Sequential([Input(shape=(3,)), Embedding(5, 2, mask_zero=True), Dense(4), recorder, LSTM(2)])
    model.predict(np.array([[1, 2, 0], [3, 0, 0]]), verbose=0)
    assert recorder.seen.tolist() == [[True, True, False], [True, False, False]]


def test_masking_marks_steps_whose_features_all_equal_the_mask_value():
    x = np.array([[[1.0, 2.0], [-1.0, -1.0], [0.0, -1.0]]])
    out = Masking(mask_value=-1.0)(x)
    assert get_mask(out).tolist() == [[True, False, True]]
    np.testing.assert_array_equal(out.data, [[[1.0, 2.0], [0.0, 0.0], [0.0, -1.0]]])


def test_masked_mean_leaves_masked_steps_out_of_the_average_and_its_gradient():
    x = ag.Tensor(np.arange(12.0).reshape((2, 3, 2)), requires_grad=True)
    mask = np.array([[True, False, True], [True, True, True]])
    out = masked_mean(x, mask)
    np.testing.assert_allclose(out.data, [[2.0, 3.0], [8.0, 9.0]])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data[0], [[0.5, 0.5], [0.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(masked_mean(x, None).data, x.data.mean(axis=1))


def test_masked_mean_over_the_last_axis_for_channels_first():
    x = np.arange(12.0).reshape((2, 2, 3))  # (batch, channels, steps)
    mask = np.array([[True, True, False], [False, False, True]])
    np.testing.assert_allclose(masked_mean(ag.Tensor(x), mask, axis=2, keepdims=True).data,
                               [[[0.5], [3.5]], [[8.0], [11.0]]])


def test_masking_gradient_matches_central_differences_and_skips_masked_steps(gradcheck_layer):
    """Away from mask_value the layer is the identity; at a masked step (a jump, where central
    differences do not apply) its gradient is 0, the mask being a constant, as in Keras."""
    assert gradcheck_layer(lambda inputs: Masking()(inputs), [], np.array([[[1.0, 2.0], [0.5, -1.0]]]))
    x = ag.Tensor(np.array([[[1.0, 2.0], [0.0, 0.0]]]), requires_grad=True)
    Masking()(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[1.0, 1.0], [0.0, 0.0]]])
