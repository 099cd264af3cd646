"""The optimizer's running state in .keras files, checked against real Keras 3 (torch backend) both
ways: trained here, one more step in Keras equals one more step here; trained in Keras, one more
step here equals one more step there."""
import io
import os
import warnings
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402
import optim  # noqa: E402

h5py = pytest.importorskip("h5py")
keras = pytest.importorskip("keras")
# Keras 3.15's get_weights() calls np.array on its torch variables, which numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = RNG.normal(size=(16, 2)).astype("float32")

# Each optimizer built from a module (optim or keras.optimizers), with the same settings both sides.
OPTIMIZERS = {
    "Adam": lambda module: module.Adam(0.01),
    "Adam amsgrad": lambda module: module.Adam(0.01, amsgrad=True),
    "AdamW": lambda module: module.AdamW(0.01, weight_decay=0.01),
    "SGD momentum": lambda module: module.SGD(0.05, momentum=0.9),
    "SGD": lambda module: module.SGD(0.05),
    "RMSprop": lambda module: module.RMSprop(0.01),
    "RMSprop momentum centered": lambda module: module.RMSprop(0.01, momentum=0.5, centered=True),
    "Adamax": lambda module: module.Adamax(0.01),
    "Nadam": lambda module: module.Nadam(0.01),
    "Adagrad": lambda module: module.Adagrad(0.05),
    "Adam schedule": lambda module: module.Adam(module.schedules.ExponentialDecay(0.01, 3, 0.5)),
}


def ours_trained(make):
    model = nn.Sequential([nn.Input((3,)), nn.layers.Dense(4), nn.layers.Dense(2)])
    model.compile(optimizer=make(optim), loss="mse")
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    return model


def keras_trained(make, epochs=2):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.compile(optimizer=make(keras.optimizers), loss="mse")
    if epochs:
        model.fit(X, Y, epochs=epochs, batch_size=8, verbose=0, shuffle=False)
    return model


def one_more_step(model):
    model.fit(X[:8], Y[:8], epochs=1, batch_size=8, verbose=0, shuffle=False)
    return [np.asarray(w) for w in model.get_weights()]


def assert_same_weights(ours, theirs):
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=0)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_keras_resumes_training_from_our_file(tmp_path, name):
    ours = ours_trained(OPTIMIZERS[name])
    ours.save(tmp_path / "m.keras")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        theirs = keras.models.load_model(tmp_path / "m.keras")
    assert not [w for w in caught if "Skipping variable loading" in str(w.message)]
    assert int(theirs.optimizer.iterations) == ours.optimizer.iterations == 4
    assert_same_weights(one_more_step(ours), one_more_step(theirs))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_we_resume_training_from_a_keras_file(tmp_path, name):
    theirs = keras_trained(OPTIMIZERS[name])
    theirs.save(tmp_path / "m.keras")
    ours = nn.load_model(tmp_path / "m.keras")
    assert ours.optimizer.iterations == 4
    assert_same_weights(one_more_step(ours), one_more_step(theirs))


def test_the_state_read_is_the_one_saved_not_a_fresh_one(tmp_path):
    theirs = keras_trained(OPTIMIZERS["Adam"])
    theirs.save(tmp_path / "m.keras")
    momentum = np.asarray(theirs.optimizer.variables[2])  # the first kernel's momentum
    ours = nn.load_model(tmp_path / "m.keras")
    kernel = ours.trainable_weights[0]
    assert np.abs(momentum).max() > 0
    np.testing.assert_array_equal(ours.optimizer.state[kernel]["momentum"], momentum)


def test_a_learning_rate_changed_in_training_comes_back(tmp_path):
    theirs = keras_trained(OPTIMIZERS["SGD momentum"])
    theirs.optimizer.learning_rate = 0.02
    theirs.save(tmp_path / "m.keras")
    assert nn.load_model(tmp_path / "m.keras").optimizer.learning_rate == pytest.approx(0.02)


def test_a_compiled_keras_model_that_never_trained_loads_with_a_fresh_state_silently(tmp_path):
    keras_trained(OPTIMIZERS["Adam"], epochs=0).save(tmp_path / "m.keras")  # no slots yet
    assert len(optimizer_vars(tmp_path / "m.keras")) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = nn.load_model(tmp_path / "m.keras")
    assert ours.optimizer.iterations == 0 and not ours.optimizer.state


def optimizer_vars(path):
    with zipfile.ZipFile(path) as archive:
        file = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    return {name: file["optimizer/vars"][name][()] for name in file["optimizer/vars"]}


