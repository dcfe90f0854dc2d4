"""Builders for wellness test data; they go through the same code paths as the product."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from portal.editorial.wellness.models import WellnessIndexPage, WellnessSessionPage


def make_section(home, title: str = "Wellness", **fields) -> WellnessIndexPage:
    section = home.add_child(
        instance=WellnessIndexPage(title=title, slug=fields.pop("slug", slugify(title)), **fields)
    )
    section.save_revision().publish()
    return section


def make_session(
    section,
    title: str = "Lunchtime yoga",
    *,
    starts_in: timedelta = timedelta(days=1),
    capacity: int = 10,
    **fields,
) -> WellnessSessionPage:
    """A published session starting ``starts_in`` from now (negative: in the past)."""
    fields.setdefault("place", "Room Everest")
    fields.setdefault("duration_minutes", 45)
    session = section.add_child(
        instance=WellnessSessionPage(
            title=title,
            slug=fields.pop("slug", slugify(title)),
            starts_at=fields.pop("starts_at", timezone.now() + starts_in),
            capacity=capacity,
            **fields,
        )
    )
    session.save_revision().publish()
    return session
