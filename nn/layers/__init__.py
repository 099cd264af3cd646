"""Layers: each builds its weights from the first input's shape, then maps Tensors to Tensors.

One module per family, as Keras's source is laid out: core (Dense, Activation, Dropout,
Flatten, Input), convolutional and separable_convolutional, pooling, reshaping, normalization,
preprocessing (Normalization, Rescaling), regularization, activations, prelu, embedding,
masking, the recurrent layers (rnn, simple_rnn, lstm, gru, bidirectional) and attention.
"""
from nn.layers.activations import ELU, LeakyReLU, ReLU, Softmax
from nn.layers.attention import AdditiveAttention, Attention
from nn.layers.base import LAYER_CLASSES, Layer, reset_name_counters
from nn.layers.bidirectional import Bidirectional
from nn.layers.convolutional import Conv1D, Conv2D, Conv2DTranspose
from nn.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer
from nn.layers.embedding import Embedding
from nn.layers.gru import GRU, GRUCell
from nn.layers.lstm import LSTM, LSTMCell
from nn.layers.masking import Masking
from nn.layers.multi_head_attention import MultiHeadAttention
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


def get(class_name: str) -> type:
    """The layer class registered under `class_name` (used when loading a saved model)."""
    if class_name not in LAYER_CLASSES:
        valid = ", ".join(sorted(LAYER_CLASSES))
        raise ValueError(f"unknown layer class {class_name!r}; known layer classes are: {valid}. "
                         f"A custom layer must be defined (imported) before loading a model that uses it.")
    return LAYER_CLASSES[class_name]


__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "PReLU",
           "get", "reset_name_counters", "LAYER_CLASSES",
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
