"""Every lesson, guide and API page is in mkdocs.yml's nav: MkDocs only mentions a page left out
(an INFO line, which --strict lets pass), so a notebook added to notebooks/ would vanish from the
site without this."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAV = ROOT.joinpath("mkdocs.yml").read_text(encoding="utf-8").split("\nnav:", 1)[1].split("\n\n", 1)[0]


def test_every_page_is_in_the_nav():
    pages = [f"notebooks/{path.name}" for path in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    pages += [str(path.relative_to(ROOT / "docs")) for path in sorted((ROOT / "docs").glob("**/*.md"))
              if "notebooks" not in path.parts]
    assert len(pages) > 20
    assert [page for page in pages if f" {page}" not in NAV] == []
