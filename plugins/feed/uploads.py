"""Attachments of posts: what may be uploaded, and storing it on the private storage.

Files are judged by their content before their name: an image is what Pillow reads as a
JPEG, PNG, GIF or WEBP (whatever it is called), and is stored re-encoded (pixels only:
a script hidden in it is gone) under a generated name of its format; any other file needs
one of the document extensions the portal accepts (``WAGTAILDOCS_EXTENSIONS``) and is
stored under a generated name with that extension, its own name kept for display only
(bounded in bytes, see :mod:`portal.files`). Everything else (programs, HTML, SVG, a
``.png`` that is not an image) is refused, with a message naming the file and the rule,
and :func:`validate` checks every file before :func:`save` stores any, so a refused file
leaves nothing behind.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plugins.feed.models import Attachment
from portal import files

#: The image formats shown inline, by Pillow's name, with their content type.
IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
#: Names that promise an image: their content must be one.
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}


def max_files() -> int:
    return settings.PORTAL_POST_MAX_FILES


def max_file_bytes() -> int:
    return settings.PORTAL_POST_MAX_FILE_BYTES


def max_image_bytes() -> int:
    return settings.PORTAL_POST_MAX_IMAGE_BYTES


def document_extensions() -> list[str]:
    return [extension.lower() for extension in settings.WAGTAILDOCS_EXTENSIONS]


@dataclass
class Upload:
    """A file that passed the checks, ready to store."""

    file: object
    name: str
    size: int
    content_type: str
    is_image: bool
    width: int | None = None
    height: int | None = None
    #: The generated name it is stored under (``<hex>.<ext>``), never the client's.
    storage_name: str = ""


def _display_name(upload) -> str:
    max_bytes = Attachment._meta.get_field("name").max_length
    return files.display_name(getattr(upload, "name", ""), _("file"), max_bytes=max_bytes)


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return size


def check_file(upload) -> Upload:
    """One file, checked; raises ``ValidationError({"files": [message]})``."""
    name = _display_name(upload)
    size = _size(upload)
    if size <= 0:
        raise ValidationError({"files": [_("“%(name)s” is empty.") % {"name": name}]})
    found = files.image_format(upload)
    extension = files.extension_of(name)
    if found in IMAGE_TYPES:
        if size > max_image_bytes():
            raise ValidationError(
                {
                    "files": [
                        _("The image “%(name)s” is %(size)s; images may be at most %(limit)s.")
                        % {
                            "name": name,
                            "size": filesizeformat(size),
                            "limit": filesizeformat(max_image_bytes()),
                        }
                    ]
                }
            )
        try:
            clean = files.reencode_image(upload, IMAGE_TYPES)
        except files.ImageRefused as refusal:
            raise ValidationError({"files": [_image_refusal(name, refusal)]}) from refusal
        return Upload(
            clean,
            files.display_name(_renamed(name, clean), _("file")),
            clean.size,
            clean.content_type,
            True,
            clean.width,
            clean.height,
            storage_name=clean.name,
        )
    if extension in IMAGE_EXTENSIONS:
        raise ValidationError(
            {
                "files": [
                    _("“%(name)s” is not a valid image (JPEG, PNG, GIF or WEBP).") % {"name": name}
                ]
            }
        )
    allowed = document_extensions()
    if extension not in allowed:
        raise ValidationError(
            {
                "files": [
                    _(
                        "“%(name)s” cannot be attached: only images (JPEG, PNG, GIF, WEBP) and "
                        "files of these types are accepted: %(types)s."
                    )
                    % {"name": name, "types": ", ".join(allowed)}
                ]
            }
        )
    if size > max_file_bytes():
        raise ValidationError(
            {
                "files": [
                    _("The file “%(name)s” is %(size)s; files may be at most %(limit)s.")
                    % {
                        "name": name,
                        "size": filesizeformat(size),
                        "limit": filesizeformat(max_file_bytes()),
                    }
                ]
            }
        )
    content_type = mimetypes.guess_type(f"file.{extension}")[0] or "application/octet-stream"
    return Upload(
        upload, name, size, content_type, False, storage_name=files.storage_name(extension)
    )


def _image_refusal(name: str, refusal: files.ImageRefused) -> str:
    if refusal.reason == "pixels":
        return _("The image “%(name)s” has too many pixels (at most %(limit)d million).") % {
            "name": name,
            "limit": files.MAX_IMAGE_PIXELS // 1_000_000,
        }
    return _("“%(name)s” is not a valid image (JPEG, PNG, GIF or WEBP).") % {"name": name}


def _renamed(name: str, clean: files.CleanImage) -> str:
    """The display name of an image with the extension of its real format: a GIF sent as
    ``cover.html`` is downloaded as ``cover.gif``."""
    extension = clean.name.rsplit(".", 1)[-1]
    given = files.extension_of(name)
    if given == extension or (given == "jpeg" and extension == "jpg"):
        return name
    stem = name.rsplit(".", 1)[0] if given else name
    return f"{stem}.{extension}"


def validate(files, *, existing: int = 0) -> list[Upload]:
    """Check every file (and their number, with ``existing`` already on the post) before
    anything is stored."""
    files = [f for f in files or () if f]
    if existing + len(files) > max_files():
        raise ValidationError(
            {
                "files": [
                    ngettext(
                        "A post may have at most %(limit)d attachment.",
                        "A post may have at most %(limit)d attachments.",
                        max_files(),
                    )
                    % {"limit": max_files()}
                ]
            }
        )
    return [check_file(upload) for upload in files]


def save(post, uploads: list[Upload], stored: list | None = None) -> list[Attachment]:
    """Store checked files as attachments of ``post``, inside the post's transaction.

    The name of each stored file is appended to ``stored`` as soon as it is written, so the
    caller can remove the files again if the transaction rolls back."""
    position = (
        max(post.attachments.values_list("position", flat=True), default=-1) + 1 if post.pk else 0
    )
    attachments = []
    for offset, upload in enumerate(uploads):
        attachment = Attachment(
            post=post,
            name=upload.name,
            size=upload.size,
            content_type=upload.content_type,
            is_image=upload.is_image,
            width=upload.width,
            height=upload.height,
            position=position + offset,
        )
        upload.file.seek(0)
        attachment.file.save(upload.storage_name, upload.file, save=False)
        if stored is not None:
            stored.append(attachment.file.name)
        attachment.save()
        attachments.append(attachment)
    return attachments


def delete_files(names) -> None:
    """Remove stored files (after the rows that pointed to them are gone)."""
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)