def rewrite_weights(path, change):
    """Apply `change` to the archive's model.weights.h5, open as an h5py File."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    weights = io.BytesIO(members["model.weights.h5"])
    with h5py.File(weights, "a") as file:
        change(file)
    members["model.weights.h5"] = weights.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def rewrite_optimizer_vars(path, change):
    """Apply `change` to the ``{index: array}`` of the archive's optimizer variables."""
    def rewrite(file):
        group = file["optimizer/vars"]
        values = {name: group[name][()] for name in group}
        change(values)
        for name in list(group):
            del group[name]
        for name, value in values.items():
            group.create_dataset(name, data=value)
    rewrite_weights(path, rewrite)


def test_our_file_holds_kerass_layout(tmp_path):
    ours_trained(OPTIMIZERS["RMSprop momentum centered"]).save(tmp_path / "m.keras")
    shapes = [np.shape(value) for _, value in sorted(optimizer_vars(tmp_path / "m.keras").items(),
                                                      key=lambda item: int(item[0]))]
    weights = [(3, 4), (4,), (4, 2), (2,)]
    assert shapes == [(), (), *weights, *weights, *weights]  # velocities, momentums, average gradients


def test_a_wrong_shape_names_the_optimizer_variable(tmp_path):
    keras_trained(OPTIMIZERS["Adam"]).save(tmp_path / "m.keras")
    rewrite_optimizer_vars(tmp_path / "m.keras", lambda values: values.update({"3": np.zeros((5, 4), "float32")}))
    with pytest.raises(ValueError, match=r"optimizer variable 3 \('dense.*velocity'\) of Adam has shape \(5, 4\)"):
        nn.load_model(tmp_path / "m.keras")


def test_a_wrong_count_starts_afresh_with_a_warning_as_keras_does(tmp_path):
    keras_trained(OPTIMIZERS["SGD momentum"]).save(tmp_path / "m.keras")
    rewrite_optimizer_vars(tmp_path / "m.keras", lambda values: values.pop("5"))
    with pytest.warns(UserWarning, match=r"SGD 'sgd[_0-9]*' keeps 6 variables .* the file holds 5; it starts afresh"):
        ours = nn.load_model(tmp_path / "m.keras")
    assert ours.optimizer.iterations == 0 and not ours.optimizer.state


def test_a_negative_step_count_is_refused(tmp_path):
    keras_trained(OPTIMIZERS["SGD"]).save(tmp_path / "m.keras")
    rewrite_optimizer_vars(tmp_path / "m.keras", lambda values: values.update({"0": np.int32(-3)}))
    with pytest.raises(ValueError, match=r"optimizer variable 0 \(iteration\) of SGD is -3"):
        nn.load_model(tmp_path / "m.keras")


def test_an_optimizer_without_a_keras_layout_is_not_written_and_says_so(tmp_path):
    class Sparse(optim.Adam):
        """An optimizer of one's own: its state has no Keras layout."""

    model = nn.Sequential([nn.Input((3,)), nn.layers.Dense(2)])
    model.compile(optimizer=Sparse(0.01), loss="mse")
    with pytest.warns(UserWarning, match=r"Sparse 'sparse': its running state is not written"):
        model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert "optimizer" not in h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")


def test_an_array_in_place_of_the_optimizer_group_is_refused(tmp_path):
    keras_trained(OPTIMIZERS["SGD"]).save(tmp_path / "m.keras")

    def replace_group(file):
        del file["optimizer/vars"]
        file["optimizer"].create_dataset("vars", data=np.zeros(3))
    rewrite_weights(tmp_path / "m.keras", replace_group)
    with pytest.raises(ValueError, match=r"an array where the group of the optimizer's variables"):
        nn.load_model(tmp_path / "m.keras")


def branching_model(library):
    """Two branches, a model inside and a frozen layer: Keras's order of the trainable variables."""
    layers = library.layers
    inputs = library.Input((3,))
    inner = library.Sequential([library.Input((5,)), layers.Dense(4)], name="inner")
    frozen = layers.Dense(3, name="frozen")
    merged = layers.Concatenate()([layers.Dense(4, name="a")(inputs), inner(layers.Dense(5, name="b")(inputs))])
    frozen.trainable = False
    return library.Model(inputs, layers.Dense(2, name="out")(frozen(merged)))


def test_a_functional_model_with_a_model_inside_resumes_both_ways(tmp_path):
    theirs = branching_model(keras)
    theirs.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    theirs.fit(X, Y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    theirs.save(tmp_path / "k.keras")
    ours = nn.load_model(tmp_path / "k.keras")
    assert_same_weights(one_more_step(ours), one_more_step(theirs))
    ours.save(tmp_path / "o.keras")
    back = keras.models.load_model(tmp_path / "o.keras")
    assert_same_weights(one_more_step(ours), one_more_step(back))
