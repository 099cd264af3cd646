"""``model.export(path, format="onnx")``: an ONNX model (opset 17, any batch size) of a Sequential.

The graph is built with the onnx package's helpers: one input ``inputs`` of shape
``("batch", *input_shape)`` (float32, or int64 when the first layer is an Embedding), the layers'
nodes in order (`onnx_layers.CONVERTERS`, one function per layer class), and one output
``outputs``. Weights become initializers. The result passes ``onnx.checker`` before it is written.
"""
from __future__ import annotations

from typing import Any

from nn.interop import files, optional

OPSET = 17
PURPOSE = "model.export(format='onnx')"


def export(model: Any, filepath: Any) -> None:
    """Write `model` (a built Sequential of supported layers) as an ONNX file at `filepath`."""
    onnx = optional.onnx(PURPOSE)
    from onnx import TensorProto, helper

    from nn.interop import onnx_graph, onnx_layers  # they build nodes with onnx: imported once it is known to be there

    if not model.built:
        raise ValueError(f"model {model.name!r} is not built yet, so it has no weights to export; call "
                         f"model.build((None, features)) or run it on data first.")
    graph = onnx_graph.GraphBuilder()
    integer_input = bool(model.layers) and type(model.layers[0]).__name__ == "Embedding"
    name = "inputs"
    for layer in model.layers:
        name = onnx_layers.convert(graph, layer, name)
    graph.nodes.append(helper.make_node("Identity", [name], ["outputs"]))
    sample_shape = ["batch", *model.input_shape[1:]]
    output_shape = ["batch", *model.output_shape[1:]]
    inputs = helper.make_tensor_value_info("inputs", TensorProto.INT64 if integer_input else TensorProto.FLOAT,
                                           sample_shape)
    outputs = helper.make_tensor_value_info("outputs", TensorProto.FLOAT, output_shape)
    onnx_graph = helper.make_graph(graph.nodes, model.name, [inputs], [outputs], graph.initializers)
    onnx_model = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                   producer_name="chainrule")
    onnx_model.ir_version = min(onnx_model.ir_version, 8)  # readable by every runtime with opset 17
    onnx.checker.check_model(onnx_model, full_check=True)
    with files.replaced_atomically(filepath) as temp_path:
        onnx.save(onnx_model, temp_path)

