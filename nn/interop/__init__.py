"""Interop: models move between chainrule, Keras 3 and ONNX Runtime.

- `keras_weights`: Keras 3's ``.weights.h5`` layout (``layers/<snake_case class>[_k]/vars/<i>``),
  read and written with h5py (an optional extra: ``pip install chainrule[keras-files]``).
- `keras_walk`: where Keras files each layer of a model (functional, nested, written as a class).
- `keras_layers`: one layer's Keras serialization both ways, and the compile settings'.
- `keras_models`: a whole model's config both ways (Sequential, functional, models inside models).
- `keras_masks`: the masks Keras records as operations in a functional config, which our layers make.
- `keras_optimizer`: the optimizer's running state as Keras's optimizer variables in a ``.keras`` file.
- `keras_archive`: Keras 3's ``.keras`` archive (config.json, metadata.json, model.weights.h5).
- `onnx_export`: ``model.export(path, format="onnx")`` with the onnx package's helpers
  (``pip install chainrule[onnx]``); `onnx_graph_walk` walks Sequential, functional and nested
  models, `onnx_merging` converts the layers that take several inputs.

Each module keeps the per-layer facts (which arrays, under which path, which ONNX nodes) as a
table keyed by layer class, apart from the walk over a model's layers, so that models other than
Sequential only need a new walk. Nothing here imports nn.models: the model classes call in.
"""
