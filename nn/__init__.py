"""Keras-like neural-network API built on autograd."""
