"""model.export(path, format="onnx"): the file passes onnx.checker and ONNX Runtime predicts what
we predict, within 1e-5, for batch sizes never seen before."""
import numpy as np
import pytest

import nn

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
L = nn.layers


def models():
    """name -> (model, what it reads): a sample shape, "tokens" (7 indices below 10, 0 as padding)
    or "padded" (6 steps of 3 features, steps of zeros as padding)."""
    return {
        "mlp": (nn.Sequential([nn.Input((6,)), L.Dense(8, activation="gelu"), L.Dropout(0.2),
                               L.Dense(4, activation="silu"), L.Dense(3, activation="softmax")]), (6,)),
        "cnn": (nn.Sequential([nn.Input((9, 9, 3)), L.Conv2D(4, 3, padding="same", strides=2, activation="relu"),
                               L.BatchNormalization(), L.MaxPooling2D(padding="same"), L.Conv2D(2, 2),
                               L.AveragePooling2D(1), L.Flatten(), L.Dense(2)]), (9, 9, 3)),
        "embedding_lstm": (nn.Sequential([nn.Input((7,)), L.Embedding(10, 4), L.LSTM(3, return_sequences=True),
                                          L.GRU(5, return_sequences=True), L.SimpleRNN(2),
                                          L.Dense(1, activation="sigmoid")]), "tokens"),
        "conv1d": (nn.Sequential([nn.Input((10, 4)), L.LayerNormalization(),
                                  L.Conv1D(3, 3, padding="causal", dilation_rate=2), L.LeakyReLU(), L.MaxPooling1D(2),
                                  L.Conv1D(2, 2, padding="same"), L.GlobalAveragePooling1D(), L.Reshape((2, 1)),
                                  L.Flatten(), L.Rescaling(0.5, 1.0), L.Softmax()]), (10, 4)),
        "bidirectional": (nn.Sequential([nn.Input((6, 3)), L.Bidirectional(L.LSTM(3, return_sequences=True)),
                                         L.Bidirectional(L.SimpleRNN(2, return_sequences=True)),
                                         L.Bidirectional(L.GRU(2)), L.Dense(2)]), (6, 3)),
        "inference_identities": (nn.Sequential([nn.Input((4, 3)), L.Activation("tanh"), L.SpatialDropout1D(0.5),
                                                L.GaussianNoise(1.0), L.ActivityRegularization(0.1),
                                                L.Reshape((2, 2, 3)), L.SpatialDropout2D(0.3),
                                                L.Activation("linear")]), (4, 3)),
        "pooling_1d": (nn.Sequential([nn.Input((9, 2)), L.AveragePooling1D(2, padding="same"),
                                      L.GlobalMaxPooling1D(keepdims=True), L.Reshape((1, 1, 2)),
                                      L.GlobalAveragePooling2D()]), (9, 2)),
        "global_max": (nn.Sequential([nn.Input((5, 5, 2)), L.GlobalMaxPooling2D(), L.ELU(), L.ReLU()]), (5, 5, 2)),
        "conv2d_transpose": (nn.Sequential([nn.Input((5, 4, 3)), L.Conv2DTranspose(2, 3, strides=2, padding="same"),
                                            L.Conv2DTranspose(3, 2, strides=3),
                                            L.Conv2DTranspose(2, (3, 2), padding="same", dilation_rate=2,
                                                              activation="relu")]), (5, 4, 3)),
        "conv2d_transpose_output_padding": (nn.Sequential([
            nn.Input((4, 4, 2)), L.Conv2DTranspose(2, 2, strides=3, padding="same"),
            L.Conv2DTranspose(2, 4, strides=2, output_padding=(1, 0), use_bias=False),
            L.Conv2DTranspose(1, 3, strides=2, padding="same", output_padding=1)]), (4, 4, 2)),
        "depthwise_conv2d": (nn.Sequential([nn.Input((9, 8, 3)),
                                            L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", strides=2),
                                            L.DepthwiseConv2D(2, dilation_rate=2, use_bias=False,
                                                              activation="relu")]), (9, 8, 3)),
        "separable_conv2d": (nn.Sequential([nn.Input((7, 6, 3)),
                                            L.SeparableConv2D(4, 2, depth_multiplier=2, activation="tanh"),
                                            L.SeparableConv2D(2, 3, padding="same", strides=2, use_bias=False)]),
                             (7, 6, 3)),
        "zero_padding_cropping_2d": (nn.Sequential([nn.Input((4, 5, 2)), L.ZeroPadding2D(((1, 2), (0, 3))),
                                                    L.Cropping2D(((0, 1), (2, 1))), L.ZeroPadding2D(),
                                                    L.Cropping2D(1)]), (4, 5, 2)),
        "zero_padding_cropping_1d": (nn.Sequential([nn.Input((5, 2)), L.ZeroPadding1D((2, 1)), L.Cropping1D((1, 0)),
                                                    L.ZeroPadding1D(), L.Cropping1D()]), (5, 2)),
        "up_sampling_2d": (nn.Sequential([nn.Input((3, 4, 2)), L.UpSampling2D((2, 3)), L.UpSampling2D()]), (3, 4, 2)),
        "up_sampling_1d": (nn.Sequential([nn.Input((4, 3)), L.UpSampling1D(3)]), (4, 3)),
        "permute": (nn.Sequential([nn.Input((2, 3, 4)), L.Permute((3, 1, 2)), L.Permute((2, 1, 3))]), (2, 3, 4)),
        "repeat_vector": (nn.Sequential([nn.Input((5,)), L.RepeatVector(4), L.SimpleRNN(2)]), (5,)),
        "prelu": (nn.Sequential([nn.Input((3, 4)), L.PReLU(), L.PReLU(shared_axes=[1])]), (3, 4)),
        "normalization": (nn.Sequential([nn.Input((3, 4)), L.Normalization(), L.Normalization(axis=None, invert=True),
                                         L.Normalization(axis=(1, 2))]), (3, 4)),
        "relu_options": (nn.Sequential([nn.Input((8,)), L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2),
                                        L.ReLU(max_value=6.0), L.ReLU(threshold=0.1)]), (8,)),
        "softmax_over_axes": (nn.Sequential([nn.Input((3, 4)), L.Softmax(axis=[1, 2])]), (3, 4)),
        "rnn_over_cells": (nn.Sequential([nn.Input((5, 3)), L.RNN(L.LSTMCell(3), return_sequences=True),
                                          L.RNN(L.GRUCell(2), return_sequences=True),
                                          L.RNN(L.SimpleRNNCell(2))]), (5, 3)),
        "go_backwards": (nn.Sequential([nn.Input((5, 3)), L.GRU(2, go_backwards=True, return_sequences=True),
                                        L.LSTM(2, go_backwards=True, return_sequences=True),
                                        L.SimpleRNN(2, go_backwards=True)]), (5, 3)),
        "bidirectional_merge_modes": (nn.Sequential([
            nn.Input((5, 3)), L.Bidirectional(L.SimpleRNN(2, return_sequences=True), merge_mode="ave"),
            L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="mul"),
            L.Bidirectional(L.LSTM(2), merge_mode="sum")]), (5, 3)),
        "masking": (nn.Sequential([nn.Input((6, 3)), L.Masking(), L.GaussianNoise(0.1),
                                   L.LSTM(4, return_sequences=True),
                                   L.GRU(3, return_sequences=True, zero_output_for_mask=True),
                                   L.SimpleRNN(2, return_sequences=True), L.GlobalAveragePooling1D()]), "padded"),
        "masking_last_output": (nn.Sequential([nn.Input((6, 3)), L.Masking(), L.GRU(3, go_backwards=True,
                                                                                    return_sequences=True),
                                               L.LSTM(2, zero_output_for_mask=True)]), "padded"),
        "embedding_mask_zero": (nn.Sequential([nn.Input((7,)), L.Embedding(10, 4, mask_zero=True), L.Dense(3),
                                               L.LSTM(3, return_sequences=True),
                                               L.Bidirectional(L.GRU(2, return_sequences=True)),
                                               L.Bidirectional(L.SimpleRNN(2), merge_mode="sum")]), "tokens"),
        "embedding_mask_zero_pooling": (nn.Sequential([nn.Input((7,)), L.Embedding(10, 4, mask_zero=True),
                                                       L.Dropout(0.1), L.PReLU(),
                                                       L.GlobalAveragePooling1D(keepdims=True)]), "tokens"),
    }


