"""model.save / nn.load_model / save_weights / load_weights: one .npz, no pickle, atomic, checked."""
import json
import os
import zipfile

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.layers import Dense, Dropout, Input, Layer, PReLU


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 5)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0)


def trained_model():
    x, y = data()
    model = nn.Sequential([Input(shape=(5,)), Dense(8, activation="relu", kernel_regularizer="l2"),
                           Dropout(0.1), PReLU(), Dense(3, activation="softmax")], name="saved")
    model.compile(optimizer=optim.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return model


def test_round_trip_predicts_identically_and_resumes_training_identically(tmp_path):
    x, y = data()
    model = trained_model()
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = nn.load_model(path)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.optimizer.iterations == model.optimizer.iterations
    assert loaded.optimizer.learning_rate == pytest.approx(0.01)
    assert loaded.metrics_names == ["accuracy"]
    for model_ in (model, loaded):
        nn.utils.set_random_seed(5)
        model_.fit(x, y, epochs=1, batch_size=16, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert nn.models.load_model(path).count_params() == model.count_params()


def test_file_holds_arrays_and_a_json_config_without_pickle(tmp_path):
    path = tmp_path / "model.npz"
    trained_model().save(path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    assert all(a.dtype != object for a in arrays.values())
    config = json.loads(arrays["config.json"].tobytes().decode())
    assert config["format"] == "chainrule.nn" and config["compile_config"]["loss"] == "sparse_categorical_crossentropy"
    assert [w["name"] for w in config["weights"]][:2] == ["dense/kernel", "dense/bias"]


def test_uncompiled_and_unbuilt_models_save_too(tmp_path):
    nn.Sequential([Dense(2)]).save(tmp_path / "unbuilt.npz")
    assert nn.load_model(tmp_path / "unbuilt.npz").weights == []
    nn.Sequential([Input(shape=(2,)), Dense(2)]).save(tmp_path / "plain.npz")
    assert not nn.load_model(tmp_path / "plain.npz").compiled


def test_weights_round_trip_and_architecture_checks(tmp_path):
    x, _ = data()
    model = trained_model()
    path = tmp_path / "weights.npz"
    model.save_weights(path)
    twin = nn.Sequential([Input(shape=(5,)), Dense(8, activation="relu"), Dropout(0.1), PReLU(),
                          Dense(3, activation="softmax")])
    twin.load_weights(path)
    np.testing.assert_array_equal(twin.predict(x), model.predict(x))
    with pytest.raises(ValueError, match="holds 5 weights.*has 2"):
        nn.Sequential([Input(shape=(5,)), Dense(3)]).load_weights(path)
    wider = nn.Sequential([Input(shape=(5,)), Dense(9), Dropout(0.1), PReLU(), Dense(3)])
    with pytest.raises(ValueError, match=r"shape \(5, 8\).*shape \(5, 9\)"):
        wider.load_weights(path)
    with pytest.raises(ValueError, match="load_weights"):
        nn.load_model(path)


def test_load_weights_builds_an_unbuilt_model_from_a_full_save(tmp_path):
    x, _ = data()
    model = trained_model()
    model.save(tmp_path / "model.npz")
    lazy = nn.Sequential([Dense(8, activation="relu"), Dropout(0.1), PReLU(), Dense(3, activation="softmax")])
    lazy.load_weights(tmp_path / "model.npz")
    np.testing.assert_array_equal(lazy.predict(x), model.predict(x))
    model.save_weights(tmp_path / "weights_only.npz")
    with pytest.raises(ValueError, match="not built"):
        nn.Sequential([Dense(8)]).load_weights(tmp_path / "weights_only.npz")


class ObjectWeight(Layer):
    """A layer whose weight cannot be written without pickle: saving fails half-way through."""

    def build(self, input_shape):
        # Tensors refuse objects now, so the hostile weight is wrapped past every check
        self.w = ag.Tensor._make(np.array([object(), object()], dtype=object), False, None)
        self._non_trainable_weights.append(self.w)  # what add_weight does, with values no dtype check allows

    def call(self, inputs, training=None):
        return inputs


def test_a_save_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "model.npz"
    trained_model().save(path)
    before = path.read_bytes()
    broken = nn.Sequential([Input(shape=(3,)), Dense(2), ObjectWeight()])
    with pytest.raises(ValueError):
        broken.save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


def test_a_config_that_is_not_json_fails_before_touching_the_file(tmp_path):
    path = tmp_path / "model.npz"
    trained_model().save(path)
    before = path.read_bytes()
    model = nn.Sequential([Input(shape=(3,)), Dense(2, activation=lambda t: t)])
    with pytest.raises(ValueError, match="custom activation"):
        model.save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


def test_missing_truncated_corrupted_and_foreign_files_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved model"):
        nn.load_model(tmp_path / "nothing.npz")
    good = tmp_path / "good.npz"
    trained_model().save(good)
    raw = good.read_bytes()
    cases = {"truncated.npz": raw[: len(raw) // 2], "text.npz": b"hello, not a model",
             "corrupted.npz": raw[:200] + bytes(255 - b for b in raw[200:400]) + raw[400:]}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match="not a readable chainrule model file"):
            nn.load_model(tmp_path / name)
    np.savez(tmp_path / "foreign.npz", a=np.ones(3))
    np.save(tmp_path / "array.npy", np.ones(3))
    for name in ("foreign.npz", "array.npy"):
        with pytest.raises(ValueError, match="not a readable chainrule model file"):
            nn.load_model(tmp_path / name)


def rewrite_config(path, edit):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    config = json.loads(arrays["config.json"].tobytes().decode())
    edit(config)
    arrays["config.json"] = np.frombuffer(json.dumps(config).encode(), dtype=np.uint8)
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in arrays.items():
            with archive.open(f"{key}.npy", "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def test_config_naming_an_unknown_layer_class_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    trained_model().save(path)
    rewrite_config(path, lambda c: c["model_config"]["layers"][0].update(class_name="os.system"))
    with pytest.raises(ValueError, match="unknown layer class 'os.system'"):
        nn.load_model(path)
    rewrite_config(path, lambda c: c.update(version=99))
    with pytest.raises(ValueError, match="version 99"):
        nn.load_model(path)


def test_unexpected_layer_arguments_are_refused(tmp_path):
    path = tmp_path / "model.npz"
    trained_model().save(path)
    rewrite_config(path, lambda c: c["model_config"]["layers"][0]["config"].update(evil="x"))
    with pytest.raises(nn.saving.ModelFileError, match=r"architecture could not be rebuilt.*unknown keyword arguments \['evil'\]"):
        nn.load_model(path)


def test_the_file_names_its_model_class_and_older_files_load_as_sequential(tmp_path):
    path = tmp_path / "model.npz"
    trained_model().save(path)
    rewrite_config(path, lambda c: c.pop("model_class"))  # as files written before it was recorded
    assert isinstance(nn.load_model(path), nn.Sequential)
    rewrite_config(path, lambda c: c.update(model_class="subprocess.Popen"))
    with pytest.raises(ValueError, match="unknown model class 'subprocess.Popen'.*Sequential"):
        nn.load_model(path)


def test_a_saved_file_gets_the_mode_the_umask_allows_and_the_umask_is_left_alone(tmp_path):
    previous = os.umask(0o027)
    try:
        trained_model().save(tmp_path / "model.npz")
        assert os.umask(0o027) == 0o027  # nobody changed it meanwhile
    finally:
        os.umask(previous)
    assert os.stat(tmp_path / "model.npz").st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left
