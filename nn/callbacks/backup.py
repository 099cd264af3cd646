"""`BackupAndRestore`: resume an interrupted `fit` from the end of its last finished epoch."""
from __future__ import annotations

import json
import os
from typing import Union

from nn import saving
from nn.callbacks.core import Callback, Logs


class BackupAndRestore(Callback):
    """Back up the training state at each epoch's end; a later `fit` resumes from it.

    The backup is the model file (weights, optimizer state and step count, as ``model.save``
    writes it) plus the number of finished epochs. When `fit` starts and finds a backup, it loads
    both and runs only the epochs that were left: after a crash in epoch 4 of 10, the next
    ``fit(..., epochs=10)`` with the same callback runs epochs 4 to 9. A `fit` that finishes
    deletes the backup (unless ``delete_checkpoint=False``). The shuffling order after a resume
    is not that of an uninterrupted run (the random generator is not part of the backup, as in
    Keras).

    Args:
        backup_dir: the folder for the backup (created if missing); one per training run, not
            shared with other files or callbacks.
        save_freq: ``"epoch"``, the only frequency here (Keras also takes a number of batches).
        delete_checkpoint: delete the backup when `fit` finishes. Only this callback's own two
            files are deleted, and the folder if that leaves it empty (Keras deletes the whole
            folder).

    Example:
        >>> backup = nn.callbacks.BackupAndRestore("backup")
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # interrupted in epoch 4 ...
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # ... runs epochs 4 to 9
    """

    MODEL_FILE = "latest.npz"
    METADATA_FILE = "training_metadata.json"

    def __init__(self, backup_dir: Union[str, os.PathLike], save_freq: str = "epoch",
                 delete_checkpoint: bool = True) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore needs a backup_dir, a folder for its backup, but got "
                             f"{backup_dir!r}.")
        if save_freq != "epoch":
            raise ValueError(f"BackupAndRestore backs up at each epoch's end only: save_freq must be "
                             f"'epoch', got {save_freq!r}.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.model_path = os.path.join(self.backup_dir, self.MODEL_FILE)
        self.metadata_path = os.path.join(self.backup_dir, self.METADATA_FILE)

    def on_train_begin(self, logs: Logs = None) -> None:
        """Load the backup, if any, and tell `fit` the epoch to resume at."""
        if not os.path.exists(self.metadata_path):
            return
        with open(self.metadata_path, encoding="utf-8") as file:
            finished_epochs = int(json.load(file)["epoch"])
        config, arrays = saving.read(self.model_path)
        saving.assign_weights(self.model, config, arrays, self.model_path)
        optimizer_state = config.get("optimizer_state")
        if optimizer_state is not None:
            self.model.optimizer.load_state_dict(
                saving.insert_arrays(optimizer_state, arrays, self.model_path))
        self.model.resume_at_epoch = finished_epochs

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        """Write the model, then the epoch count (so a crash between them repeats an epoch at
        worst, never skips one); each write replaces its file in one step."""
        os.makedirs(self.backup_dir, exist_ok=True)
        self.model.save(self.model_path)
        partial = self.metadata_path + ".partial"
        with open(partial, "w", encoding="utf-8") as file:
            json.dump({"epoch": epoch + 1}, file)
        os.replace(partial, self.metadata_path)

    def on_train_end(self, logs: Logs = None) -> None:
        if not self.delete_checkpoint:
            return
        for path in (self.metadata_path, self.model_path):
            if os.path.exists(path):
                os.remove(path)
        if os.path.isdir(self.backup_dir) and not os.listdir(self.backup_dir):
            os.rmdir(self.backup_dir)
