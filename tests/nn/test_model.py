"""nn.Model written as a class (Keras's subclassing), a custom train_step, models inside models."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import layers


class Classifier(nn.Model):
    """The guide's model: layers in __init__, call(inputs, training=None)."""

    def __init__(self, hidden=16, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.block = layers.Dense(hidden, activation="relu")
        self.dropout = layers.Dropout(0.5)
        self.classifier = layers.Dense(3, activation="softmax")

    def call(self, inputs, training=None):
        return self.classifier(self.dropout(self.block(inputs), training=training))


def blobs(n=60):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, n)
    return (rng.normal(size=(n, 5)) + y[:, None]).astype(np.float32), y


def test_a_model_written_as_a_class_compiles_fits_evaluates_predicts_and_summarizes(capsys):
    x, y = blobs()
    assert (Classifier().name, Classifier().name) == ("classifier", "classifier_1")  # Keras's automatic names
    model = Classifier(name="mine")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_split=0.2)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert model.predict(x).shape == (60, 3) and 0 <= accuracy <= 1
    assert [layer.name for layer in model.layers] == ["dense_4", "dropout_2", "dense_5"]
    assert len(model.trainable_weights) == 4 and model.count_params() == 5 * 16 + 16 + 16 * 3 + 3
    model.summary(line_length=88)
    text = capsys.readouterr().out
    assert 'Model: "mine"' in text and "dense_4 (Dense)" in text and "(None, 16)" in text
    assert "Trainable params: 147 (588.00 B)" in text and "Optimizer params: 296" in text


def test_an_unbuilt_model_says_how_to_build_it():
    with pytest.raises(ValueError, match="has not been built yet"):
        Classifier().summary()
    model = Classifier()
    model.build((None, 5))
    assert model.built and model.layers[0].kernel.shape == (5, 16)


def test_passing_inputs_and_outputs_to_a_subclass_is_refused_with_the_way_out():
    class Wrapped(nn.Model):
        def __init__(self):
            x = nn.Input(shape=(2,))
            super().__init__(x, layers.Dense(1)(x))

    with pytest.raises(TypeError, match=r"Build a functional model with nn.Model\(inputs, outputs\)"):
        Wrapped()


def test_train_step_can_be_overridden_with_the_pytorch_style_contract():
    steps = []

    class Custom(nn.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(1)

        def call(self, inputs):
            return self.dense(inputs)

        def train_step(self, data):
            x, y = data
            self.optimizer.zero_grad()
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            loss.backward()
            self.optimizer.step()
            steps.append(loss.item())
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    rng = np.random.default_rng(1)
    x = rng.random((100, 8)).astype(np.float32)
    y = (x @ np.arange(8.0)[:, None]).astype(np.float32)
    model = Custom()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=3, batch_size=25, verbose=0)
    assert len(steps) == 12 and list(history.history) == ["loss", "mae"]
    assert history.history["loss"][0] == pytest.approx(np.mean(steps[:4]), rel=1e-5)


def test_a_gan_style_step_needs_no_compiled_loss():
    class Shrink(nn.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2, kernel_initializer="ones")

        def call(self, inputs):
            return self.dense(inputs)

        def train_step(self, data):
            x = data[0]
            self.optimizer.zero_grad()
            loss = ag.mean(self(x) ** 2)
            loss.backward()
            self.optimizer.step()
            return {"size": loss}

    model = Shrink()
    model.compile(optimizer="sgd")
    history = model.fit(np.ones((8, 2), np.float32), np.zeros(8), epochs=3, verbose=0)
    assert history.history["size"][2] < history.history["size"][0]


def test_the_tensorflow_quickstart_wraps_a_model_in_a_sequential_with_a_softmax():
    (x_train, y_train), (x_test, _) = nn.datasets.load_digits()
    model = nn.Sequential([nn.Input(shape=(64,)), layers.Dense(32, activation="relu"), layers.Dropout(0.2),
                           layers.Dense(10)])
    loss_fn = nn.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=1, verbose=0)
    probability_model = nn.Sequential([model, layers.Softmax()])
    probabilities = probability_model(x_test[:5])
    np.testing.assert_allclose(probabilities.data.sum(axis=1), 1.0, rtol=1e-5)
    assert probability_model.built and probability_model.count_params() == model.count_params()
    assert [layer.name for layer in probability_model.layers] == [model.name, "softmax"]


def test_a_functional_model_first_in_a_sequential_gives_it_its_input_shape():
    inputs = nn.Input(shape=(5,))
    features = nn.Model(inputs, layers.Dense(4, activation="relu")(inputs), name="features")
    stacked = nn.Sequential([features, layers.Dense(3)])
    assert stacked.built and stacked.input_shape == (None, 5) and stacked.output_shape == (None, 3)
    x = np.ones((2, 5), dtype="float32")
    np.testing.assert_allclose(stacked.predict(x), stacked.layers[1](features(x)).data, rtol=1e-6)


def test_sizes_that_vary_are_none_as_in_keras_for_sequences_of_any_length():
    tokens = nn.Input(shape=(None,), dtype="int64")
    hidden = layers.LSTM(6)(layers.Embedding(20, 4, mask_zero=True)(tokens))
    model = nn.Model(tokens, layers.Dense(2)(hidden))
    assert model.output_shape == (None, 2)
    for steps in (3, 11):
        assert model.predict(np.ones((4, steps), dtype="int64")).shape == (4, 2)
    stacked = nn.Sequential([layers.GRU(5, input_shape=(None, 3)), layers.Dense(1)])
    assert stacked.input_shape == (None, None, 3)
    with pytest.raises(ValueError, match="known number of features"):
        nn.Sequential([nn.Input(shape=(None,)), layers.Dense(2)])


def test_models_nest_in_each_other_and_train_together():
    inner = nn.Sequential([nn.Input(shape=(5,)), layers.Dense(8, activation="relu")], name="features")
    outer = Classifier()
    wrapped = nn.Sequential([inner, outer])
    x, y = blobs()
    wrapped.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = inner.get_weights()[0].copy()
    wrapped.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before, inner.get_weights()[0])
    assert len(wrapped.trainable_weights) == 6
    inner.trainable = False  # transfer learning: freeze the inner model
    assert len(wrapped.trainable_weights) == 4
    frozen = inner.get_weights()[0].copy()
    wrapped.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(frozen, inner.get_weights()[0])


def test_viz_groups_a_model_written_as_a_class_by_its_layers():
    from autograd import viz

    model = Classifier(name="net")
    loss = ag.mean(model(np.ones((2, 5))))
    source = viz.draw(loss, group="name_scope").source
    for layer in (model.block, model.classifier):  # dropout, off outside training, records no op
        assert f'subgraph "cluster_net/{layer.name}"' in source
