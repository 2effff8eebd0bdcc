"""A folder of image files, one subfolder per class (nothing is decoded)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .._training.image_files import IMAGE_EXTENSIONS

__all__ = ["load_image_folder"]


def load_image_folder(
    path: str | os.PathLike,
    *,
    extensions: tuple[str, ...] = IMAGE_EXTENSIONS,
    check_files: bool = True,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """List the images of a folder with one subfolder per class.

    The layout of the classic cats-vs-dogs data::

        path/
            cat/  cat.0.jpg  cat.1.jpg ...
            dog/  dog.0.jpg ...

    Class names are the subfolder names, sorted; a class's label is its
    position in that list. Files are listed in sorted order within each
    class, so the result does not depend on the file system. Subfolders
    are searched recursively; files of other extensions are skipped.
    Nothing is decoded: pass the paths as ``X`` to
    :class:`skdl.ConvClassifier` (or :class:`skdl.KerasClassifier`), which
    decodes them batch by batch.

    Parameters
    ----------
    path : str or path-like
        The folder.
    extensions : tuple of str, default=('.bmp', '.gif', '.jpeg', '.jpg', '.png')
        File extensions (any case) counted as images.
    check_files : bool, default=True
        Open every file's header with Pillow, so that a file that is not an
        image is reported now, by name, rather than in the middle of
        training. Reads a few hundred bytes per file.

    Returns
    -------
    paths : ndarray of str, shape (n_images,)
        The image files.
    labels : ndarray of int, shape (n_images,)
        Each file's class, an index into ``class_names``.
    class_names : list of str
        The subfolder names, sorted.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When ``path`` is not a folder, has no class subfolder, a class holds
        no image, or (with ``check_files``) a file is not a readable image.

    Examples
    --------
    >>> import numpy as np
    >>> from PIL import Image
    >>> from skdl.datasets import load_image_folder
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ["cat", "dog"]:
    ...     (root / name).mkdir()
    ...     for i in range(2):
    ...         Image.new("RGB", (8, 8)).save(root / name / f"{i}.png")
    >>> paths, labels, class_names = load_image_folder(root)
    >>> labels, class_names
    (array([0, 0, 1, 1]), ['cat', 'dog'])
    """
    root = Path(path).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"Image folder {str(root)!r} not found.")
    if not root.is_dir():
        raise ValueError(f"{str(root)!r} is a file; pass a folder of class folders.")
    suffixes = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions}
    class_names = sorted(p.name for p in root.iterdir() if p.is_dir())
    if not class_names:
        raise ValueError(
            f"{str(root)!r} has no subfolders. Put the images of each class in "
            "a subfolder named after the class (path/cat/*.jpg, path/dog/*.jpg)."
        )
    paths, labels = [], []
    for label, name in enumerate(class_names):
        files = sorted(
            str(f)
            for f in (root / name).rglob("*")
            if f.suffix.lower() in suffixes and f.is_file()
        )
        if not files:
            raise ValueError(
                f"The class folder {str(root / name)!r} holds no image (files "
                f"ending in {sorted(suffixes)}). Remove it or add its images."
            )
        paths += files
        labels += [label] * len(files)
    if check_files:
        _check_readable(paths)
    return np.asarray(paths, dtype=str), np.asarray(labels), class_names


def _check_readable(paths: list[str]) -> None:
    from PIL import Image

    for p in paths:
        try:
            with Image.open(p):
                pass
        except (OSError, ValueError, SyntaxError) as exc:
            raise ValueError(
                f"{p!r} is not a readable image ({exc}). Remove or replace it, "
                "or pass check_files=False to find out when it is decoded."
            ) from exc
