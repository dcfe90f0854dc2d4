"""Files people upload, and spreadsheets the portal writes: one place for both.

Uploads are judged by their content, never by their name or the type the client claims:

* an image is what Pillow reads as one of the formats a site accepts; it is **re-encoded**
  (:func:`reencode_image`): pixels only, so whatever else the file carried (an HTML page
  or a script hidden in a comment, EXIF with the place a photo was taken, a colour
  profile) is gone; EXIF's orientation is applied to the pixels first, so the picture
  stays upright. It is stored under a generated name whose extension is the one of the
  detected format (``3f2a….png``), whatever the client called it (``cover.html``);
* any other file (post attachments) keeps the name people gave it for display only
  (:func:`display_name`: no path, no control characters, at most 255 bytes of UTF-8) and
  is stored under a generated name (:func:`storage_name`), so no name is ever too long
  for the file system or the model field.

Serving (:func:`file_response`): a file is served as an image only when its content is
an image of the format its name says; everything else is ``application/octet-stream``
and a download (``Content-Disposition: attachment``). Always ``X-Content-Type-Options:
nosniff`` and a sandboxing content security policy, so nothing we serve runs as a page of
the portal.

Where files live, and who gets them. Files people upload belong to content with an
audience (a secret group's cover, a pending initiative's photo, a post's attachment),
and that audience changes (a member leaves, a group becomes secret). So every such file
is on the **private storage** (:func:`private_storage`, never exposed by a web server) and
is only served by a view that asks the visibility policy about the object it belongs to,
on every request: a person who left gets a 404 at once, the same 404 (same status, same
page) as for a file that never existed. Fields declare this by being a
:class:`PrivateImageField`, whose URL is ``/files/<app.model.field>/<pk>/<name>`` (the
name changes with each new upload, so caches never serve an old file at a new URL).
Public media (``MEDIA_ROOT``) keeps only what everyone may see: the images editors put
in pages (Wagtail's images and renditions), served by :func:`serve_media` with the same
headers; Wagtail's documents have their own checked view and are never served from it.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import os
import posixpath
import re
import unicodedata
import uuid
import warnings
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

logger = logging.getLogger(__name__)

#: What a spreadsheet runs as a formula when a cell starts with it.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: The image formats the portal stores, by Pillow's name: (extension, content type).
IMAGE_TYPES: dict[str, tuple[str, str]] = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
#: Pixels (summed over the frames of an animation) above which an image is refused:
#: decoding it would take hundreds of megabytes, whatever its size on disk.
MAX_IMAGE_PIXELS = 40_000_000
#: Frames of an animated GIF or WebP, at most.
MAX_FRAMES = 500
#: Bytes of a file name once encoded in UTF-8: the limit of one path component on the
#: common file systems (ext4, APFS, NTFS count 255 bytes or units), kept for display
#: names too so that a download saves under the name shown.
MAX_NAME_BYTES = 255
#: How long a browser may keep a checked file before asking again.
PRIVATE_MAX_AGE = 3600
#: The policy under which a served file can do nothing if a browser renders it.
SANDBOX_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def neutralise_formula(value):
    """A cell value that a spreadsheet will not run as a formula: text starting like a
    formula gets a leading quote; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --- Judging and re-encoding images ----------------------------------------------------


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


class ImageRefused(ValueError):
    """Why :func:`reencode_image` refused a file: ``reason`` is "invalid" (not an image of
    the accepted formats) or "pixels" (too many pixels or frames)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CleanImage(ContentFile):
    """An image as the portal stores it: re-encoded bytes under a generated name
    (``<hex>.<ext>``), with its format, content type and size in pixels."""

    def __init__(self, content: bytes, *, format: str, width: int, height: int):
        extension, self.content_type = IMAGE_TYPES[format]
        super().__init__(content, name=storage_name(extension))
        self.format = format
        self.width = width
        self.height = height


def _without_metadata(image: Image.Image) -> Image.Image:
    """``image`` with only what drawing it needs in ``info`` (no comment, EXIF, XMP or
    colour profile: a polyglot's payload hides there)."""
    kept = {key: image.info[key] for key in ("transparency", "duration") if key in image.info}
    image.info = kept
    return image


def centred_square(image: Image.Image) -> Image.Image:
    """The largest centred square of ``image`` (a profile photo is shown square: the
    rest of a landscape or portrait picture would be stretched)."""
    side = min(image.width, image.height)
    if image.width == image.height:
        return image
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side))


