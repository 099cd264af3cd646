"""Gradient clipping: the three Keras options, as functions and through an optimizer."""
import numpy as np
import pytest

import autograd as ag
import optim
from optim.clipping import clip_by_global_norm, clip_by_norm, clip_by_value, clip_gradients


def test_clip_by_value():
    (clipped,) = clip_by_value([np.array([-3.0, 0.2, 5.0])], 1.0)
    np.testing.assert_array_equal(clipped, [-1.0, 0.2, 1.0])


def test_clip_by_norm_is_per_gradient():
    big, small = np.array([3.0, 4.0]), np.array([0.3, 0.4])
    clipped_big, clipped_small = clip_by_norm([big, small], 1.0)
    np.testing.assert_allclose(clipped_big, [0.6, 0.8])
    np.testing.assert_array_equal(clipped_small, small)
    np.testing.assert_array_equal(big, [3.0, 4.0])  # the input is untouched


def test_clip_by_global_norm_scales_all_together():
    grads = [np.array([3.0]), np.array([4.0])]  # global norm 5
    np.testing.assert_allclose(np.concatenate(clip_by_global_norm(grads, 2.5)), [1.5, 2.0])
    np.testing.assert_allclose(np.concatenate(clip_by_global_norm(grads, 10.0)), [3.0, 4.0])


def test_clipping_keeps_float32():
    grads = [np.array([3.0, 4.0], dtype=np.float32)]
    for kwargs in ({"clipnorm": 1.0}, {"global_clipnorm": 1.0}, {"clipvalue": 1.0}):
        assert clip_gradients(grads, **kwargs)[0].dtype == np.float32


@pytest.mark.parametrize("kwargs, expected_step", [
    ({"clipnorm": 1.0}, [-0.6, -0.8, -1.0]),  # each gradient to norm 1
    ({"global_clipnorm": 1.3}, [-0.3, -0.4, -1.2]),  # all together: norm 13 -> 1.3
    ({"clipvalue": 2.0}, [-2.0, -2.0, -2.0]),
    ({}, [-3.0, -4.0, -12.0]),
])
def test_optimizer_clips_before_the_update(kwargs, expected_step):
    w = ag.Tensor(np.zeros(2), requires_grad=True, dtype=np.float64)
    b = ag.Tensor(np.zeros(1), requires_grad=True, dtype=np.float64)
    w.grad = ag.Tensor([3.0, 4.0], dtype=np.float64)
    b.grad = ag.Tensor([12.0], dtype=np.float64)
    optim.SGD([w, b], learning_rate=1.0, **kwargs).step()
    np.testing.assert_allclose(np.concatenate([w.data, b.data]), expected_step)
    np.testing.assert_array_equal(w.grad.data, [3.0, 4.0])
