"""Small data sets: the bundled UCI digits, and MNIST and Fashion-MNIST as Keras loads them
(``nn.datasets.mnist.load_data()``: downloaded once, then read from the cache folder)."""

from nn.datasets import fashion_mnist, mnist
from nn.datasets.digits import load_digits
from nn.datasets.mnist import load_mnist

__all__ = ["load_digits", "load_mnist", "mnist", "fashion_mnist"]
