"""Keras 3's .weights.h5 and .keras files, checked against real Keras 3 (torch backend) both ways:
Keras writes and we read and predict the same; we write and Keras reads and predicts the same."""
import json
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

h5py = pytest.importorskip("h5py")
keras = pytest.importorskip("keras")
# Keras 3.15's get_weights() calls np.array on its torch variables, which numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


def keras_model(kind):
    """A Keras model with random weights (moving variances positive) and an input batch for it."""
    rng = np.random.default_rng(0)
    layers = keras.layers
    if kind == "mlp":
        model = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="relu"), layers.Dropout(0.2),
                                  layers.Dense(3, activation="softmax")])
        x = rng.normal(size=(4, 6))
    elif kind == "cnn":
        model = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, activation="relu"),
                                  layers.BatchNormalization(), layers.MaxPooling2D(), layers.Flatten(),
                                  layers.Dense(5, activation="tanh"), layers.Dense(2, activation="softmax")])
        x = rng.normal(size=(3, 8, 8, 3))
    elif kind == "sequence":
        model = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(10, 4),
                                  layers.LSTM(3, return_sequences=True), layers.GRU(2, return_sequences=True),
                                  layers.SimpleRNN(2), layers.Dense(1)])
        x = rng.integers(0, 10, size=(3, 5))
    else:
        model = keras.Sequential([keras.Input((6, 4)), layers.LayerNormalization(), layers.Conv1D(3, 2),
                                  layers.AveragePooling1D(2), layers.Reshape((3, 2)), layers.Activation("relu"),
                                  layers.GlobalAveragePooling1D(), layers.Dense(2)])
        x = rng.normal(size=(3, 6, 4))
    for weight in model.weights:
        value = (rng.uniform(0.5, 1.5, size=weight.shape) if "variance" in weight.path
                 else rng.normal(scale=0.5, size=weight.shape))
        weight.assign(value.astype("float32"))
    return model, x.astype("int32" if kind == "sequence" else "float32")


KINDS = ["mlp", "cnn", "sequence", "normalization_and_pooling"]


def stored(path):
    """Every group and dataset of an HDF5 file, with the datasets' shapes."""
    entries = {}
    with h5py.File(path, "r") as file:
        file.visititems(lambda name, item: entries.__setitem__(name, getattr(item, "shape", "group")))
    return entries


@pytest.mark.parametrize("kind", KINDS)
def test_keras_files_load_here_and_predict_the_same(tmp_path, kind):
    model, x = keras_model(kind)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    expected = np.asarray(model.predict(x, verbose=0))

    loaded = nn.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, atol=1e-5)
    fresh = nn.Sequential.from_config(loaded.get_config())
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), expected, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_our_files_load_in_keras_and_predict_the_same(tmp_path, kind):
    model, x = keras_model(kind)
    model.save(tmp_path / "keras.keras")
    model.save_weights(tmp_path / "keras.weights.h5")
    ours = nn.load_model(tmp_path / "keras.keras")
    expected = ours.predict(x, verbose=0)
    ours.save(tmp_path / "ours.keras")
    ours.save_weights(tmp_path / "ours.weights.h5")

    assert stored(tmp_path / "ours.weights.h5") == stored(tmp_path / "keras.weights.h5")
    reloaded = keras.models.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(np.asarray(reloaded.predict(x, verbose=0)), expected, atol=1e-5)
    clone = keras.models.clone_model(model)
    clone.load_weights(tmp_path / "ours.weights.h5")
    np.testing.assert_allclose(np.asarray(clone.predict(x, verbose=0)), expected, atol=1e-5)
    with zipfile.ZipFile(tmp_path / "ours.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]


def test_layers_are_numbered_by_class_order_not_by_name(tmp_path):
    model = nn.Sequential([nn.Input((3,)), nn.layers.Dense(4, name="first"), nn.layers.Dense(2, name="second")])
    model.save_weights(tmp_path / "w.weights.h5")
    entries = stored(tmp_path / "w.weights.h5")
    assert entries["layers/dense/vars/0"] == (3, 4) and entries["layers/dense_1/vars/1"] == (2,)
    with h5py.File(tmp_path / "w.weights.h5", "r") as file:
        assert file["layers/dense_1/vars"].attrs["name"] == "second"


def mlp(units=8):
    return nn.Sequential([nn.Input((6,)), nn.layers.Dense(units, activation="relu"), nn.layers.Dense(3)])


def test_a_wrong_shape_names_the_layer_and_changes_nothing(tmp_path):
    mlp(units=5).save_weights(tmp_path / "w.weights.h5")
    model = mlp()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"layer 'dense.*' \(Dense.*shape \(6, 5\).*\(6, 8\)"):
        model.load_weights(tmp_path / "w.weights.h5")
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_an_extra_or_missing_layer_is_named(tmp_path):
    mlp().save_weights(tmp_path / "w.weights.h5")
    short = nn.Sequential([nn.Input((6,)), nn.layers.Dense(8, activation="relu")])
    with pytest.raises(ValueError, match=r"layers \['dense_1'\].*does not have"):
        short.load_weights(tmp_path / "w.weights.h5")
    short.save_weights(tmp_path / "short.weights.h5")
    with pytest.raises(ValueError, match=r"no weights for layer 'dense_\d+' \(Dense, stored under 'layers/dense_1/vars'\)"):
        mlp().load_weights(tmp_path / "short.weights.h5")


