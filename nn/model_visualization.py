"""`plot_model`: a picture of a model's layers and how they connect (Keras's ``keras.utils.plot_model``).

Each layer is a box with its name and class and, optionally, its input and output shapes,
dtype, activation and whether it trains; an arrow runs from each layer to each layer that takes
its output. A model inside the model is one box, or with ``expand_nested=True`` a dashed frame
holding its own layers. A model written as a class is one box (its call is code, not a graph).
The picture is drawn by `autograd.viz.diagram`, the same Graphviz code as `autograd.viz.draw`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Union

from autograd.viz import Box, Drawing, diagram
from nn import tree


def plot_model(model: Any, to_file: Optional[Union[str, Path]] = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = False, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 200, show_layer_activations: bool = False,
               show_trainable: bool = False, splines: str = "ortho") -> Drawing:
    """Draw `model`'s layer graph, write it to `to_file` (.png, .svg, .pdf or .dot; None: no file)
    and return the picture, which a notebook shows inline (``.source`` is the DOT text).

    Args:
        show_shapes: each layer's input and output shapes.
        show_dtype: each layer's output dtype.
        show_layer_names: the layer's name before its class (else the class alone).
        rankdir: the direction of the arrows: "TB" (top to bottom), "LR", "BT" or "RL".
        expand_nested: draw a model inside the model as a frame of its layers.
        dpi: the resolution of a .png (Keras's default, 200; 96 is a screen's).
        show_layer_activations: the activation of layers that have one (Dense).
        show_trainable: whether each layer with weights trains.
        splines: how the arrows are drawn: "ortho" (right angles, Keras's default), "spline"
            (curves), "polyline" or "line".

    The defaults are Keras 3's: boxes show the class alone until asked for more.

    Example:
        >>> nn.utils.plot_model(model, to_file="model.png", show_shapes=True, show_layer_names=True)
    """
    if not model.built:
        raise ValueError(f"model {model.name!r} has not been built yet, so its layers' shapes are unknown: start it "
                         f"with Input(shape=...), call build((None, features)), or call it on data first.")
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype, "show_layer_names": show_layer_names,
               "show_layer_activations": show_layer_activations, "show_trainable": show_trainable}
    boxes: list[Box] = []
    arrows: list[tuple[str, str]] = []
    _add_model(model, "", expand_nested, options, boxes, arrows)
    png = to_file is not None and Path(to_file).suffix.lower() == ".png"
    picture = diagram(boxes, arrows, rankdir=rankdir, dpi=dpi, display_format="png" if png else "svg",
                      splines=splines)
    if to_file is not None:
        picture.render(to_file)
    return picture


def _add_model(model: Any, group: str, expand_nested: bool, options: dict, boxes: list[Box],
               arrows: list[tuple[str, str]]) -> None:
    graph = model._layer_graph()
    if graph is None:  # a model written as a class: one box
        boxes.append(_box(model, group, options))
        return
    layers, edges = graph
    inside = {id(layer) for layer in layers}
    for layer in layers:
        if expand_nested and _has_graph(layer):
            _add_model(layer, f"{group}/{layer.name}" if group else layer.name, True, options, boxes, arrows)
        else:
            boxes.append(_box(layer, group, options))
    for source, target, output_index, input_index in edges:
        if id(source) not in inside:
            continue  # a model cut from a bigger graph: its input comes from outside it
        if expand_nested:
            source, target = _exit_layer(source, output_index), _entry_layer(target, input_index)
        arrows.append((_key(source), _key(target)))


def _has_graph(layer: Any) -> bool:
    return hasattr(layer, "_layer_graph") and layer._layer_graph() is not None


def _exit_layer(layer: Any, output_index: int) -> Any:
    """The innermost layer that makes output `output_index` of a (nested) model."""
    while _has_graph(layer):
        layer, output_index = layer._exit_layer(output_index)
    return layer


def _entry_layer(layer: Any, input_index: int) -> Any:
    """The innermost layer that takes input `input_index` of a (nested) model."""
    while _has_graph(layer):
        layer, input_index = layer._entry_layer(input_index)
    return layer


def _key(layer: Any) -> str:
    return str(id(layer))


def _box(layer: Any, group: str, options: dict) -> Box:
    cells = []
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        cells.append(f"Activation: {getattr(activation, '__name__', type(activation).__name__)}")
    if options["show_shapes"]:
        input_shape, output_shape = _shapes(layer)
        if type(layer).__name__ != "InputLayer":
            cells.append(f"Input shape: {input_shape}")
        cells.append(f"Output shape: {output_shape}")
    if options["show_dtype"]:
        cells.append(f"Output dtype: {layer.dtype}")
    if options["show_trainable"] and layer.weights:
        cells.append("Trainable" if layer.trainable else "Non-trainable")
    name, kind = (layer.name, type(layer).__name__) if options["show_layer_names"] else (type(layer).__name__, "")
    return Box(key=_key(layer), name=name, kind=kind, cells=tuple(cells), group=group)


def _shapes(layer: Any) -> tuple[str, str]:
    """The layer's input and output shapes as text: from its first call in a functional model,
    else from the shape it was built for; "?" when unknown."""
    if layer._inbound_nodes:
        node = layer._inbound_nodes[0]
        inputs = tree.map_structure(lambda t: t.shape, node.call_args[0]) if node.call_args else None
        outputs = tree.map_structure(lambda t: t.shape, node.outputs)
    elif layer.built and layer._build_shapes is not None:
        inputs, outputs = layer._build_shapes, layer.compute_output_shape(layer._build_shapes)
    else:
        return "?", "?"
    return _shape_text(inputs), _shape_text(outputs)


def _shape_text(shapes: Any) -> str:
    if shapes is None:
        return "?"
    flat = [tuple(shape) for shape in tree.flatten_shapes(shapes)]
    return str(flat[0] if len(flat) == 1 else flat).replace(",)", ")")
