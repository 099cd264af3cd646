"""model.export(path, format="onnx") for functional, nested and multi-input/multi-output models:
the file passes onnx.checker and ONNX Runtime predicts what we predict, within 1e-5, at two
batch sizes; shared layers store their weights once; what cannot be exported says why."""
import numpy as np
import pytest

import nn

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")
L = nn.layers
BATCHES = (1, 6)


def randomize(model, rng):
    """Weights away from their initial values (zero biases would hide a wrong bias)."""
    for weight in model.weights:
        weight.data = rng.normal(scale=0.5, size=weight.shape).astype(np.float32)


def sample(tensor, batch, rng):
    shape = (batch, *tensor.shape[1:])
    if np.dtype(tensor.dtype).kind in "iu":
        return rng.integers(0, 10, size=shape)
    return rng.normal(size=shape).astype(np.float32)


def exported_session(model, tmp_path):
    path = tmp_path / "m.onnx"
    model.export(path, format="onnx")
    saved = onnx.load(path)
    onnx.checker.check_model(saved, full_check=True)
    assert saved.opset_import[0].version >= 17
    assert all(put.type.tensor_type.shape.dim[0].dim_param == "batch" for put in [*saved.graph.input,
                                                                                   *saved.graph.output])
    return saved, onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def assert_runtime_matches(model, tmp_path, seed=0):
    """ONNX Runtime's outputs equal `model.predict`'s for random inputs at each of BATCHES."""
    rng = np.random.default_rng(seed)
    randomize(model, rng)
    saved, session = exported_session(model, tmp_path)
    assert [put.name for put in saved.graph.input] == model._input_names
    assert [put.name for put in saved.graph.output] == model.output_names
    for batch in BATCHES:
        xs = [sample(tensor, batch, rng) for tensor in model.inputs]
        feed = {name: x.astype(np.int64 if x.dtype.kind in "iu" else np.float32)
                for name, x in zip(model._input_names, xs)}
        ours = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ours = list(ours.values()) if isinstance(ours, dict) else ours if isinstance(ours, list) else [ours]
        theirs = session.run(None, feed)
        assert len(theirs) == len(ours)
        for mine, runtime in zip(ours, theirs):
            np.testing.assert_allclose(runtime, mine, atol=1e-5)
    return saved


def test_a_residual_block(tmp_path):
    inputs = nn.Input(shape=(6,), name="features")
    hidden = L.Dense(6, activation="relu")(inputs)
    outputs = L.Add()([inputs, L.Dense(6)(hidden)])
    assert_runtime_matches(nn.Model(inputs, L.Dense(2, activation="softmax")(outputs)), tmp_path)


def test_two_inputs_and_two_outputs_with_concatenate(tmp_path):
    left, right = nn.Input(shape=(4,), name="left"), nn.Input(shape=(3,), name="right")
    joined = L.Concatenate()([L.Dense(5, activation="tanh")(left), right])
    score = L.Dense(1, activation="sigmoid", name="score")(joined)
    category = L.Dense(3, activation="softmax", name="category")(joined)
    saved = assert_runtime_matches(nn.Model([left, right], [score, category]), tmp_path)
    assert [put.name for put in saved.graph.input] == ["left", "right"]
    assert [put.name for put in saved.graph.output] == ["score", "category"]


def test_dict_inputs_and_outputs_are_named_by_their_keys(tmp_path):
    a, b = nn.Input(shape=(3,), name="a"), nn.Input(shape=(3,), name="b")
    model = nn.Model({"a": a, "b": b}, {"total": L.Add()([a, b]), "product": L.Multiply()([a, b])})
    saved, session = exported_session(model, tmp_path)
    assert [put.name for put in saved.graph.output] == ["total", "product"]
    x, y = np.ones((2, 3), np.float32), np.full((2, 3), 2.0, np.float32)
    total, product = session.run(["total", "product"], {"a": x, "b": y})
    np.testing.assert_allclose(total, 3.0)
    np.testing.assert_allclose(product, 2.0)


@pytest.mark.parametrize("merge", [L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum,
                                   lambda: L.Concatenate(axis=1)])
