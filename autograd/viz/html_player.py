"""Players for stepper frames: a self-contained HTML page (offline, also a notebook's static
output) and, in a live notebook with ipywidgets installed, an interactive widget."""
from __future__ import annotations

import hashlib
import html
import itertools
from typing import Any

_player_numbers = itertools.count(1)

_PLAYER_STYLE = """
.cr-player { font-family: Helvetica, Arial, sans-serif; }
.cr-player .cr-controls { display: flex; gap: 8px; align-items: center; margin: 6px 0; }
.cr-player .cr-controls input[type=range] { flex: 1; max-width: 480px; }
.cr-player .cr-caption { white-space: pre-wrap; font-family: monospace; font-size: 13px;
  background: #f9fafb; border-left: 3px solid #ea580c; padding: 6px 10px; margin-bottom: 6px; }
.cr-player .cr-frame svg { max-width: 100%; height: auto; }
"""

# Shows one frame at a time; buttons, the slider and the arrow keys move between frames.
_PLAYER_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  var frames = root.querySelectorAll(".cr-frame");
  var slider = root.querySelector("input[type=range]");
  var counter = root.querySelector(".cr-counter");
  var caption = root.querySelector(".cr-caption");
  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) { frames[i].style.display = i === k ? "block" : "none"; }
    slider.value = k;
    counter.textContent = (k + 1) + " / " + frames.length;
    caption.textContent = frames[k].getAttribute("data-caption");
  }
  root.querySelector(".cr-prev").onclick = function () { show(+slider.value - 1); };
  root.querySelector(".cr-next").onclick = function () { show(+slider.value + 1); };
  slider.oninput = function () { show(+slider.value); };
  root.tabIndex = 0;
  root.onkeydown = function (e) {
    if (e.target === slider) { return; }  // the slider steps on its own arrow keys
    if (e.key === "ArrowLeft") { show(+slider.value - 1); e.preventDefault(); }
    if (e.key === "ArrowRight") { show(+slider.value + 1); e.preventDefault(); }
  };
  show(0);
})();
"""


def inline_svg(svg: str) -> str:
    """SVG text without the XML prolog and DOCTYPE, so it can sit inside an HTML page."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def player_fragment(svgs: list[str], captions: list[str]) -> str:
    """A <div> holding every frame (one visible at a time), with Prev/Next buttons and a slider."""
    # From the content (so a rebuilt page or notebook does not change) and a count (so two
    # identical players on one page still get different ids).
    digest = hashlib.sha1("".join(captions + svgs).encode()).hexdigest()[:10]
    player_id = f"cr-player-{digest}-{next(_player_numbers)}"
    frames = "\n".join(
        f'<div class="cr-frame" data-frame="{k}" data-caption="{html.escape(caption)}" '
        f'style="display:{"block" if k == 0 else "none"}">{inline_svg(svg)}</div>'
        for k, (svg, caption) in enumerate(zip(svgs, captions)))
    first_caption = html.escape(captions[0]) if captions else ""
    return (f'<div class="cr-player" id="{player_id}"><style>{_PLAYER_STYLE}</style>\n'
            '<div class="cr-controls"><button class="cr-prev">&#9664; Prev</button>'
            f'<input type="range" min="0" max="{max(len(svgs) - 1, 0)}" value="0" step="1">'
            '<button class="cr-next">Next &#9654;</button>'
            f'<span class="cr-counter">1 / {len(svgs)}</span></div>\n'
            f'<div class="cr-caption">{first_caption}</div>\n{frames}\n'
            f"<script>{_PLAYER_SCRIPT % {'id': player_id}}</script></div>")


def full_page(fragment: str, title: str) -> str:
    """A complete HTML document around `fragment`; it loads nothing from the network.

    The player has the keyboard from the start, so the arrow keys step at once.
    """
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head>\n<body>\n<h3>{html.escape(title)}</h3>\n"
            f"{fragment}\n<script>document.querySelector(\".cr-player\").focus();</script>\n"
            "</body></html>\n")


def notebook_player(stepper: Any) -> Any:
    """An ipywidgets slider player when ipywidgets is importable, else the static HTML player."""
    try:
        import ipywidgets
    except ImportError:
        from IPython.display import HTML
        return HTML(stepper.html())
    frames = [stepper.frame(k, caption_in_picture=False) for k in range(len(stepper))]
    svgs = [inline_svg(f.pipe("svg").decode("utf-8")) for f in frames]
    captions = [f.caption for f in frames]
    play = ipywidgets.Play(min=0, max=len(svgs) - 1, interval=1200)
    slider = ipywidgets.IntSlider(min=0, max=len(svgs) - 1, description="frame")
    ipywidgets.jslink((play, "value"), (slider, "value"))
    view = ipywidgets.HTML()

    def show(change: Any) -> None:
        k = slider.value
        view.value = f'<pre>{html.escape(captions[k])}</pre>{svgs[k]}'

    slider.observe(show, names="value")
    show(None)
    return ipywidgets.VBox([ipywidgets.HBox([play, slider]), view])
