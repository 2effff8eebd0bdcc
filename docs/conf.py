"""Sphinx configuration for skdl's documentation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path[:0] = [str(ROOT), str(DOCS)]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import skdl  # noqa: E402

project = "skdl"
author = "The skdl developers"
copyright = "2026, The skdl developers"
release = skdl.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_inventories", "auto_examples/*.ipynb"]
myst_heading_anchors = 3

templates_path = ["_templates"]
autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# No network at build time: the inventories are stored in _inventories/
# (where they come from: _inventories/README.md).
intersphinx_mapping = {
    "sklearn": (
        "https://scikit-learn.org/stable/",
        str(DOCS / "_inventories" / "sklearn.inv"),
    ),
    "keras": ("https://keras.io/api/", str(DOCS / "_inventories" / "keras.inv")),
}

# The example gallery: every script in examples/ (but _util.py and other names
# starting with an underscore) runs once per build; its printed output and its
# figures go into its page, and an example that fails fails the build.
# SKDL_EXAMPLES_FAST=1 (CI) runs the short versions; SKDL_GALLERY_ONLY=REGEX
# runs only the examples whose path matches (the others get a page without
# output), to check one example quickly.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": os.environ.get("SKDL_GALLERY_ONLY", r"[\\/][a-z][^\\/]*\.py$"),
    "ignore_pattern": r"(^|[\\/])_[^\\/]*\.py$",
    "within_subsection_order": "FileNameSortKey",
    "reset_argv": "_gallery.reset_argv",
    "image_scrapers": ("_gallery.figures",),
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_signature": False,
    "capture_repr": (),
    "abort_on_example_error": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"skdl {release}"
html_theme_options = {
    "header_links_before_dropdown": 6,
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
html_static_path = ["_static"]
html_css_files = ["skdl.css"]

# Members documented elsewhere: scikit-learn's generated metadata-routing
# setters, and Keras callback hooks (their docstrings are Keras').
autodoc_inherit_docstrings = False
_SKIP_PREFIXES = ("on_", "set_model", "set_params")


def _skip_member(app, what, name, obj, skip, options):
    if name.startswith("set_") and name.endswith("_request"):
        return True
    if (
        what == "class"
        and name.startswith(_SKIP_PREFIXES)
        and not getattr(obj, "__doc__", None)
    ):
        return True
    return None


def _examples_write_here(app):
    """Files the examples save go beside the doctrees, not into examples/."""
    out = Path(app.doctreedir) / "examples_output"
    os.environ["SKDL_EXAMPLES_OUT"] = str(out)
    os.environ.setdefault("MPLBACKEND", "Agg")


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    # Before the gallery's own handler, which runs the examples.
    app.connect("builder-inited", _examples_write_here, priority=100)