def sample_batch(rng, sample, batch):
    """Inputs for `batch` samples; padding sits at the end and in the middle of a sequence."""
    if sample == "tokens":
        x = rng.integers(1, 10, size=(batch, 7))
        x[:, -2:] = 0
        x[0, 2] = 0
        return x, x.astype(np.int64)
    shape = (6, 3) if sample == "padded" else sample
    x = rng.normal(size=(batch, *shape))
    if sample == "padded":
        x[:, -1] = 0.0
        x[0, 1] = 0.0
        x[-1, 0] = 0.0
    return x, x.astype(np.float32)


@pytest.mark.parametrize("kind", list(models()))
def test_onnx_runtime_predicts_what_we_predict(tmp_path, kind):
    rng = np.random.default_rng(1)
    model, sample = models()[kind]
    for weight in model.weights:  # not the initial values: moving statistics and biases matter too
        weight.data = (rng.uniform(0.5, 1.5, size=weight.shape) if "variance" in weight.name
                       else rng.normal(scale=0.5, size=weight.shape)).astype(weight.dtype)
    model.export(tmp_path / "m.onnx", format="onnx")
    saved = onnx.load(tmp_path / "m.onnx")
    onnx.checker.check_model(saved, full_check=True)
    assert saved.opset_import[0].version >= 17
    assert saved.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    for batch in (1, 5, 17):
        x, fed = sample_batch(rng, sample, batch)
        np.testing.assert_allclose(session.run(None, {"inputs": fed})[0], model.predict(x, verbose=0), atol=1e-5)