def _encode_still(image: Image.Image, fmt: str, square: bool = False) -> Image.Image:
    # Upright first (EXIF orientation), so the square is cut from what people see.
    image = ImageOps.exif_transpose(image)
    if square:
        image = centred_square(image)
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    elif fmt == "GIF":
        if image.mode not in ("P", "L", "1"):
            image = image.convert("RGBA")
    elif image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    return _without_metadata(image)


def reencode_image(upload, formats, *, square: bool = False) -> CleanImage:
    """``upload`` re-encoded in its own format, if that format is one of ``formats``
    (Pillow's names); ``square`` keeps its centred square only (an animation's frames
    too). Raises :class:`ImageRefused`."""
    fmt = image_format(upload)
    if fmt not in formats or fmt not in IMAGE_TYPES:
        raise ImageRefused("invalid")
    position = upload.tell()
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            frames = getattr(image, "n_frames", 1) if fmt in ("GIF", "WEBP") else 1
            if frames > MAX_FRAMES or image.width * image.height * frames > MAX_IMAGE_PIXELS:
                raise ImageRefused("pixels")
            output = io.BytesIO()
            options = {"format": fmt}
            if fmt in ("JPEG", "WEBP"):
                options["quality"] = 90
            if frames > 1:
                sequence = [
                    _without_metadata(
                        centred_square(frame.convert("RGBA")) if square else frame.convert("RGBA")
                    )
                    for frame in ImageSequence.Iterator(image)
                ]
                options.update(
                    save_all=True,
                    append_images=sequence[1:],
                    duration=[frame.info.get("duration", 100) for frame in sequence],
                    loop=int(image.info.get("loop", 0) or 0),
                    disposal=2,
                )
                first = sequence[0]
            else:
                image.load()
                first = _encode_still(image, fmt, square)
            first.save(output, **options)
            width, height = image.width, image.height
            if frames == 1 or square:
                width, height = first.width, first.height
    except ImageRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageRefused("invalid") from error
    finally:
        upload.seek(position)
    return CleanImage(output.getvalue(), format=fmt, width=width, height=height)


def clean_image(
    upload,
    *,
    formats,
    max_bytes: int,
    invalid_message,
    too_large_message,
    field: str | None = None,
    square: bool = False,
) -> CleanImage:
    """The checked, re-encoded image of an upload site (a cover, a photo...).

    Refuses files over ``max_bytes``, files that are not images of ``formats`` and images
    with too many pixels, with ``ValidationError`` naming ``field`` (or a plain one when
    ``field`` is None, for a form's ``clean_<field>``); ``square``: cropped to its
    centred square (profile photos). An already clean image is
    returned as is, so a form and the service behind it may both call this."""
    if isinstance(upload, CleanImage):
        return upload
    message, code = None, ""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        message, code = too_large_message, "file_too_large"
    else:
        try:
            return reencode_image(upload, formats, square=square)
        except ImageRefused as refusal:
            if refusal.reason == "pixels":
                message = _("The image is too large: at most %(pixels)d million pixels.") % {
                    "pixels": MAX_IMAGE_PIXELS // 1_000_000
                }
                code = "image_too_large"
            else:
                message, code = invalid_message, "invalid_image"
    error = ValidationError(message, code=code)
    raise ValidationError({field: [error]}) if field else error


# --- Names ------------------------------------------------------------------------------


def storage_name(extension: str) -> str:
    """A generated file name: 32 random hex digits and ``extension`` (lower case, letters
    and digits only), e.g. ``9f0c….png``."""
    extension = re.sub(r"[^a-z0-9]", "", (extension or "").lower())[:10]
    return f"{uuid.uuid4().hex}.{extension}" if extension else uuid.uuid4().hex


