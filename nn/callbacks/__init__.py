"""Callbacks: code that `fit` runs at fixed moments, under Keras's names and hook arguments.

The hooks, their order and the common callbacks are in `nn.callbacks.core`; `TensorBoard`
(event files, through the optional tensorboardX), `BackupAndRestore` (resume an interrupted
fit), `LivePlot` (training curves redrawn each epoch, with the optional matplotlib) and
`GradientNorms` (each layer's gradient norm per epoch) have modules of their own.
"""
from nn.callbacks.backup import BackupAndRestore
from nn.callbacks.core import (BATCH_HOOKS, Callback, CallbackList, CSVLogger, EarlyStopping, History,
                               LambdaCallback, LearningRateScheduler, Logs, ModelCheckpoint,
                               ReduceLROnPlateau, TerminateOnNaN, as_callback_list)
from nn.callbacks.gradient_norms import GradientNorms
from nn.callbacks.live_plot import LivePlot
from nn.callbacks.tensorboard import TensorBoard

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint",
           "LearningRateScheduler", "ReduceLROnPlateau", "TerminateOnNaN", "CSVLogger",
           "LambdaCallback", "TensorBoard", "BackupAndRestore", "BATCH_HOOKS", "Logs", "as_callback_list",
           "LivePlot", "GradientNorms"]