# Layers that take several inputs (a list, or query and value): a Sequential cannot hold them, so
# their conversion waits for the walk over functional models. The merge layers (Add, Concatenate,
# ...) come with the functional API.
SEVERAL_INPUTS = {"Attention", "AdditiveAttention", "MultiHeadAttention", "Add", "Subtract", "Multiply", "Average",
                  "Maximum", "Minimum", "Concatenate", "Dot"}
NOT_LAYERS_OF_A_MODEL = {"Layer", "InputLayer", "LSTMCell", "GRUCell", "SimpleRNNCell"}


def test_every_single_input_layer_class_has_a_conversion():
    from nn.interop import onnx_layers

    classes = {name for name in L.__all__ if isinstance(getattr(L, name), type) and issubclass(getattr(L, name), L.Layer)}
    missing = classes - NOT_LAYERS_OF_A_MODEL - SEVERAL_INPUTS - set(onnx_layers.CONVERTERS)
    assert not missing, f"no ONNX conversion for {sorted(missing)}: add one to nn/interop/onnx_layers.py"


def test_every_layer_class_with_a_conversion_is_tested():
    from nn.interop import onnx_layers

    tested = {type(layer).__name__ for model, _ in models().values() for layer in model.layers}
    tested |= {type(layer.forward_layer).__name__ for model, _ in models().values() for layer in model.layers
               if isinstance(layer, L.Bidirectional)}
    assert not set(onnx_layers.CONVERTERS) - tested, sorted(set(onnx_layers.CONVERTERS) - tested)


class Doubling(L.Layer):
    """A layer of the user's own, which no converter knows."""

    def call(self, inputs, training=None):
        return inputs * 2.0


def test_an_unsupported_layer_is_named(tmp_path):
    model = nn.Sequential([nn.Input((4, 3)), L.Dense(2), Doubling(name="twice")])
    with pytest.raises(ValueError, match=r"no ONNX conversion for layer 'twice' \(Doubling\)"):
        model.export(tmp_path / "m.onnx", format="onnx")
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("input_shape, layers, message", [
    ((4, 3), [L.LSTM(2, return_state=True)], r"layer 'lstm.*' \(LSTM\): return_state=True"),
    ((4, 3), [L.GRU(2, reset_after=False)], r"layer 'gru.*' \(GRU\): only reset_after=True"),
    ((4, 3), [L.SimpleRNN(2, activation="relu")], r"layer 'simple_rnn.*' \(SimpleRNN\): only activation='tanh'"),
    ((4, 3), [L.Bidirectional(L.LSTM(2), merge_mode=None)], r"\(Bidirectional\): merge_mode=None gives two outputs"),
    ((4, 3), [L.LayerNormalization(axis=1)], r"\(LayerNormalization\): only axis=-1"),
])
def test_an_unsupported_setting_is_named(tmp_path, input_shape, layers, message):
    model = nn.Sequential([nn.Input(input_shape), *layers])
    with pytest.raises(ValueError, match=message):
        model.export(tmp_path / "m.onnx", format="onnx")


def test_a_layer_that_reads_a_mask_it_cannot_export_is_named(tmp_path):
    model = nn.Sequential([nn.Input((5,)), L.Embedding(10, 4, mask_zero=True), L.Softmax()])
    with pytest.raises(ValueError, match=r"layer 'softmax.*' \(Softmax\) reads the mask of its input"):
        model.export(tmp_path / "m.onnx", format="onnx")


def test_a_layer_without_masking_support_ends_the_mask(tmp_path):
    """As in the model: after a layer that does not pass the mask on, padded steps count again."""
    model = nn.Sequential([nn.Input((6, 3)), L.Masking(), L.Conv1D(3, 2, padding="same"), L.LSTM(2)])
    model.export(tmp_path / "m.onnx", format="onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    x, fed = sample_batch(np.random.default_rng(2), "padded", 4)
    with pytest.warns(UserWarning, match="does not support masking"):
        expected = model.predict(x, verbose=0)
    np.testing.assert_allclose(session.run(None, {"inputs": fed})[0], expected, atol=1e-5)


def test_only_the_onnx_format_is_known(tmp_path):
    model = nn.Sequential([nn.Input((3,)), L.Dense(2)])
    with pytest.raises(ValueError, match="format='onnx' only, not 'tf_saved_model'"):
        model.export(tmp_path / "m", format="tf_saved_model")


def test_without_onnx_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # makes `import onnx` fail as if not installed
    with pytest.raises(ImportError, match=r"pip install chainrule\[onnx\]"):
        nn.Sequential([nn.Input((3,)), L.Dense(2)]).export(tmp_path / "m.onnx", format="onnx")