def test_an_extra_dataset_is_refused(tmp_path):
    mlp().save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        file["layers/dense/vars"].create_dataset("2", data=np.zeros(3))
    with pytest.raises(ValueError, match=r"3 arrays for layer 'dense.*' \(Dense.*which has 2"):
        mlp().load_weights(tmp_path / "w.weights.h5")


def rewrite_config(path, change):
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_lambda_or_unknown_layer_is_refused_by_name(tmp_path):
    mlp().save(tmp_path / "m.keras")
    rewrite_config(tmp_path / "m.keras", lambda c: c["config"]["layers"][1].update(class_name="Lambda"))
    with pytest.raises(ValueError, match="Lambda layer.*never runs code from a file"):
        nn.load_model(tmp_path / "m.keras")
    rewrite_config(tmp_path / "m.keras", lambda c: c["config"]["layers"][1].update(class_name="TextVectorization"))
    with pytest.raises(ValueError, match="layer class 'TextVectorization', which chainrule does not have"):
        nn.load_model(tmp_path / "m.keras")


def test_a_setting_we_lack_is_refused_not_dropped(tmp_path):
    mlp().save(tmp_path / "m.keras")
    rewrite_config(tmp_path / "m.keras", lambda c: c["config"]["layers"][1]["config"].update(lora_rank=4))
    with pytest.raises(ValueError, match=r"\(Dense\) sets lora_rank=4"):
        nn.load_model(tmp_path / "m.keras")


def test_our_npz_format_stays_for_npz_paths(tmp_path):
    model = mlp()
    model.save_weights(tmp_path / "w.npz")
    assert not h5py.is_hdf5(tmp_path / "w.npz")
    model.save(tmp_path / "m.npz")
    np.testing.assert_allclose(nn.load_model(tmp_path / "m.npz").predict(np.ones((2, 6))),
                               model.predict(np.ones((2, 6))))


def test_without_h5py_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # makes `import h5py` fail as if not installed
    with pytest.raises(ImportError, match=r"pip install chainrule\[keras-files\]"):
        mlp().save_weights(tmp_path / "w.weights.h5")


def test_a_keras_model_written_as_a_class_is_refused_with_the_reason(tmp_path):
    @keras.saving.register_keras_serializable(package="tests")
    class Doubler(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(2)

        def call(self, inputs):
            return 2 * self.dense(inputs)

    model = Doubler()
    model(np.ones((1, 3), "float32"))
    model.save(tmp_path / "f.keras")
    with pytest.raises(ValueError, match="holds a 'Doubler' model.*Sequential and functional.*needs? its code"):
        nn.load_model(tmp_path / "f.keras")


def test_multi_head_attention_weights_sit_where_keras_puts_them(tmp_path):
    from nn.interop.keras_weights import weight_groups
    query, value = keras.Input((5, 6)), keras.Input((4, 3))
    attention = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    keras.Model([query, value], attention(query, value)).save_weights(tmp_path / "k.weights.h5")
    keras_arrays = {name.split("/", 2)[2]: shape for name, shape in stored(tmp_path / "k.weights.h5").items()
                    if name.startswith("layers/multi_head_attention/") and shape != "group"}
    ours = nn.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    ours(nn.utils.to_tensor(np.zeros((1, 5, 6))), nn.utils.to_tensor(np.zeros((1, 4, 3))))
    our_arrays = {f"{group}/{i}": weight.shape for group, weights in weight_groups(ours).items()
                  for i, weight in enumerate(weights)}
    assert our_arrays == keras_arrays


LAYER_STACKS = [  # (sample shape, layers): together every layer class with weights or settings
    ((6, 6, 2), lambda L: [L.Conv2DTranspose(3, 2, strides=2)]),
    ((6, 6, 2), lambda L: [L.DepthwiseConv2D(2), L.SeparableConv2D(3, 2)]),
    ((6, 6, 2), lambda L: [L.ZeroPadding2D(1), L.Cropping2D(1), L.UpSampling2D(2), L.GlobalMaxPooling2D()]),
    ((6, 6, 2), lambda L: [L.AveragePooling2D(2), L.SpatialDropout2D(0.1), L.GlobalAveragePooling2D()]),
    ((5, 3), lambda L: [L.ZeroPadding1D(1), L.Cropping1D(1), L.UpSampling1D(2), L.Permute((2, 1)),
                        L.GlobalMaxPooling1D(), L.RepeatVector(2)]),
    ((5, 3), lambda L: [L.PReLU(), L.SpatialDropout1D(0.1), L.GaussianNoise(0.1), L.ActivityRegularization(),
                        L.ReLU(), L.LeakyReLU(), L.ELU(), L.Softmax()]),
    ((5, 3), lambda L: [L.Masking(), L.LSTM(2, return_sequences=True), L.Bidirectional(L.GRU(2))]),
    ((4,), lambda L: [L.Normalization(mean=1.0, variance=2.0), L.Rescaling(2.0, 1.0), L.Dense(2)]),
]


@pytest.mark.parametrize("shape, stack", LAYER_STACKS)
def test_every_layer_class_goes_to_keras_and_back(tmp_path, shape, stack):
    rng = np.random.default_rng(3)
    model = nn.Sequential([nn.Input(shape), *stack(nn.layers)])
    for weight in model.weights:
        weight.data = rng.uniform(0.5, 1.5, size=weight.shape).astype(np.float32)
    x = rng.normal(size=(2, *shape)).astype(np.float32)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "ours.keras")
    in_keras = keras.models.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(np.asarray(in_keras.predict(x, verbose=0)), expected, atol=1e-5)
    in_keras.save(tmp_path / "keras.keras")
    np.testing.assert_allclose(nn.load_model(tmp_path / "keras.keras").predict(x, verbose=0), expected, atol=1e-5)


