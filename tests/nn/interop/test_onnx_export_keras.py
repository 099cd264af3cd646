"""The ONNX file of a functional model computes what Keras 3 computes: the same graph built in
Keras (torch backend) and here, Keras's weights copied over layer by layer, our export run by
ONNX Runtime equals Keras's predict within 1e-5. Its graph inputs are named and shaped as in the
file Keras 3.15's own ``export(format="onnx")`` writes (Keras names its outputs by number; ours
are named after the layers that make them)."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nn  # noqa: E402

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
keras = pytest.importorskip("keras")
# Keras 3.15's get_weights() calls np.array on its torch variables, which numpy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


def two_tower_model(library):
    """A two-input, two-output model with self-attention, a residual Add, a shared Dense, Dot
    and Concatenate, written the same way for `library` (keras or nn)."""
    layers = library.layers
    sequence = library.Input(shape=(5, 6), name="sequence")
    features = library.Input(shape=(4,), name="features")
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="attention")(sequence, sequence,
                                                                                     use_causal_mask=True)
    residual = layers.LayerNormalization(name="norm")(layers.Add(name="residual")([sequence, attended]))
    pooled = layers.GlobalAveragePooling1D(name="pool")(residual)
    shared = layers.Dense(6, activation="tanh", name="shared")
    left, right = shared(pooled), shared(layers.Dense(6, name="lift")(features))
    similarity = layers.Dot(axes=1, normalize=True, name="similarity")([left, right])
    joined = layers.Concatenate(name="joined")([left, right, similarity])
    return library.Model([sequence, features],
                         [layers.Dense(1, activation="sigmoid", name="score")(joined),
                          layers.Dense(3, activation="softmax", name="category")(layers.Maximum(name="max")([left,
                                                                                                              right]))])


def test_onnx_runtime_matches_keras_on_the_same_functional_model(tmp_path):
    theirs, ours = two_tower_model(keras), two_tower_model(nn)
    rng = np.random.default_rng(0)
    for layer in theirs.layers:
        weights = [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
        layer.set_weights(weights)
        ours.get_layer(layer.name).set_weights(weights)
    ours.export(tmp_path / "m.onnx", format="onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    for batch in (1, 7):
        sequence = rng.normal(size=(batch, 5, 6)).astype(np.float32)
        features = rng.normal(size=(batch, 4)).astype(np.float32)
        expected = theirs.predict([sequence, features], verbose=0)
        got = session.run(None, {"sequence": sequence, "features": features})
        assert [output.name for output in session.get_outputs()] == ["score", "category"]
        for runtime, keras_output in zip(got, expected):
            np.testing.assert_allclose(runtime, keras_output, atol=1e-5)



def concatenated_model(library):
    left, right = library.Input(shape=(3,), name="left"), library.Input(shape=(2, 2), name="right")
    joined = library.layers.Concatenate()([left, library.layers.Flatten()(right)])
    return library.Model([left, right], [library.layers.Dense(1, name="score")(joined),
                                         library.layers.Dense(2, name="category")(left)])


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore:Converting a tensor to a Python")  # Keras's exporter
def test_the_graph_inputs_are_named_as_keras_3_names_them(tmp_path):
    onnx = pytest.importorskip("onnx")
    theirs = concatenated_model(keras)
    theirs.predict([np.zeros((1, 3)), np.zeros((1, 2, 2))], verbose=0)  # Keras exports only a model it has run
    theirs.export(tmp_path / "keras.onnx", format="onnx", verbose=False)
    concatenated_model(nn).export(tmp_path / "ours.onnx", format="onnx")
    inputs = [[(put.name, [d.dim_param or d.dim_value for d in put.type.tensor_type.shape.dim])
               for put in onnx.load(tmp_path / name).graph.input] for name in ("keras.onnx", "ours.onnx")]
    assert inputs[0] == inputs[1] == [("left", ["batch", 3]), ("right", ["batch", 2, 2])]
