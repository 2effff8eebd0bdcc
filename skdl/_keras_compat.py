"""Private Keras names used by the backbone loader, kept in one place.

Keras has no public way to ask which weights file a ``keras.applications``
constructor would download, nor where its download cache lives; both are
read here from Keras' own modules, so that skdl can name the file and
refuse to download it. Each name is covered by a test.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

__all__ = ["DownloadRefused", "keras_cache_dir", "refused_downloads"]

# One patch at a time, so that nested or concurrent blocks restore the original.
_PATCH_LOCK = threading.Lock()


class DownloadRefused(Exception):
    """Raised in place of a Keras download; carries what would be fetched."""

    def __init__(self, fname: str, origin: str, cache_subdir: str):
        super().__init__(fname)
        self.fname = fname
        self.origin = origin
        self.cache_subdir = cache_subdir


def keras_cache_dir() -> str:
    """The folder where Keras keeps (and looks for) downloaded files."""
    from keras.src.backend import config

    return str(config.keras_home())


@contextlib.contextmanager
def refused_downloads() -> Iterator[None]:
    """Within the block, Keras' ``get_file`` raises :class:`DownloadRefused`.

    ``keras.applications`` constructors fetch their weights through
    ``keras.src.utils.file_utils.get_file``, looked up at call time. The
    patch is process-wide while the block runs (about a second, to build a
    network): a Keras download started by another thread meanwhile is
    refused too.
    """
    from keras.src.utils import file_utils

    def refuse(fname=None, origin=None, *args, cache_subdir="datasets", **kwargs):
        name = fname or os.path.basename(str(origin))
        raise DownloadRefused(name, str(origin), cache_subdir)

    with _PATCH_LOCK:
        original = file_utils.get_file
        file_utils.get_file = refuse
        try:
            yield
        finally:
            file_utils.get_file = original