def test_each_merge_layer(tmp_path, merge):
    a, b = nn.Input(shape=(3, 4), name="a"), nn.Input(shape=(3, 4), name="b")
    layer = merge()
    count = 2 if type(layer).__name__ == "Subtract" else 3
    branches = [L.Dense(4)(a), b, L.Dense(4, activation="relu")(b)][:count]
    assert_runtime_matches(nn.Model([a, b], layer(branches)), tmp_path)


def test_merge_layers_broadcast_a_size_of_one(tmp_path):
    a, b = nn.Input(shape=(3, 4), name="a"), nn.Input(shape=(1, 4), name="b")
    assert_runtime_matches(nn.Model([a, b], [L.Add()([a, b]), L.Maximum()([a, b]), L.Multiply()([b, a])]), tmp_path)


@pytest.mark.parametrize("shapes, axes, normalize", [
    (((5,), (5,)), 1, False), (((5,), (5,)), -1, True),
    (((3, 4), (2, 4)), 2, False), (((3, 4), (3, 2)), (1, 1), True), (((3, 4), (2, 3)), (1, 2), False),
])
def test_dot(tmp_path, shapes, axes, normalize):
    a, b = nn.Input(shape=shapes[0], name="a"), nn.Input(shape=shapes[1], name="b")
    assert_runtime_matches(nn.Model([a, b], L.Dot(axes, normalize=normalize)([a, b])), tmp_path)


@pytest.mark.parametrize("options, call", [
    ({}, {}), ({"value_dim": 3, "output_shape": 5}, {"use_causal_mask": True}), ({"use_bias": False}, {}),
    ({"output_shape": (2, 3)}, {}),
])
def test_multi_head_attention_on_one_input(tmp_path, options, call):
    tokens = nn.Input(shape=(7, 6), name="sequence")
    attended = L.MultiHeadAttention(num_heads=2, key_dim=4, **options)(tokens, tokens, **call)
    outputs = attended if "output_shape" in options else L.LayerNormalization()(L.Add()([tokens, attended]))
    assert_runtime_matches(nn.Model(tokens, outputs), tmp_path)


def test_multi_head_attention_with_a_key_and_a_causal_mask_over_unequal_steps(tmp_path):
    query, value = nn.Input(shape=(5, 4), name="query"), nn.Input(shape=(6, 3), name="value")
    key = L.Dense(5)(value)
    outputs = L.MultiHeadAttention(num_heads=3, key_dim=2)(query, value, key=key, use_causal_mask=True)
    assert_runtime_matches(nn.Model([query, value], outputs), tmp_path)


