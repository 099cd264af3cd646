"""model.export(path, format="onnx"): the file passes onnx.checker and ONNX Runtime predicts what
we predict, within 1e-5, for batch sizes never seen before."""
import numpy as np
import pytest

import nn

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
L = nn.layers


def models():
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
        "global_max": (nn.Sequential([nn.Input((5, 5, 2)), L.GlobalMaxPooling2D(), L.ELU(), L.ReLU()]), (5, 5, 2)),
    }


@pytest.mark.parametrize("kind", list(models()))
def test_onnx_runtime_predicts_what_we_predict(tmp_path, kind):
    rng = np.random.default_rng(1)
    model, sample = models()[kind]
    for weight in model.weights:  # not the initial values: moving statistics and biases matter too
        weight.data = (rng.uniform(0.5, 1.5, size=weight.shape) if "variance" in weight.name
                       else rng.normal(scale=0.5, size=weight.shape)).astype(np.float32)
    model.export(tmp_path / "m.onnx", format="onnx")
    saved = onnx.load(tmp_path / "m.onnx")
    onnx.checker.check_model(saved, full_check=True)
    assert saved.opset_import[0].version >= 17
    assert saved.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    for batch in (1, 5, 17):
        if sample == "tokens":
            x = rng.integers(0, 10, size=(batch, 7))
            fed = x.astype(np.int64)
        else:
            x = rng.normal(size=(batch, *sample))
            fed = x.astype(np.float32)
        np.testing.assert_allclose(session.run(None, {"inputs": fed})[0], model.predict(x, verbose=0), atol=1e-5)


def test_an_unsupported_layer_is_named(tmp_path):
    model = nn.Sequential([nn.Input((4, 3)), L.RNN(L.LSTMCell(2))])
    with pytest.raises(ValueError, match=r"no ONNX conversion for layer 'rnn.*' \(RNN\)"):
        model.export(tmp_path / "m.onnx", format="onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_an_unsupported_setting_is_named(tmp_path):
    model = nn.Sequential([nn.Input((4, 3)), L.LSTM(2, go_backwards=True)])
    with pytest.raises(ValueError, match=r"layer 'lstm.*' \(LSTM\): go_backwards=True"):
        model.export(tmp_path / "m.onnx", format="onnx")


def test_only_the_onnx_format_is_known(tmp_path):
    model = nn.Sequential([nn.Input((3,)), L.Dense(2)])
    with pytest.raises(ValueError, match="format='onnx' only, not 'tf_saved_model'"):
        model.export(tmp_path / "m", format="tf_saved_model")


def test_without_onnx_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # makes `import onnx` fail as if not installed
    with pytest.raises(ImportError, match=r"pip install chainrule\[onnx\]"):
        nn.Sequential([nn.Input((3,)), L.Dense(2)]).export(tmp_path / "m.onnx", format="onnx")
