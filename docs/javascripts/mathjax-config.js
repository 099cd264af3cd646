// MathJax 3 reads this before it loads (mkdocs.yml lists it first). Guides write math through
// pymdownx.arithmatex (\( \) and \[ \]); the lessons' Markdown cells use $ and $$ as Jupyter does.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
  },
  options: {
    // Code, program output and the API signatures are never math, even when they hold a $.
    ignoreHtmlClass: "highlight|highlight-ipynb|jp-OutputArea|doc-signature",
  },
};
