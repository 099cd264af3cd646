"""No page of the built site loads a script, stylesheet, font or image from another host: the site
works offline and from a local folder (the browser test checks three pages live; this reads all)."""
from __future__ import annotations

import re
from pathlib import Path

# src= / href= of the tags that load something (a plain <a href> to another site loads nothing).
LOADED = re.compile(r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"([^\"]*)\"|<link\b[^>]*\bhref=\"([^\"]*)\"")
REMOTE = re.compile(r"^(?:https?:)?//")


def test_no_page_loads_anything_from_another_host(site: Path):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    remote = {}
    for page in pages:
        urls = [src or href for src, href in LOADED.findall(page.read_text(encoding="utf-8"))]
        found = [url for url in urls if REMOTE.match(url)]
        if found:
            remote[str(page.relative_to(site))] = found
    assert remote == {}, f"pages load from other hosts: {remote}"


def test_every_page_loads_mathjax_from_the_site(site: Path):
    for page in (site / "index.html", site / "notebooks" / "01_computation_graph" / "index.html"):
        assert "assets/mathjax/tex-svg-full.js" in page.read_text(encoding="utf-8")
    assert (site / "assets" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000
