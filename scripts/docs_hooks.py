"""MkDocs hooks for the documentation site (mkdocs.yml names this file under `hooks:`).

MathJax comes from the django-static-mathjax package (the docs extra) and is served by the site
itself, so pages render their math offline and never ask a CDN for it.
"""
from __future__ import annotations

from importlib import resources

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

MATHJAX_SITE_PATH = "assets/mathjax/tex-svg-full.js"
# One self-contained file: every TeX extension and the SVG glyphs are inside, so it fetches nothing.
MATHJAX_PACKAGE_PATH = "static/mathjax/es5/tex-svg-full.js"


def mathjax_script() -> str:
    """The path of MathJax's combined TeX-to-SVG script inside the installed package."""
    try:
        package = resources.files("mathjax")
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "The documentation renders math with MathJax from the django-static-mathjax package: "
            "pip install -e '.[docs]' (or run `make docs`, which installs it).") from None
    return str(package / MATHJAX_PACKAGE_PATH)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, MATHJAX_SITE_PATH, abs_src_path=mathjax_script()))
    return files
