"""fit / evaluate / predict take arrays, lists, dicts, generators and PyDatasets, as Keras does."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.callbacks import Callback
from nn.layers import Dense, Input


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    x = rng.normal(size=(n, 4)).astype(np.float32) * 0.3 + np.eye(3, 4)[y] * 2
    return x, y


def classifier():
    nn.utils.set_random_seed(0)
    model = nn.Sequential([Input(shape=(4,)), Dense(8, activation="relu"), Dense(3, activation="softmax")])
    model.compile(optimizer=optim.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def assert_same_weights(a, b):
    for left, right in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(left, right, rtol=1e-6, atol=1e-7)


class BatchCounter(Callback):
    def __init__(self):
        super().__init__()
        self.sizes = []

    def on_train_batch_end(self, batch, logs=None):
        self.sizes.append(batch)


class Batches(nn.utils.PyDataset):
    """Batches of (x, y) by index, recording which indices were asked for."""

    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.asked, self.epochs_ended = [], 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        self.asked.append(index)
        window = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[window], self.y[window]

    def on_epoch_end(self):
        self.epochs_ended += 1


def batches_of(x, y, batch_size, weights=None):
    for start in range(0, len(x), batch_size):
        window = slice(start, start + batch_size)
        yield (x[window], y[window]) if weights is None else (x[window], y[window], weights[window])


# ---- shapes ---------------------------------------------------------------------------------------
def test_one_dimensional_x_feeds_a_one_feature_model():
    x = np.linspace(0, 1, 100)
    y = 3 * x - 1
    model = nn.Sequential([Input(shape=(1,)), Dense(1)])
    model.compile(optimizer=optim.SGD(learning_rate=0.5), loss="mse")
    history = model.fit(x, y, epochs=60, verbose=0)
    assert history.history["loss"][-1] < 1e-3
    np.testing.assert_allclose(model.predict(x), model.predict(x[:, None]))
    assert model.predict(x).shape == (100, 1)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x[:, None], y, verbose=0))


def test_one_sample_given_to_predict_says_to_add_the_batch_axis():
    x, _ = blobs()
    model = classifier()
    with pytest.raises(ValueError, match=r"one sample without its batch axis.*x\[None\].*x_test\[:1\]"):
        model.predict(x[0])
    assert model.predict(x[None, 0]).shape == (1, 3)


def test_x_one_axis_short_names_the_shape_the_model_takes():
    model = classifier()
    with pytest.raises(ValueError, match=r"x has shape \(100,\), but the model takes inputs of shape \(batch, 4\)"):
        model.fit(np.zeros(100), np.zeros(100, dtype=int), verbose=0)


def test_one_dimensional_x_for_a_model_without_input_shape_says_what_to_do():
    model = nn.Sequential([Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"Input\(shape=\(1,\)\).*reshape\(-1, 1\)"):
        model.fit(np.zeros(10), np.zeros(10), verbose=0)


def test_a_trailing_axis_of_size_one_is_dropped_as_keras_does():
    x, y = blobs()
    assert_close = np.testing.assert_allclose
    model = classifier()
    assert_close(model.predict(x[..., None]), model.predict(x))


def test_lists_tensors_and_one_entry_dicts_are_arrays():
    x, y = blobs()
    reference = classifier()
    reference.fit(x, y, epochs=2, verbose=0, shuffle=False)
    for data in (x.tolist(), ag.Tensor(x), {"features": x}):
        model = classifier()
        model.fit(data, y.tolist(), epochs=2, verbose=0, shuffle=False)
        assert_same_weights(model, reference)


def test_dict_of_several_inputs_and_ragged_lists_are_refused_clearly():
    x, y = blobs()
    with pytest.raises(ValueError, match=r"dict with keys \['a', 'b'\].*one input"):
        classifier().fit({"a": x, "b": x}, y, verbose=0)
    with pytest.raises(ValueError, match="different lengths.*pad_sequences"):
        classifier().predict([[1.0, 2.0, 3.0, 4.0], [1.0]])


def test_batch_size_none_means_32():
    x, y = blobs(n=100)
    counter = BatchCounter()
    classifier().fit(x, y, batch_size=None, verbose=0, callbacks=[counter])
    assert len(counter.sizes) == 4  # 32 + 32 + 32 + 4


def test_steps_per_epoch_with_arrays_takes_that_many_batches():
    x, y = blobs(n=100)
    counter = BatchCounter()
    classifier().fit(x, y, batch_size=10, steps_per_epoch=3, epochs=2, verbose=0, callbacks=[counter])
    assert counter.sizes == [0, 1, 2, 0, 1, 2]
    with pytest.raises(ValueError, match="steps_per_epoch=20 asks for more batches"):
        classifier().fit(x, y, batch_size=10, steps_per_epoch=20, verbose=0)


def test_verbose_auto_is_a_bar_and_other_strings_are_refused():
    x, y = blobs()
    classifier().fit(x, y, verbose="auto")
    with pytest.raises(ValueError, match="verbose must be 'auto', 0"):
        classifier().fit(x, y, verbose="loud")


# ---- generators, iterables and PyDatasets -----------------------------------------------------------
def test_generator_of_batches_trains_exactly_like_the_same_arrays():
    x, y = blobs()
    reference = classifier()
    reference.fit(x, y, batch_size=16, shuffle=False, verbose=0)
    model = classifier()
    history = model.fit(batches_of(x, y, 16), verbose=0)
    assert_same_weights(model, reference)
    assert history.history["loss"] == pytest.approx(reference.history.history["loss"])


def test_generator_used_up_after_one_pass_stops_training_with_a_warning():
    x, y = blobs()
    with pytest.warns(UserWarning, match="ran out in epoch 1.*endless.*steps_per_epoch"):
        history = classifier().fit(batches_of(x, y, 16), epochs=3, verbose=0)
    assert history.epoch == [0]


def test_endless_generator_with_steps_per_epoch_continues_across_epochs():
    x, y = blobs()
    pulled = []

    def endless():
        while True:
            pulled.append(1)
            yield x[:8], y[:8]

    counter = BatchCounter()
    history = classifier().fit(endless(), steps_per_epoch=3, epochs=2, verbose=0, callbacks=[counter])
    assert counter.sizes == [0, 1, 2, 0, 1, 2] and len(pulled) == 6
    assert len(history.history["loss"]) == 2


def test_generator_shorter_than_steps_per_epoch_warns_and_stops():
    x, y = blobs()
    with pytest.warns(UserWarning, match="ran out in epoch 2"):
        history = classifier().fit(batches_of(x, y, 30), steps_per_epoch=3, epochs=5, verbose=0)
    assert history.epoch == [0, 1]  # 4 batches: 3 in epoch 1, 1 in epoch 2


def test_a_reiterable_object_starts_a_new_pass_each_epoch():
    x, y = blobs()

    class Loader:  # iterable but not indexable, e.g. a torch DataLoader
        def __iter__(self):
            return batches_of(x, y, 40)

    counter = BatchCounter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        classifier().fit(Loader(), epochs=3, verbose=0, callbacks=[counter])
    assert counter.sizes == [0, 1, 2] * 3


def test_pydataset_batches_shuffled_each_epoch_and_its_epoch_hook_called():
    x, y = blobs()
    data = Batches(x, y, batch_size=10)
    classifier().fit(data, epochs=2, verbose=0)
    first, second = data.asked[:12], data.asked[12:]
    assert sorted(first) == sorted(second) == list(range(12)) and first != list(range(12))
    assert data.epochs_ended == 2
    in_order = Batches(x, y, batch_size=10)
    classifier().fit(in_order, shuffle=False, verbose=0)
    assert in_order.asked == list(range(12))
    assert nn.utils.Sequence is nn.utils.PyDataset


def test_pydataset_trains_like_the_same_arrays_without_shuffling():
    x, y = blobs()
    reference = classifier()
    reference.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    model = classifier()
    model.fit(Batches(x, y, batch_size=10), epochs=2, shuffle=False, verbose=0)
    assert_same_weights(model, reference)


def test_evaluate_and_predict_take_batches_as_fit_does():
    x, y = blobs()
    model = classifier()
    expected = model.evaluate(x, y, verbose=0)
    assert model.evaluate(Batches(x, y, 25), verbose=0) == pytest.approx(expected)
    assert model.evaluate(batches_of(x, y, 25), verbose=0) == pytest.approx(expected)
    np.testing.assert_allclose(model.predict(Batches(x, y, 25)), model.predict(x), rtol=1e-6)
    np.testing.assert_allclose(model.predict(x[start:start + 7] for start in range(0, 120, 7)),
                               model.predict(x), rtol=1e-6)
    first_batch = model.evaluate(x[:25], y[:25], verbose=0)
    assert model.evaluate(Batches(x, y, 25), steps=1, verbose=0) == pytest.approx(first_batch)


def test_validation_data_as_batches_with_validation_steps():
    x, y = blobs()
    model = classifier()
    history = model.fit(x[:80], y[:80], epochs=2, verbose=0, validation_data=Batches(x[80:], y[80:], 10),
                        validation_steps=2)
    assert len(history.history["val_loss"]) == 2
    # Each validation starts again at the first batch: the last one equals evaluating batches 0 and 1.
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(x[80:100], y[80:100], verbose=0)[0])


def test_validation_generator_that_runs_out_is_a_clear_error():
    x, y = blobs()
    with pytest.raises(ValueError, match="validation data has no batches left.*validation_steps"):
        classifier().fit(x, y, epochs=2, verbose=0, validation_data=batches_of(x, y, 40))


@pytest.mark.parametrize("arguments, message", [
    ({"y": np.zeros(3)}, "y must not be passed separately"),
    ({"sample_weight": np.ones(3)}, "sample_weight must not be passed separately"),
    ({"validation_split": 0.2}, "validation_split .* validation_data instead"),
])
def test_batches_refuse_arguments_that_belong_inside_them(arguments, message):
    x, y = blobs()
    with pytest.raises(ValueError, match=message):
        classifier().fit(batches_of(x, y, 10), verbose=0, **arguments)


def test_batches_that_are_not_pairs_are_refused():
    x, y = blobs()
    with pytest.raises(ValueError, match=r"gave no batches at all"):
        classifier().fit(iter([]), verbose=0)
    with pytest.raises(ValueError, match=r"pair \(x, y\).*held only x"):
        classifier().fit((x[i:i + 10] for i in range(0, 120, 10)), verbose=0)
    with pytest.raises(ValueError, match="got a tuple of 4 items"):
        classifier().fit(iter([(x, y, y, y)]), verbose=0)


def test_batch_size_beside_batches_is_ignored_with_a_warning():
    x, y = blobs()
    with pytest.warns(UserWarning, match="batch_size=64 is ignored"):
        classifier().fit(Batches(x, y, 10), batch_size=64, verbose=0)
