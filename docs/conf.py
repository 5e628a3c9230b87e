"""Sphinx configuration of the skdm2c documentation.

Build (from the repository root)::

    python -m sphinx -W -b html docs docs/_build/html

Set ``SKDM2C_DOCS_PLOT=0`` (or pass ``-D plot_gallery=0``) to render the
gallery without executing the example scripts: a fast build that still
checks every page and docstring.  Nothing is fetched from the network at
build time (no intersphinx).
"""

import os
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
REPO_ROOT = DOCS_DIR.parent

# Document the checkout, not an installed copy elsewhere.
sys.path.insert(0, str(REPO_ROOT))

# The gallery runs every example in this process.  One BLAS / OpenMP thread
# per process is much faster than oversubscription on a small shared CPU
# (the 2-core CI machine), and must be set before torch is imported.  A
# value already set by the caller wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# The real-data gallery scripts read $SKDM2C_DATA; default it to the project's
# data folder beside the checkout (they fall back to synthetic data without it).
os.environ.setdefault("SKDM2C_DATA", str(REPO_ROOT.parent / "shared" / "data"))

import skdm2c  # noqa: E402

# -- Project information -----------------------------------------------------

project = "skdm2c"
author = "skdm2c developers"
copyright = "2026, skdm2c developers"
version = release = skdm2c.__version__

# -- General configuration ---------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
root_doc = "index"
default_role = "literal"  # single backticks in the .rst pages render as code

# autodoc / autosummary
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc docstrings carry the types

# numpydoc
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# math (MathJax is loaded from the theme's default CDN by the *browser*
# when a page is viewed; the build itself fetches nothing)
mathjax3_config = {"tex": {"inlineMath": [["\\(", "\\)"]]}}

# -- sphinx-gallery ----------------------------------------------------------


def _plot_gallery():
    """``SKDM2C_DOCS_PLOT=0`` renders the gallery without running it."""
    value = os.environ.get("SKDM2C_DOCS_PLOT", "1").strip().lower()
    return value not in {"0", "false", "no", "off"}


sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    # run every example script whose name starts with plot_
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    # a string, like sphinx-gallery's own default, so that ``-D plot_gallery=0``
    # on the command line (also a string) overrides it without a type warning
    "plot_gallery": str(_plot_gallery()),
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "show_memory": False,
    "matplotlib_animations": False,
    "backreferences_dir": None,
    "doc_module": (),
    "reference_url": {},
    "default_thumb_file": None,
    "min_reported_time": 0,
    "reset_modules": ("matplotlib",),
}

# -- HTML output -------------------------------------------------------------

try:
    import pydata_sphinx_theme  # noqa: F401
except ImportError:  # pragma: no cover - fall back to Sphinx' own theme
    html_theme = "alabaster"
    html_theme_options = {}
else:
    html_theme = "pydata_sphinx_theme"
    html_theme_options = {
        "navigation_with_keys": False,
        "show_prev_next": True,
        "header_links_before_dropdown": 7,
        "secondary_sidebar_items": ["page-toc"],
        "navbar_end": ["navbar-icon-links"],
    }
    html_sidebars = {"**": ["sidebar-nav-bs"], "index": []}

html_title = f"skdm2c {release}"
html_static_path = ["_static"]
html_show_sourcelink = False


# -- Docstring clean-up -------------------------------------------------------
#
# scikit-learn style shape specifications name fitted attributes, e.g.
# ``ndarray of shape (n_features_in_,)``.  In reStructuredText a word ending
# in ``_`` is a hyperlink reference, so docutils reports "Unknown target
# name".  Escape the trailing underscore inside ``shape (...)`` only.

import re  # noqa: E402

_SHAPE = re.compile(r"shape \(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_TRAILING_UNDERSCORE = re.compile(r"\b([A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?)_(?=[,)\s]|$)")


def _escape_shape_references(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        if "shape (" in line and "_" in line:
            lines[i] = _SHAPE.sub(
                lambda m: "shape (" + _TRAILING_UNDERSCORE.sub(r"\1\\_", m.group(1)) + ")",
                line,
            )


def setup(app):
    # Runs before numpydoc (priority 500), which parses the sections.
    app.connect("autodoc-process-docstring", _escape_shape_references, priority=100)
