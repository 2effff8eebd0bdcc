"""Hooks of the example gallery (sphinx-gallery), named by string in conf.py.

Named by string, not passed as functions, so that Sphinx can cache its
configuration between builds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: The tutorials' real files, beside the checkout (never committed).
SHARED_DATA = Path(
    os.environ.get("SKDL_SHARED_DATA") or ROOT.parent / "shared" / "data"
)

#: Examples that take a data file as their first argument, and the file.
DATA_ARGUMENTS = {
    "churn_pipeline.py": "Churn_Modelling.csv",
    "cnn_mnist.py": "mnist.npz",
    "first_network.py": "pima-indians-diabetes.csv",
    "image_folder.py": "mnist.npz",
    "mlp_mnist_filters.py": "mnist.npz",
    "text_sms_spam.py": "sms_spam.tsv",
    "transfer_mnist_digits.py": "mnist.npz",
}


def reset_argv(gallery_conf: dict, script_vars: dict[str, Any]) -> list[str]:
    """Arguments of an example: its real data file when that file is here.

    Without the file the example runs on its offline stand-in, as it does
    for a reader who has no copy.
    """
    name = Path(script_vars["src_file"]).name
    data = SHARED_DATA / DATA_ARGUMENTS.get(name, "")
    return [str(data)] if name in DATA_ARGUMENTS and data.is_file() else []


def figures(block: Any, block_vars: dict[str, Any], gallery_conf: dict) -> str:
    """Scrape pyplot's figures, and the plain ``Figure`` objects skdl returns.

    skdl's plotting functions return figures that pyplot does not manage
    (they never open a window), so matplotlib's own scraper does not see
    them; an example shows one by keeping it in a global variable.
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst, matplotlib_scraper

    for number in plt.get_fignums():  # matplotlib's scraper saves these
        plt.figure(number)._skdl_gallery_shown = True
    rst = matplotlib_scraper(block, block_vars, gallery_conf)
    paths = []
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and not getattr(
            value, "_skdl_gallery_shown", False
        ):
            path = next(block_vars["image_path_iterator"])
            value.savefig(path)
            value._skdl_gallery_shown = True
            paths.append(path)
    return rst + figure_rst(paths, gallery_conf["src_dir"]) if paths else rst