def test_load_weights_reads_a_keras_archive_too(tmp_path):
    model, x = keras_model("mlp")
    model.save(tmp_path / "m.keras")
    ours = nn.Sequential([nn.Input((6,)), nn.layers.Dense(8, activation="relu"), nn.layers.Dropout(0.2),
                          nn.layers.Dense(3, activation="softmax")])
    ours.load_weights(tmp_path / "m.keras")
    np.testing.assert_allclose(ours.predict(x, verbose=0), np.asarray(model.predict(x, verbose=0)), atol=1e-5)


def test_load_model_on_a_weights_file_says_to_use_load_weights(tmp_path):
    mlp().save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match=r"holds no architecture.*model.load_weights"):
        nn.load_model(tmp_path / "w.weights.h5")


def test_a_failed_save_leaves_the_previous_file(tmp_path):
    mlp().save(tmp_path / "m.keras")
    before = (tmp_path / "m.keras").read_bytes()
    unbuildable = nn.Sequential([nn.Input((4, 6)), nn.layers.RNN(nn.layers.LSTMCell(2))])
    with pytest.raises(ValueError, match=r"layer 'rnn.*' \(RNN\) cannot be stored in Keras's"):
        unbuildable.save(tmp_path / "m.keras")
    assert (tmp_path / "m.keras").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]


def test_text_where_numbers_belong_is_refused(tmp_path):
    mlp().save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "a") as file:
        del file["layers/dense/vars/1"]
        file["layers/dense/vars"].create_dataset("1", data=np.array([b"x"] * 8))
    with pytest.raises(ValueError, match=r"array 1 of layer 'dense.*' \(Dense.*not numbers"):
        mlp().load_weights(tmp_path / "w.weights.h5")


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_a_compiled_model_arrives_compiled_in_keras(tmp_path):
    import optim
    model = mlp()
    model.compile(optimizer=optim.SGD(0.1, momentum=0.9), loss=nn.losses.MeanSquaredError(), metrics=["mae"])
    model.save(tmp_path / "m.keras")
    in_keras = keras.models.load_model(tmp_path / "m.keras")
    assert type(in_keras.optimizer).__name__ == "SGD"
    assert float(in_keras.optimizer.learning_rate) == pytest.approx(0.1)
    assert float(in_keras.optimizer.momentum) == pytest.approx(0.9)
    history = in_keras.fit(np.ones((4, 6), "float32"), np.zeros((4, 3), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("change, message", [
    (lambda c: c["config"].update(layers=[7]), "each layer of its config must be an object"),
    (lambda c: c["config"]["layers"][1]["config"].update(units="many"), "units"),
    (lambda c: c.clear(), "holds a None model"),
])
def test_a_damaged_keras_config_gives_a_value_error(tmp_path, change, message):
    mlp().save(tmp_path / "m.keras")
    rewrite_config(tmp_path / "m.keras", change)
    with pytest.raises(ValueError, match=message):
        nn.load_model(tmp_path / "m.keras")


def test_a_compiled_keras_model_arrives_compiled_here(tmp_path):
    model, x = keras_model("mlp")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    model.save(tmp_path / "m.keras")
    ours = nn.load_model(tmp_path / "m.keras")
    assert type(ours.optimizer).__name__ == "Adam"
    assert ours.optimizer.learning_rate == pytest.approx(0.01)
    history = ours.fit(x, np.zeros((len(x), 3), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert not nn.load_model(tmp_path / "m.keras", compile=False).compiled


def test_keras_compile_settings_we_lack_say_how_to_load_anyway(tmp_path):
    model, _ = keras_model("mlp")
    model.compile(optimizer=keras.optimizers.Adam(use_ema=True), loss="mse")
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"compile settings do not fit.*compile=False"):
        nn.load_model(tmp_path / "m.keras")
