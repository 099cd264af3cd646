"""optim: optimizers that update autograd Tensors from their gradients.

    >>> opt = optim.SGD([w, b], learning_rate=0.1)
    >>> loss.backward(); opt.step(); opt.zero_grad()

Keras-style, parameters come later: ``optim.Adam(learning_rate=1e-3)``, then ``attach(params)``.
Update rules and defaults follow Keras 3; the container (param groups, state, state_dict) follows
PyTorch.

Layering: optim imports autograd and numpy only; it sees autograd Tensors and never nn (nn
imports optim). tests/test_layering.py checks every import.
"""
from optim import schedules
from optim.adagrad import Adagrad
from optim.adam import Adam, Adamax, AdamW, Nadam
from optim.optimizer import Optimizer
from optim.registry import from_config, get
from optim.rmsprop import RMSprop
from optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad",
           "get", "from_config", "schedules"]
