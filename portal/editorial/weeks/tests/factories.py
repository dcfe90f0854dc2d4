"""Builders of themed-week test data (pages published like an editor would)."""

from __future__ import annotations

import datetime
import io

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from portal.core.models import PageAudience
from portal.editorial.weeks.models import (
    Initiative,
    ThemedWeekIndexPage,
    ThemedWeekItem,
    ThemedWeekPage,
)


def make_index(home, title: str = "Themed weeks") -> ThemedWeekIndexPage:
    index = home.add_child(instance=ThemedWeekIndexPage(title=title, slug=slugify(title)))
    index.save_revision().publish()
    return index


def make_week(
    index,
    title: str = "Green week",
    *,
    starts_in: int = -1,
    days: int = 5,
    colour: str = "#2e7d32",
    linked=(),
    **fields,
) -> ThemedWeekPage:
    """A published week starting ``starts_in`` days from today (negative: running)."""
    start = timezone.localdate() + datetime.timedelta(days=starts_in)
    week = ThemedWeekPage(
        title=title,
        slug=slugify(title),
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        colour=colour,
        intro=f"All about {title}.",
        **fields,
    )
    for page in linked:
        week.items.add(ThemedWeekItem(page=page))
    index.add_child(instance=week)
    week.save_revision().publish()
    return week


def restrict_to_department(page, department) -> None:
    PageAudience.objects.create(page=page, department=department)


def png_bytes(size=(40, 30), colour=(46, 125, 50), image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def png_upload(name: str = "photo.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def make_initiative(week, author, title: str = "Car-sharing", **fields) -> Initiative:
    return Initiative.objects.create(week=week, author=author, title=title, **fields)


def grant_moderation(user) -> None:
    """What the Editor role should grant (see the report): moderating initiatives."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="weeks", codename="change_initiative")
    )
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
