"""Write and execute notebooks/08_when_you_outgrow_chainrule.ipynb:
`python scripts/build_notebook_08.py` (with KERAS_BACKEND=torch and the extras installed, so that
the stored outputs show every part).

The lesson: the ways out of chainrule and the way in. A small network trained here is saved as a
Keras 3 file, opened in Keras 3 and trained on there, exported to ONNX and served with ONNX
Runtime; then a model built and trained in Keras is loaded with nn.load_model and its graph drawn
and stepped through. Each cell that needs an extra (h5py, keras, onnx, onnxruntime) checks with
importlib.util.find_spec and says what to install when it is missing, so the notebook also runs
where they are not installed. The cells below are the notebook's source; the script runs them in a
`python3` kernel and saves the notebook with its outputs.
"""
from __future__ import annotations

from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as text

from notebook_builder import write_notebook

CELLS = [
    text("""\
# 08 · When you outgrow chainrule

chainrule is made for seeing how deep learning works, not for a large data set, a GPU or a
cluster. When a model needs those, it should not start over: it moves on to **Keras 3** (which
trains on PyTorch, JAX or TensorFlow, on GPUs and across machines) or to **ONNX Runtime** (which
serves it almost anywhere). And a model someone trained in Keras comes *in*, to be drawn and
stepped through here. This notebook

1. trains a small network here and saves it as a Keras 3 file;
2. opens that file in Keras 3 and trains on there;
3. exports the network to ONNX and serves it with ONNX Runtime;
4. goes the other way: a model built and trained in Keras, loaded here, its graph drawn.

The file formats need extras: `pip install chainrule[keras-files,onnx]` (h5py, onnx,
onnxruntime), and Keras 3 itself with a backend, e.g. `pip install keras torch`. A cell whose
extra is missing says what to install and moves on."""),
    code("""\
import importlib.util
import os
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

import autograd as ag
import nn
from autograd import viz
from nn.layers import Conv2D, Dense, Flatten, MaxPooling2D, Reshape

os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras 3 runs on torch, jax or tensorflow; pick before importing it
warnings.filterwarnings("ignore", message="__array__ implementation doesn't accept a copy keyword")  # torch + numpy 2
np.set_printoptions(precision=4, suppress=True)
workdir = Path(tempfile.mkdtemp(prefix="outgrow_"))  # the files this notebook writes


def installed(*modules):
    return all(importlib.util.find_spec(module) is not None for module in modules)


HAS_H5PY = installed("h5py")
HAS_KERAS = installed("keras", os.environ["KERAS_BACKEND"], "h5py")
HAS_ONNX = installed("onnx", "onnxruntime")
print(f"h5py: {HAS_H5PY} | Keras 3 on {os.environ['KERAS_BACKEND']}: {HAS_KERAS} | onnx and onnxruntime: {HAS_ONNX}")"""),
    text("""\
## 1. Train here, save a Keras 3 file

The bundled digits: 8×8 grey images flattened to 64 values in [0, 1], ten classes. A small
convolutional network learns them in a second."""),
    code("""\
nn.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = nn.datasets.load_digits()
model = nn.Sequential([nn.Input(shape=(64,)), Reshape((8, 8, 1)), Conv2D(8, 3, activation="relu"), MaxPooling2D(),
                       Flatten(), Dense(10, activation="softmax")], name="digits_cnn")
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
print("test accuracy, trained here:", round(model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"], 4))"""),
    text("""\
`model.save("….keras")` writes a real Keras 3 archive: a zip with the architecture
(`config.json`), a few facts about the file (`metadata.json`) and the weights in Keras's HDF5
layout (`model.weights.h5`). A `.npz` path would keep chainrule's own format instead."""),
    code("""\
keras_file = workdir / "digits_cnn.keras"
if HAS_H5PY:
    model.save(keras_file)
    print(keras_file.name, "holds", sorted(zipfile.ZipFile(keras_file).namelist()))
else:
    print("Writing a Keras 3 file needs h5py: run `pip install chainrule[keras-files]`, then rerun this cell.")"""),
    text("""\
## 2. Go on training in Keras 3

Keras opens the file as one of its own models. Before any training there it predicts what
chainrule predicts; then `fit` goes on from the weights trained here, on whatever backend and
hardware Keras has."""),
    code("""\
if HAS_KERAS:
    import keras

    # Our file carries the compile settings but no optimizer state, so Keras starts a fresh Adam.
    warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
    in_keras = keras.models.load_model(keras_file)
    gap = np.abs(in_keras.predict(x_test, verbose=0) - model.predict(x_test, verbose=0)).max()
    print(f"largest difference between Keras's and chainrule's predictions: {gap:.1e}")
    keras.utils.set_random_seed(0)  # the order Keras shuffles the samples in
    in_keras.fit(x_train, y_train, epochs=3, batch_size=32, verbose=0)
    accuracy = in_keras.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
    print(f"test accuracy after 3 more epochs in Keras: {accuracy:.4f}")
else:
    print("Keras 3 is not installed: `pip install keras torch` (and `pip install chainrule[keras-files]`) "
          "lets this cell open the file in Keras and train on there.")"""),
    text("""\
## 3. Serve it with ONNX Runtime

`model.export("….onnx", format="onnx")` (Keras 3's method) writes the network as an ONNX graph
(opset 17) whose batch size is left open. ONNX Runtime runs it without Python's deep-learning
libraries, from C++, C#, Java, JavaScript or a phone. The model's input is called `inputs`, its
output `outputs`."""),
    code("""\
if HAS_ONNX:
    import onnxruntime

    model.export(workdir / "digits_cnn.onnx", format="onnx")
    session = onnxruntime.InferenceSession(str(workdir / "digits_cnn.onnx"), providers=["CPUExecutionProvider"])
    print("the graph's input:", [(i.name, i.shape, i.type) for i in session.get_inputs()])
    served = session.run(None, {"inputs": x_test.astype(np.float32)})[0]
    gap = np.abs(served - model.predict(x_test, verbose=0)).max()
    print(f"largest difference between ONNX Runtime's and chainrule's predictions: {gap:.1e}")
    print("test accuracy, served by ONNX Runtime:", round(float((served.argmax(axis=1) == y_test).mean()), 4))
else:
    print("Exporting to ONNX and serving needs onnx and onnxruntime: run `pip install chainrule[onnx]`.")"""),
    text("""\
## 4. The way in: a Keras model, drawn here

Someone trained a model in Keras 3 and saved it. `nn.load_model` reads the archive (it never
unpickles and never runs code from the file) and rebuilds the same Sequential model from
chainrule's layers, with the same weights, so it predicts what Keras predicts."""),
    code("""\
if HAS_KERAS:
    keras.utils.set_random_seed(0)
    keras_model = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(16, activation="relu"),
                                    keras.layers.Dense(10, activation="softmax")])
    keras_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    keras_model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
    keras_model.save(workdir / "from_keras.keras")

    incoming = nn.load_model(workdir / "from_keras.keras")
    incoming.summary()
    gap = np.abs(incoming.predict(x_test, verbose=0) - keras_model.predict(x_test, verbose=0)).max()
    print(f"largest difference between chainrule's and Keras's predictions: {gap:.1e}")
else:
    incoming = model
    print("Keras 3 is not installed (`pip install keras torch`, and `pip install chainrule[keras-files]`), so "
          "there is no Keras model to load; the pictures below show the model trained in part 1 instead.")"""),
    text("""\
Now the model is made of autograd operations like any other here. Its loss on two test images,
drawn with $\\partial L/\\partial(\\text{node})$ in red on every node, each layer's operations in a
box:"""),
    code("""\
probabilities = incoming(x_test[:2])
with ag.name_scope("loss"):  # the loss's operations get a box of their own too
    loss = nn.losses.SparseCategoricalCrossentropy()(y_test[:2], probabilities)
loss.name = "loss"
viz.draw(loss, grads=True)"""),
    text("""\
`viz.Stepper` replays the same computation one operation at a time, forwards and then backwards.
Here is its last backward step, where the gradient reaches the first layer's kernel and bias
(the caption spells out the chain rule for that operation); `stepper.to_html("steps.html")`
writes a page with Prev / Next buttons to walk through every step."""),
    code("""\
stepper = viz.Stepper(loss)
print(stepper)
stepper.frame(len(stepper) - 1)"""),
    text("""\
From here the model trains, saves and exports like any chainrule model: the three exits above
work for it too."""),
]

if __name__ == "__main__":
    write_notebook(CELLS, "08_when_you_outgrow_chainrule.ipynb")
