"""autograd.viz.diagram: boxes and arrows known as plain data, drawn by the same Graphviz code."""
import html

import pytest

from autograd import viz

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def boxes():
    return [viz.Box("a", "input", "InputLayer", ("Output shape: (None, 4)",)),
            viz.Box("b", "dense", "Dense", ("Input shape: (None, 4)", "Output shape: (None, 2)"), group="outer/inner"),
            viz.Box("c", "x<y & z", "")]


def test_boxes_become_labelled_tables_and_arrows_edges(tmp_path):
    picture = viz.diagram(boxes(), [("a", "b"), ("b", "c"), ("a", "b")], rankdir="LR", dpi=72)
    source = picture.source
    assert "rankdir=LR" in source and "dpi=72" in source
    assert source.count("a -> b") == 1 and "b -> c" in source  # a repeated arrow is drawn once
    assert "<b>dense</b> (Dense)" in source and "Output shape: (None, 2)" in source
    assert "x&lt;y &amp; z" in source  # user text is escaped
    assert 'subgraph cluster_outer {' in source and 'subgraph "cluster_outer/inner" {' in source
    assert picture.render(tmp_path / "d.png").read_bytes().startswith(PNG_MAGIC)
    assert "dense" in html.unescape(picture.render(tmp_path / "d.svg").read_text())


def test_an_arrow_to_an_unknown_box_and_a_bad_rankdir_are_refused():
    with pytest.raises(ValueError, match="'a' -> 'zz' joins a box that is not in the picture"):
        viz.diagram(boxes(), [("a", "zz")])
    with pytest.raises(ValueError, match="unknown rankdir='UP'"):
        viz.diagram(boxes(), [], rankdir="UP")


def test_a_notebook_shows_the_display_format():
    assert "image/png" in viz.diagram(boxes(), [], display_format="png")._repr_mimebundle_()
    assert "image/svg+xml" in viz.diagram(boxes(), [])._repr_mimebundle_()
