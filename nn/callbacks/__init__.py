"""Callbacks: code that `fit` runs at fixed moments, under Keras's names and hook arguments
(the hooks, their order and the common callbacks are in `nn.callbacks.core`)."""
from nn.callbacks.core import (BATCH_HOOKS, Callback, CallbackList, CSVLogger, EarlyStopping, History,
                               LambdaCallback, LearningRateScheduler, Logs, ModelCheckpoint,
                               ReduceLROnPlateau, TerminateOnNaN, as_callback_list)

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint",
           "LearningRateScheduler", "ReduceLROnPlateau", "TerminateOnNaN", "CSVLogger",
           "LambdaCallback", "BATCH_HOOKS", "Logs", "as_callback_list"]
