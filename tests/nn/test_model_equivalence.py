"""The same network written functionally and as a class: identical outputs and gradients from the
same weights (a ResNet-style block, and a model with two inputs and two outputs)."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import layers


def functional_resnet_block(width=8):
    inputs = nn.Input(shape=(width,))
    hidden = layers.Dense(width, activation="relu")(inputs)
    hidden = layers.Dense(width)(hidden)
    joined = layers.Activation("relu")(layers.Add()([inputs, hidden]))
    return nn.Model(inputs, layers.Dense(3)(joined))


class ResNetBlock(nn.Model):
    def __init__(self, width=8, **kwargs):
        super().__init__(**kwargs)
        self.first = layers.Dense(width, activation="relu")
        self.second = layers.Dense(width)
        self.join = layers.Add()
        self.head = layers.Dense(3)

    def call(self, inputs):
        hidden = self.second(self.first(inputs))
        return self.head(ag.relu(self.join([inputs, hidden])))


def functional_two_in_two_out():
    image, meta = nn.Input(shape=(6,), name="image"), nn.Input(shape=(2,), name="meta")
    features = layers.Dense(4, activation="tanh")(image)
    joined = layers.Concatenate()([features, meta])
    return nn.Model([image, meta], [layers.Dense(3, activation="softmax")(joined), layers.Dense(1)(joined)])


class TwoInTwoOut(nn.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.features = layers.Dense(4, activation="tanh")
        self.join = layers.Concatenate()
        self.classes = layers.Dense(3, activation="softmax")
        self.value = layers.Dense(1)

    def call(self, inputs):
        image, meta = inputs
        joined = self.join([self.features(image), meta])
        return [self.classes(joined), self.value(joined)]


def outputs_and_gradients(model, x):
    outputs = model(x)
    total = sum(ag.sum(output * float(i + 1)) for i, output in enumerate(outputs)) if isinstance(outputs, list) \
        else ag.sum(outputs * outputs)
    for weight in model.weights:
        weight.grad = None
    total.backward()
    flat = outputs if isinstance(outputs, list) else [outputs]
    return [o.data for o in flat], [w.grad.data for w in model.weights]


@pytest.mark.parametrize("make_functional, subclass, x", [
    (functional_resnet_block, ResNetBlock, np.random.default_rng(1).normal(size=(5, 8)).astype(np.float32)),
    (functional_two_in_two_out, TwoInTwoOut, [np.random.default_rng(2).normal(size=(5, 6)).astype(np.float32),
                                              np.random.default_rng(3).normal(size=(5, 2)).astype(np.float32)]),
], ids=["resnet_block", "two_in_two_out"])
def test_functional_and_subclassed_agree_exactly(make_functional, subclass, x):
    written_functionally = make_functional()
    written_as_a_class = subclass()
    written_as_a_class(x)  # builds it
    assert [w.shape for w in written_as_a_class.weights] == [w.shape for w in written_functionally.weights]
    written_as_a_class.set_weights(written_functionally.get_weights())
    outputs_f, grads_f = outputs_and_gradients(written_functionally, x)
    outputs_c, grads_c = outputs_and_gradients(written_as_a_class, x)
    for mine, theirs in zip(outputs_f + grads_f, outputs_c + grads_c):
        np.testing.assert_array_equal(mine, theirs)


def test_both_train_to_the_same_weights():
    rng = np.random.default_rng(4)
    x = [rng.normal(size=(32, 6)).astype(np.float32), rng.normal(size=(32, 2)).astype(np.float32)]
    y = [rng.integers(0, 3, 32), rng.normal(size=(32, 1)).astype(np.float32)]
    models = [functional_two_in_two_out(), TwoInTwoOut()]
    models[1](x)
    models[1].set_weights(models[0].get_weights())
    for model in models:
        model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"])
        nn.utils.set_random_seed(7)
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for mine, theirs in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_array_equal(mine, theirs)
