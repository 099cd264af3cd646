"""Small data sets: the bundled UCI digits and MNIST read from local files."""

from nn.datasets.digits import load_digits
from nn.datasets.mnist import load_mnist

__all__ = ["load_digits", "load_mnist"]
