"""``model.export(path, format="onnx")``: an ONNX model (opset 17, any batch size) of a Sequential
or functional model, nested models inlined.

The graph is built with the onnx package's helpers by `onnx_graph_walk.model_graph`: one graph
input per model input and one output per model output (a Sequential's are ``inputs`` and
``outputs``), the layers' nodes in the order the model runs them (`onnx_layers.CONVERTERS` and
`onnx_merging.MULTI_INPUT_CONVERTERS`, one function per layer class). Weights become
initializers. The result passes ``onnx.checker`` before it is written.
"""
from __future__ import annotations

from typing import Any

from nn.interop import files, optional

OPSET = 17
PURPOSE = "model.export(format='onnx')"


def export(model: Any, filepath: Any) -> None:
    """Write `model` (a built Sequential or functional model of supported layers) as an ONNX file at `filepath`."""
    onnx = optional.onnx(PURPOSE)
    from onnx import helper

    from nn.interop import onnx_graph_walk  # builds nodes with onnx, so only once onnx is known to be there

    onnx_graph_walk.check_exportable(model)  # a subclassed model or an unsupported layer: say so before anything else
    if not model.built:
        raise ValueError(f"model {model.name!r} is not built yet, so it has no weights to export; call "
                         f"model.build((None, features)) or run it on data first.")
    onnx_model = helper.make_model(onnx_graph_walk.model_graph(model), opset_imports=[helper.make_opsetid("", OPSET)],
                                   producer_name="chainrule")
    onnx_model.ir_version = min(onnx_model.ir_version, 8)  # readable by every runtime with opset 17
    onnx.checker.check_model(onnx_model, full_check=True)
    with files.replaced_atomically(filepath) as temp_path:
        onnx.save(onnx_model, temp_path)