def test_multi_head_attention_masks_are_refused_by_name(tmp_path):
    tokens, mask = nn.Input(shape=(4, 6), name="tokens"), nn.Input(shape=(4, 4), name="mask")
    outputs = L.MultiHeadAttention(num_heads=2, key_dim=3, name="attention")(tokens, tokens, attention_mask=mask)
    with pytest.raises(ValueError, match=r"layer 'attention' \(MultiHeadAttention\): attention_mask cannot be "
                                         r"exported to ONNX"):
        nn.Model([tokens, mask], outputs).export(tmp_path / "m.onnx", format="onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_nested_models_are_inlined(tmp_path):
    inner_inputs = nn.Input(shape=(4,), name="inner_in")
    inner = nn.Model(inner_inputs, L.Dense(4, activation="relu")(inner_inputs), name="inner")
    stack = nn.Sequential([nn.Input((4,)), L.Dense(3), nn.Sequential([L.Dense(3, activation="tanh")])], name="stack")
    inputs = nn.Input(shape=(4,), name="x")
    hidden = inner(inputs)
    outputs = L.Concatenate()([stack(hidden), inner(L.Dense(4)(hidden))])  # the inner model called twice
    saved = assert_runtime_matches(nn.Model(inputs, outputs), tmp_path)
    assert not any(node.op_type == "Function" for node in saved.graph.node)


def test_a_sequential_holding_a_functional_model(tmp_path):
    inputs = nn.Input(shape=(5,))
    base = nn.Model(inputs, L.Dense(4, activation="relu")(inputs), name="base")
    model = nn.Sequential([base, L.Dense(3), L.Softmax()])  # the TensorFlow quickstart's shape
    model.build((None, 5))
    rng = np.random.default_rng(1)
    randomize(model, rng)
    _, session = exported_session(model, tmp_path)
    for batch in BATCHES:
        x = rng.normal(size=(batch, 5)).astype(np.float32)
        np.testing.assert_allclose(session.run(None, {"inputs": x})[0], model.predict(x, verbose=0), atol=1e-5)


def test_a_shared_layer_is_converted_per_call_and_stores_its_weights_once(tmp_path):
    a, b = nn.Input(shape=(4,), name="a"), nn.Input(shape=(4,), name="b")
    shared = L.Dense(8, activation="relu", name="shared")
    outputs = L.Subtract()([shared(a), shared(b)])
    saved = assert_runtime_matches(nn.Model([a, b], L.Dense(1)(outputs)), tmp_path)
    assert sum(node.op_type == "MatMul" for node in saved.graph.node) == 3  # shared twice, the head once
    kernels = [init for init in saved.graph.initializer if tuple(init.dims) == (4, 8)]
    assert len(kernels) == 1


def test_an_embedding_input_is_int64(tmp_path):
    tokens, extra = nn.Input(shape=(5,), dtype="int32", name="tokens"), nn.Input(shape=(2,), name="extra")
    pooled = L.GlobalAveragePooling1D()(L.Embedding(10, 3)(tokens))
    model = nn.Model([tokens, extra], L.Dense(2)(L.Concatenate()([pooled, extra])))
    saved = assert_runtime_matches(model, tmp_path)
    types = [put.type.tensor_type.elem_type for put in saved.graph.input]
    assert types == [onnx.TensorProto.INT64, onnx.TensorProto.FLOAT]


def test_an_output_that_is_an_input_gets_its_own_name(tmp_path):
    x = nn.Input(shape=(3,), name="x")
    model = nn.Model(x, [L.Dense(2, name="dense_out")(x), x])
    saved, session = exported_session(model, tmp_path)
    assert [put.name for put in saved.graph.output] == ["dense_out", "x_1"]
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(session.run(["x_1"], {"x": data})[0], data)


class Doubling(L.Layer):
    def call(self, inputs):
        return inputs * 2.0


def test_a_layer_of_your_own_is_named(tmp_path):
    inputs = nn.Input(shape=(3,))
    model = nn.Model(inputs, L.Dense(2)(Doubling(name="doubling")(inputs)))
    with pytest.raises(ValueError, match=r"no ONNX conversion for layer 'doubling' \(Doubling\)"):
        model.export(tmp_path / "m.onnx", format="onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_a_layer_of_your_own_inside_a_nested_model_is_named(tmp_path):
    inner = nn.Sequential([nn.Input((3,)), Doubling(name="deep_doubling")], name="inner")
    inputs = nn.Input(shape=(3,))
    with pytest.raises(ValueError, match=r"'deep_doubling' \(Doubling\)"):
        nn.Model(inputs, inner(inputs)).export(tmp_path / "m.onnx", format="onnx")


class TwoLayers(nn.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = L.Dense(4, activation="relu")
        self.head = L.Dense(2)

    def call(self, inputs, training=None):
        return self.head(self.hidden(inputs))


def test_a_subclassed_model_says_to_build_it_functionally(tmp_path):
    model = TwoLayers(name="two_layers")
    model.predict(np.ones((2, 3), np.float32), verbose=0)
    with pytest.raises(ValueError, match=r"'two_layers' \(TwoLayers\) is a subclassed model.*functionally "
                                         r"\(nn.Model\(inputs, outputs\)\) or as an nn.Sequential"):
        model.export(tmp_path / "m.onnx", format="onnx")
    inputs = nn.Input(shape=(3,))
    with pytest.raises(ValueError, match="is a subclassed model"):  # inside a functional model too
        nn.Model(inputs, model(inputs)).export(tmp_path / "m.onnx", format="onnx")


def test_a_masked_input_to_a_merge_layer_is_refused_by_name(tmp_path):
    tokens = nn.Input(shape=(4,), name="tokens")
    embedded = L.Embedding(10, 3, mask_zero=True)(tokens)
    outputs = L.Add(name="join")([embedded, L.Dense(3)(embedded)])
    with pytest.raises(ValueError, match=r"layer 'join' \(Add\) takes a masked input"):
        nn.Model(tokens, outputs).export(tmp_path / "m.onnx", format="onnx")
