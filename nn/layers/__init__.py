"""Layers: each builds its weights from the first input's shape, then maps Tensors to Tensors.

One module per family, as Keras's source is laid out: core (Dense, Activation, Dropout,
Flatten, Input), convolutional and separable_convolutional, pooling, reshaping, normalization,
preprocessing (Normalization, Rescaling), regularization, activations, prelu, embedding,
masking, the recurrent layers (rnn, simple_rnn, lstm, gru, bidirectional) and attention.
"""
from __future__ import annotations

from typing import Any, Optional

from nn import saving
from nn.layers.activations import ELU, LeakyReLU, ReLU, Softmax
from nn.layers.attention import AdditiveAttention, Attention
from nn.layers.base import LAYER_CLASSES, Layer
from nn.layers.naming import reset_name_counters
from nn.layers.bidirectional import Bidirectional
from nn.layers.convolutional import Conv1D, Conv2D, Conv2DTranspose
from nn.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer
from nn.layers.merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,
                               average, concatenate, dot, maximum, minimum, multiply, subtract)
from nn.layers.embedding import Embedding
from nn.layers.gru import GRU, GRUCell
from nn.layers.lstm import LSTM, LSTMCell
from nn.layers.masking import Masking
from nn.layers.multi_head_attention import MultiHeadAttention
from nn.layers.node import KerasTensor
from nn.layers.normalization import BatchNormalization, LayerNormalization
from nn.layers.pooling import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                               GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D)
from nn.layers.prelu import PReLU
from nn.layers.preprocessing import Normalization, Rescaling
from nn.layers.regularization import ActivityRegularization, GaussianNoise, SpatialDropout1D, SpatialDropout2D
from nn.layers.reshaping import (Cropping1D, Cropping2D, Permute, RepeatVector, Reshape, UpSampling1D, UpSampling2D,
                                 ZeroPadding1D, ZeroPadding2D)
from nn.layers.rnn import RNN
from nn.layers.separable_convolutional import DepthwiseConv2D, SeparableConv2D
from nn.layers.simple_rnn import SimpleRNN, SimpleRNNCell


def get(class_name: str, registered_name: Optional[str] = None) -> type:
    """The layer (or model) class a saved config names: a built-in one by `class_name`, one of
    your own by its `registered_name` (see `nn.saving.register_serializable`)."""
    return saving.find_object(class_name, registered_name, kind="layer class")


def serialize(layer: Layer) -> dict:
    """``{"class_name", "config", "registered_name"}``: what `deserialize` rebuilds `layer` from."""
    registered = None if saving.is_built_in(type(layer)) else saving.registered_name(type(layer))
    return {"class_name": type(layer).__name__, "config": layer.get_config(), "registered_name": registered}


def deserialize(config: dict, custom_objects: Optional[dict[str, Any]] = None) -> Layer:
    """The layer `serialize` described; classes of your own come from `custom_objects` or the
    registered ones."""
    with saving.custom_object_scope(custom_objects):
        cls = get(config["class_name"], config.get("registered_name"))
        try:
            return cls.from_config(dict(config.get("config", {})))
        except TypeError as error:  # a constructor argument missing from, or unknown to, the config
            raise ValueError(f"the saved config does not fit the layer classes of this version: "
                             f"{config['class_name']}.from_config failed ({error}). A class of your own whose __init__ "
                             f"takes arguments must return them from get_config(), e.g. "
                             f"{{**super().get_config(), 'units': self.units}}.") from None


__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "PReLU",
           "get", "serialize", "deserialize", "reset_name_counters", "LAYER_CLASSES", "KerasTensor",
           "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "add", "subtract",
           "multiply", "average", "maximum", "minimum", "concatenate", "dot",
           "Embedding", "Masking", "RNN", "SimpleRNN", "SimpleRNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell",
           "Bidirectional", "MultiHeadAttention", "Attention", "AdditiveAttention",
           "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
           "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "Reshape", "Permute", "RepeatVector", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D",
           "UpSampling1D", "UpSampling2D",
           "BatchNormalization", "LayerNormalization", "Normalization", "Rescaling",
           "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "ActivityRegularization",
           "Softmax", "ReLU", "LeakyReLU", "ELU"]
