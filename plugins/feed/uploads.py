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

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from plugins.feed.models import Attachment
from portal import files

#: The image formats shown inline, by Pillow's name, with their content type.
IMAGE_TYPES = files.UPLOAD_IMAGE_TYPES
#: Names that promise an image: their content must be one.
IMAGE_EXTENSIONS = files.UPLOAD_IMAGE_EXTENSIONS
#: A file that passed the checks, ready to store.
Upload = files.Upload

max_files = files.max_upload_files
max_file_bytes = files.max_upload_file_bytes
max_image_bytes = files.max_upload_image_bytes
document_extensions = files.upload_document_extensions


def check_file(upload) -> Upload:
    """One file, checked (:func:`portal.files.check_upload`); raises
    ``ValidationError({"files": [message]})``."""
    max_bytes = Attachment._meta.get_field("name").max_length
    return files.check_upload(upload, field="files", name_max_bytes=max_bytes)


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
    return [
        files.store_upload(Attachment(post=post, position=position + offset), upload, stored)
        for offset, upload in enumerate(uploads)
    ]


def delete_files(names) -> None:
    """Remove stored files (after the rows that pointed to them are gone)."""
    files.delete_stored(Attachment._meta.get_field("file").storage, names)
