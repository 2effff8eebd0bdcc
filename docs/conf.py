"""Sphinx configuration for skdl's documentation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
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
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_heading_anchors = 3

templates_path = ["_templates"]
autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# No network at build time: intersphinx inventories are not fetched.
intersphinx_mapping: dict = {}

html_theme = "alabaster"
html_title = f"skdl {release}"

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


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
