"""Weight constraints in Keras 3 files, both ways, checked against real Keras (torch backend)."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402

import nn  # noqa: E402
from nn import constraints  # noqa: E402

pytest.importorskip("h5py")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


def test_our_constraint_arrives_in_keras(tmp_path):
    model = nn.Sequential([nn.Input((3,)), nn.layers.Dense(2, kernel_constraint=constraints.MaxNorm(1.5),
                                                           bias_constraint="non_neg")])
    model.save(tmp_path / "ours.keras")
    dense = keras.models.load_model(tmp_path / "ours.keras").layers[0]
    assert isinstance(dense.kernel_constraint, keras.constraints.MaxNorm)
    assert dense.kernel_constraint.get_config() == {"max_value": 1.5, "axis": 0}
    assert isinstance(dense.bias_constraint, keras.constraints.NonNeg)
    assert dense.kernel.constraint is dense.kernel_constraint  # Keras's optimizer will apply it


def test_a_keras_constraint_arrives_here(tmp_path):
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(2, kernel_constraint=keras.constraints.MaxNorm(1.5)),
                              keras.layers.Dense(1, kernel_constraint=keras.constraints.UnitNorm(axis=[0, 1]))])
    model.save(tmp_path / "keras.keras")
    first, second = nn.load_model(tmp_path / "keras.keras").layers
    assert type(first.kernel_constraint) is constraints.MaxNorm and first.kernel_constraint.max_value == 1.5
    assert first.weight_constraints == {first.kernel: first.kernel_constraint}
    assert type(second.kernel_constraint) is constraints.UnitNorm and second.kernel_constraint.axis == [0, 1]
    assert first.bias_constraint is None


def test_every_constraint_argument_goes_to_keras_and_back(tmp_path):
    unit, max_norm = constraints.UnitNorm(axis=[0, 1, 2]), constraints.MaxNorm(2.5, axis=1)
    model = nn.Sequential([
        nn.Input((6, 6, 2)),
        nn.layers.Conv2D(3, 2, kernel_constraint=unit, bias_constraint="non_neg"),
        nn.layers.DepthwiseConv2D(2, depthwise_constraint=unit),
        nn.layers.SeparableConv2D(2, 2, depthwise_constraint=unit, pointwise_constraint=max_norm),
        nn.layers.Conv2DTranspose(2, 2, kernel_constraint=unit),
        nn.layers.BatchNormalization(gamma_constraint=constraints.MinMaxNorm(0.5, 2.0, 0.5), beta_constraint="non_neg"),
        nn.layers.Reshape((-1, 2)),
        nn.layers.LayerNormalization(gamma_constraint="non_neg"),
        nn.layers.PReLU(alpha_constraint="non_neg"),
        nn.layers.GRU(3, return_sequences=True, kernel_constraint=max_norm, recurrent_constraint="unit_norm"),
        nn.layers.LSTM(2, bias_constraint="non_neg"),
    ])
    model.save(tmp_path / "ours.keras")
    in_keras = keras.models.load_model(tmp_path / "ours.keras")
    gru = in_keras.layers[8]
    assert isinstance(gru.cell.recurrent_constraint, keras.constraints.UnitNorm)
    assert gru.cell.kernel_constraint.get_config() == {"max_value": 2.5, "axis": 1}
    assert isinstance(in_keras.layers[4].gamma_constraint, keras.constraints.MinMaxNorm)
    in_keras.save(tmp_path / "keras.keras")
    back = nn.load_model(tmp_path / "keras.keras")
    for ours, again in zip(model.layers, back.layers):
        mine = {k: v for k, v in ours.get_config().items() if k.endswith("_constraint")}
        assert mine == {k: v for k, v in again.get_config().items() if k.endswith("_constraint")}, ours.name
    def constrained(m):
        return sorted((w.name, type(c).__name__) for w, c in m.weight_constraints.items())

    assert len(constrained(model)) == 13 and constrained(back) == constrained(model)
