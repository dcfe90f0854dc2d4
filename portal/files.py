"""Checks for files people upload and spreadsheets the portal writes, in one place."""

from __future__ import annotations

import warnings

from PIL import Image, UnidentifiedImageError

#: What a spreadsheet runs as a formula when a cell starts with it.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """A cell value that a spreadsheet will not run as a formula: text starting like a
    formula gets a leading quote; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def image_format(upload) -> str | None:
    """The format Pillow reads in ``upload`` ("JPEG", "PNG", "WEBP"...), judged by its
    content and not its name, or None when it is not an image (or a decompression bomb).
    The file's position is left where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                found = image.format
                image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return None
    finally:
        upload.seek(position)
    return found


def private_storage():
    """The storage of files with an audience (settings ``STORAGES["private"]``): they are
    only ever served by a view that asks the visibility policy."""
    from django.core.files.storage import storages

    return storages["private"]
