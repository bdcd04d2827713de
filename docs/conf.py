"""Sphinx configuration of the fastkmeans documentation site.

Build (from the repository root, with the ``docs`` extra installed)::

    python -m sphinx -W --keep-going -j auto -b html docs docs/_build/html

The guides are the Markdown files of ``docs/`` (MyST), the API reference is
generated from the docstrings of the installed package (numpydoc), and the
theme is the PyData one, as NumPy's, SciPy's and scikit-learn's.
"""
import fastkmeans

project = "fastkmeans"
author = "the fastkmeans developers"
copyright = "the fastkmeans developers"
version = release = fastkmeans.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# The guides link to each other as .md files and to the figures: MyST
# resolves both; headings get anchors for in-page links.
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath"]

autosummary_generate = True
autodoc_typehints = "none"   # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# numpydoc's validation: every public docstring has its sections in order
numpydoc_validation_checks = {"GL06", "GL07", "SA04"}

# No intersphinx: the site builds offline (CI has no network).

html_theme = "pydata_sphinx_theme"
html_title = f"fastkmeans {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
