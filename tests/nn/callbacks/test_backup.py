"""BackupAndRestore: a fit interrupted mid-way resumes from its last finished epoch."""
import numpy as np
import pytest

import nn
import optim
from nn.callbacks import BackupAndRestore, Callback
from nn.layers import Dense, Input


class Crash(RuntimeError):
    pass


class CrashAtEpoch(Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise Crash(f"interrupted at epoch {epoch}")


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    return x, x @ np.array([[1.0], [2.0], [-1.0]], dtype=np.float32)


def fresh_model():
    nn.layers.reset_name_counters()
    nn.utils.set_random_seed(0)
    model = nn.Sequential([Input(shape=(3,)), Dense(4, activation="tanh"), Dense(1)])
    model.compile(optimizer=optim.Adam(optim.schedules.ExponentialDecay(0.05, 5, 0.5)), loss="mse")
    return model


def test_an_interrupted_fit_resumes_and_ends_where_an_uninterrupted_one_does(tmp_path):
    x, y = data()
    reference = fresh_model()
    reference.fit(x, y, epochs=6, batch_size=8, shuffle=False, verbose=0)

    backup = BackupAndRestore(tmp_path / "backup")
    model = fresh_model()
    with pytest.raises(Crash):
        model.fit(x, y, epochs=6, batch_size=8, shuffle=False, verbose=0, callbacks=[backup, CrashAtEpoch(4)])
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == ["latest.npz", "training_metadata.json"]

    restarted = fresh_model()  # a new process: same code, fresh weights
    history = restarted.fit(x, y, epochs=6, batch_size=8, shuffle=False, verbose=0, callbacks=backup)
    assert history.epoch == [4, 5]
    assert restarted.optimizer.iterations == reference.optimizer.iterations == 30
    for ours, theirs in zip(restarted.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert not (tmp_path / "backup").exists()  # a finished fit deletes its backup


def test_keeping_the_backup_and_a_finished_run_has_nothing_left(tmp_path):
    x, y = data()
    keep = BackupAndRestore(tmp_path / "b", delete_checkpoint=False)
    model = fresh_model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[keep])
    assert (tmp_path / "b" / "latest.npz").is_file()
    again = fresh_model()
    assert again.fit(x, y, epochs=2, verbose=0, callbacks=[keep]).epoch == []  # both epochs were done
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    assert again.fit(x, y, epochs=3, verbose=0, callbacks=[keep]).epoch == [2]


def test_only_its_own_files_are_deleted(tmp_path):
    x, y = data()
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    fresh_model().fit(x, y, epochs=1, verbose=0, callbacks=[BackupAndRestore(folder)])
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_arguments_it_cannot_honour():
    with pytest.raises(ValueError, match="needs a backup_dir"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq must be 'epoch'"):
        BackupAndRestore("backup", save_freq=100)
