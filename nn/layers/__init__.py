"""Layers: each builds its weights from the first input's shape, then maps Tensors to Tensors."""
from nn.layers.attention import AdditiveAttention, Attention
from nn.layers.base import LAYER_CLASSES, Layer, reset_name_counters
from nn.layers.bidirectional import Bidirectional
from nn.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer
from nn.layers.embedding import Embedding
from nn.layers.gru import GRU, GRUCell
from nn.layers.lstm import LSTM, LSTMCell
from nn.layers.masking import Masking
from nn.layers.multi_head_attention import MultiHeadAttention
from nn.layers.prelu import PReLU
from nn.layers.rnn import RNN
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
           "Bidirectional", "MultiHeadAttention", "Attention", "AdditiveAttention"]
