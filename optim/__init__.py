"""optim: optimizers that update autograd Tensors from their gradients.

Two ways to build one, told apart by the first argument's type:

- Keras's form: the learning rate first (a number, a `schedules.LearningRateSchedule` or any
  callable ``step -> lr``); the parameters come later, from ``Model.compile`` or ``attach``::

      model.compile(optimizer=optim.Adam(0.001), loss="mse")
      optim.SGD(0.01, momentum=0.9)            # the other arguments by keyword
      optim.Adam(optim.schedules.ExponentialDecay(0.01, decay_steps=100, decay_rate=0.9))

- PyTorch's form: the parameters first (an iterable of Tensors, or of parameter-group dicts)::

      opt = optim.SGD([w, b], lr=0.1, momentum=0.9)
      loss.backward(); opt.step(); opt.zero_grad()

PyTorch's spellings ``lr``, ``betas=(b1, b2)`` and ``eps`` stand for Keras's ``learning_rate``,
``beta_1``/``beta_2`` and ``epsilon`` (one value in two spellings is a TypeError). Update rules
and defaults follow Keras 3 (``weight_decay`` is decoupled, as in Keras and PyTorch's AdamW);
the container (param groups, state, state_dict) follows PyTorch.

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
