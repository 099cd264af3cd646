"""The digits demo: the MLP reaches >= 0.95 test accuracy and the files land where it says."""
import shutil


import nn
from nn import demo


def test_digits_mlp_reaches_95_percent_test_accuracy():
    model, accuracy = demo.train(verbose=0)
    assert [layer.units for layer in model.layers] == [128, 10]
    assert accuracy >= 0.95


def test_main_saves_the_model_and_draws_the_graph(tmp_path, capsys):
    demo.main(out_dir=str(tmp_path))
    out = capsys.readouterr().out
    assert "Epoch 20/20" in out and "test accuracy: " in out
    assert (tmp_path / "digits_mlp.npz").exists()
    assert nn.load_model(tmp_path / "digits_mlp.npz").count_params() == 64 * 128 + 128 + 128 * 10 + 10
    if shutil.which("dot"):
        assert (tmp_path / "model_graph.png").stat().st_size > 0
        assert "model_graph.png" in out