def truncate_bytes(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` bytes of UTF-8, never inside a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def display_name(name, fallback: str = "file", max_bytes: int = MAX_NAME_BYTES) -> str:
    """The name of an uploaded file as people see it and download it: its last path
    component, normalised (NFC), without control or bidirectional-override characters
    or lone surrogates, at most ``max_bytes`` bytes of UTF-8 (the stem is shortened, the
    extension kept), or ``fallback``."""
    name = str(name or "").replace("\\", "/")
    name = _CONTROL.sub("", posixpath.basename(name))
    name = unicodedata.normalize("NFC", name).strip().strip(".")
    if not name:
        return fallback
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode("utf-8")) > 20:
        return truncate_bytes(name, max_bytes).strip() or fallback
    stem = truncate_bytes(stem, max_bytes - len(extension.encode("utf-8")) - 1).strip()
    return f"{stem}.{extension}" if stem else truncate_bytes(name, max_bytes)


def extension_of(name: str) -> str:
    """The lower-case extension of a file name, without the dot ("" when none)."""
    name = posixpath.basename(str(name or ""))
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


# --- Storage ----------------------------------------------------------------------------


def private_storage():
    """The storage of files with an audience (settings ``STORAGES["private"]``): they are
    only ever served by a view that asks the visibility policy."""
    from django.core.files.storage import storages

    return storages["private"]


def public_storage():
    """The storage of public media (Wagtail's images): ``STORAGES["default"]``."""
    from django.core.files.storage import storages

    return storages["default"]


@dataclass(frozen=True)
class ServedField:
    """A :class:`PrivateImageField` of a model, as the file view finds it."""

    model: type[models.Model]
    name: str
    visibility_through: str | None


#: ``"app_label.model.field"`` -> the field, for the file view.
SERVED_FIELDS: dict[str, ServedField] = {}


def served_key(model: type[models.Model], field_name: str) -> str:
    return f"{model._meta.label_lower}.{field_name}"


class PrivateImageFieldFile(ImageFieldFile):
    """The file of a :class:`PrivateImageField`: its URL is the checked view's."""

    @property
    def url(self) -> str:
        self._require_file()
        key = served_key(type(self.instance), self.field.name)
        return reverse("portal-file", args=[key, self.instance.pk, posixpath.basename(self.name)])


class PrivateImageField(models.ImageField):
    """An uploaded image that belongs to content with an audience: stored on the private
    storage, served only by :func:`serve_private` to the people who may see its object
    (the model instance, or the object at ``visibility_through``, e.g. a profile's
    ``"user"``). Store :class:`CleanImage` values in it (see :func:`clean_image`)."""

    attr_class = PrivateImageFieldFile

    def __init__(self, *args, visibility_through: str | None = None, **kwargs):
        kwargs.setdefault("storage", private_storage)
        self.visibility_through = visibility_through
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        # Only the real models: migrations build historical copies in other registries.
        if cls._meta.apps is global_apps and not cls._meta.abstract:
            SERVED_FIELDS[served_key(cls, name)] = ServedField(cls, name, self.visibility_through)


def delete_on_commit(storage, name: str | None) -> None:
    """Remove a stored file once the current transaction commits (a replaced cover...)."""
    from django.db import transaction

    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Serving ----------------------------------------------------------------------------


def served_image_type(handle, name: str) -> str | None:
    """The content type to serve a stored file as an image, or None: its content must be
    an image of the format its extension names (both, so neither can lie)."""
    expected = {extension: fmt for fmt, (extension, _type) in IMAGE_TYPES.items()}
    expected["jpeg"] = "JPEG"
    fmt = expected.get(extension_of(name))
    if fmt is None:
        return None
    position = handle.tell()
    try:
        handle.seek(0)
        with Image.open(handle) as image:
            found = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        handle.seek(position)
    return IMAGE_TYPES[fmt][1] if found == fmt else None


#: Content types never sent for a user's file, even as a download (a browser that ignores
#: the disposition must still not render it): pages, scripts, SVG, XML.
_ACTIVE_TYPES = re.compile(r"html|xml|svg|javascript|ecmascript|xsl|multipart", re.IGNORECASE)


def file_response(
    handle,
    *,
    stored_name: str,
    download_name: str | None = None,
    content_type: str | None = None,
    private: bool = True,
) -> FileResponse:
    """Serve an open stored file so that it cannot run in the portal's origin.

    It is shown inline as an image only when its content is an image of the format its
    stored name says (:func:`served_image_type`); anything else is a download
    (``Content-Disposition: attachment``, under ``download_name``) typed ``content_type``
    when that is harmless (not HTML, XML, SVG or a script; not an unconfirmed image),
    else ``application/octet-stream``. Always ``nosniff`` and a sandboxing policy; files
    behind a check (``private``) are cached by the browser only."""
    image_type = served_image_type(handle, stored_name)
    if image_type is None:
        harmless = (
            content_type
            and not _ACTIVE_TYPES.search(content_type)
            and not content_type.lower().startswith(("image/", "text/html"))
        )
        content_type = content_type if harmless else "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=image_type is None,
        filename=display_name(download_name or posixpath.basename(stored_name)),
        content_type=image_type or content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    scope = "private" if private else "public"
    response["Cache-Control"] = f"{scope}, max-age={PRIVATE_MAX_AGE}"
    return response


def open_stored(storage, name: str):
    """The stored file ``name`` opened for reading; ``Http404`` when it is missing or the
    name leaves the storage (the same answer as for a file that never existed)."""
    try:
        return storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation, ValueError):
        # Missing, a folder, a name too long or with a NUL byte: all "no such file".
        raise Http404 from None


def _object_pk(raw: str) -> int:
    # Digits of a 64-bit integer only: anything else is a missing file, never a 500.
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Http404
    return int(raw)


@require_safe
def serve_private(request, key: str, pk: str, filename: str):
    """A :class:`PrivateImageField`'s file, to the people who may see its object; 404
    (the portal's page, identical whatever the reason) for everyone else, for a missing
    file and for the URL of a file since replaced."""
    from portal import visibility

    served = SERVED_FIELDS.get(key)
    if served is None:
        raise Http404
    obj = served.model._default_manager.filter(pk=_object_pk(pk)).first()
    stored = getattr(obj, served.name, None) if obj is not None else None
    if not stored or posixpath.basename(stored.name) != filename:
        raise Http404
    target = getattr(obj, served.visibility_through) if served.visibility_through else obj
    if not visibility.can_view(request.user, target):
        raise Http404
    handle = open_stored(stored.storage, stored.name)
    return file_response(handle, stored_name=stored.name)


#: Folders of public media that are never served from it: Wagtail's documents have
#: collection privacy, enforced by their own view (/documents/<id>/<name>).
UNSERVED_MEDIA = ("documents/",)


@require_safe
def serve_media(request, path: str):
    """Public media (``MEDIA_ROOT``: Wagtail's images and renditions), when the portal
    serves files itself (``PORTAL_SERVE_FILES``): images as images, the rest as
    downloads, never as a page."""
    name = posixpath.normpath(path).lstrip("/")
    if name.startswith(("..", ".")) or name.startswith(UNSERVED_MEDIA) or "\x00" in name:
        raise Http404
    handle = open_stored(public_storage(), name)
    return file_response(handle, stored_name=name, private=False)


# --- Files stored before this module existed ----------------------------------------


def secure_stored_images(model: type[models.Model], field_name: str, formats=None) -> int:
    """Move the images of ``model.field_name`` from public media to the field's (private)
    storage, re-encoded under safe names: the data migration of a field that became a
    :class:`PrivateImageField`. A file that is not an image of ``formats`` (all the
    stored formats by default) is taken off public media and the field emptied. Rows
    whose file is not on public media (already moved) are left alone; returns how many
    rows changed."""
    source = public_storage()
    field = model._meta.get_field(field_name)
    formats = tuple(formats or IMAGE_TYPES)
    changed = 0
    rows = model._default_manager.exclude(**{field_name: ""}).values_list("pk", field_name)
    for pk, name in list(rows):
        try:
            handle = source.open(name, "rb")
        except (OSError, SuspiciousFileOperation, ValueError):
            continue
        with handle:
            try:
                clean = reencode_image(handle, formats)
            except ImageRefused:
                clean = None
        new_name = ""
        if clean is not None:
            target = field.generate_filename(model(pk=pk), clean.name)
            new_name = field.storage.save(target, clean, max_length=field.max_length)
        model._default_manager.filter(pk=pk).update(**{field_name: new_name})
        source.delete(name)
        changed += 1
    return changed


# --- Uploads of attachments (posts, messages) -----------------------------------------
#
# The checks every attachment goes through, whatever it is attached to (a post, a
# message): see :func:`check_upload`. ``plugins.feed.uploads`` and the messaging plugin
# both use them, so a file refused on a post is refused in a message.

#: The image formats shown inline, by Pillow's name, with their content type.
UPLOAD_IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
#: Names that promise an image: their content must be one.
UPLOAD_IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}


def max_upload_files() -> int:
    return settings.PORTAL_POST_MAX_FILES


def max_upload_file_bytes() -> int:
    return settings.PORTAL_POST_MAX_FILE_BYTES


def max_upload_image_bytes() -> int:
    return settings.PORTAL_POST_MAX_IMAGE_BYTES


def upload_document_extensions() -> list[str]:
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


def _upload_display_name(upload, max_bytes: int) -> str:
    return display_name(getattr(upload, "name", ""), _g("file"), max_bytes=max_bytes)


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return size


def check_upload(upload, *, field: str = "files", name_max_bytes: int = MAX_NAME_BYTES) -> Upload:
    """One uploaded file, checked as post attachments are (see :mod:`plugins.feed.uploads`:
    judged by content, images re-encoded, documents by the accepted extensions, sizes from
    ``PORTAL_POST_MAX_*``); raises ``ValidationError({field: [message]})``."""
    name = _upload_display_name(upload, name_max_bytes)
    size = _size(upload)
    if size <= 0:
        raise ValidationError({field: [_g("“%(name)s” is empty.") % {"name": name}]})
    found = image_format(upload)
    extension = extension_of(name)
    if found in UPLOAD_IMAGE_TYPES:
        if size > max_upload_image_bytes():
            raise ValidationError(
                {
                    field: [
                        _g("The image “%(name)s” is %(size)s; images may be at most %(limit)s.")
                        % {
                            "name": name,
                            "size": filesizeformat(size),
                            "limit": filesizeformat(max_upload_image_bytes()),
                        }
                    ]
                }
            )
        try:
            clean = reencode_image(upload, UPLOAD_IMAGE_TYPES)
        except ImageRefused as refusal:
            raise ValidationError({field: [_upload_image_refusal(name, refusal)]}) from refusal
        return Upload(
            clean,
            display_name(_upload_renamed(name, clean), _g("file")),
            clean.size,
            clean.content_type,
            True,
            clean.width,
            clean.height,
            storage_name=clean.name,
        )
    if extension in UPLOAD_IMAGE_EXTENSIONS:
        raise ValidationError(
            {
                field: [
                    _g("“%(name)s” is not a valid image (JPEG, PNG, GIF or WEBP).") % {"name": name}
                ]
            }
        )
    allowed = upload_document_extensions()
    if extension not in allowed:
        raise ValidationError(
            {
                field: [
                    _g(
                        "“%(name)s” cannot be attached: only images (JPEG, PNG, GIF, WEBP) and "
                        "files of these types are accepted: %(types)s."
                    )
                    % {"name": name, "types": ", ".join(allowed)}
                ]
            }
        )
    if size > max_upload_file_bytes():
        raise ValidationError(
            {
                field: [
                    _g("The file “%(name)s” is %(size)s; files may be at most %(limit)s.")
                    % {
                        "name": name,
                        "size": filesizeformat(size),
                        "limit": filesizeformat(max_upload_file_bytes()),
                    }
                ]
            }
        )
    content_type = mimetypes.guess_type(f"file.{extension}")[0] or "application/octet-stream"
    return Upload(upload, name, size, content_type, False, storage_name=storage_name(extension))


def store_upload(attachment, upload: Upload, stored: list | None = None, field: str = "file"):
    """Store a checked ``upload`` as ``attachment`` (a model with ``name``, ``size``,
    ``content_type``, ``is_image``, ``width``, ``height`` and a file field): the file under
    its generated name, then the row. The stored name is appended to ``stored`` as soon as
    it is written, so that the caller can remove it if its transaction rolls back."""
    for attribute in ("name", "size", "content_type", "is_image", "width", "height"):
        setattr(attachment, attribute, getattr(upload, attribute))
    handle = getattr(attachment, field)
    upload.file.seek(0)
    handle.save(upload.storage_name, upload.file, save=False)
    if stored is not None:
        stored.append(handle.name)
    attachment.save()
    return attachment


def delete_stored(storage, names) -> None:
    """Remove stored files (after the rows that pointed to them are gone); one already
    gone is logged, not raised."""
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored file %s", name)


def _upload_image_refusal(name: str, refusal: ImageRefused) -> str:
    if refusal.reason == "pixels":
        return _g("The image “%(name)s” has too many pixels (at most %(limit)d million).") % {
            "name": name,
            "limit": MAX_IMAGE_PIXELS // 1_000_000,
        }
    return _g("“%(name)s” is not a valid image (JPEG, PNG, GIF or WEBP).") % {"name": name}


def _upload_renamed(name: str, clean: CleanImage) -> str:
    """The display name of an image with the extension of its real format: a GIF sent as
    ``cover.html`` is downloaded as ``cover.gif``."""
    extension = clean.name.rsplit(".", 1)[-1]
    given = extension_of(name)
    if given == extension or (given == "jpeg" and extension == "jpg"):
        return name
    stem = name.rsplit(".", 1)[0] if given else name
    return f"{stem}.{extension}"
