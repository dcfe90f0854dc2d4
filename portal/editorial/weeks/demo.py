"""Demo content of Themed weeks, loaded once by `manage.py load_demo`: in English, and in
French when the home page has a French translation (the initiatives belong to both
versions of a week: see the services)."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from wagtail.models import Page

from portal.core import localisation
from portal.editorial.weeks import services
from portal.editorial.weeks.models import (
    Initiative,
    ThemedWeekIndexPage,
    ThemedWeekItem,
    ThemedWeekPage,
)

GREEN = "#2e7d32"

INITIATIVES = [
    # (author email, title, description, background colour, moderation)
    (
        "employee@example.com",
        "Car-sharing to the Lyon site",
        "Three of us now share one car from Villeurbanne every morning. Two seats left!",
        (46, 125, 50),
        services.FEATURE,
    ),
    (
        "sales@example.com",
        "Bike repair workshop in the car park",
        "On Thursday at noon, bring your bike: volunteers fix brakes and punctures.",
        (21, 101, 192),
        services.APPROVE,
    ),
    (
        "hr@example.com",
        "Zero-waste lunch",
        "Bring your lunch box on Wednesday; the canteen offers a dessert to everyone who does.",
        (245, 124, 0),
        services.APPROVE,
    ),
    (
        "employee@example.com",
        "Seed swap at the coffee corner",
        "A box of tomato and basil seeds from our balconies: take some, leave some.",
        (121, 85, 72),
        None,
    ),
]


FRENCH = {
    "Themed weeks": {
        "title": "Semaines thématiques",
        "intro": "Chaque saison, une semaine pour agir ensemble : développement durable, "
        "sécurité, bien-être.",
    },
    "Green week": {
        "title": "Semaine verte",
        "intro": "Mobilité durable, moins de déchets, des bureaux plus verts : partagez ce que "
        "vous faites pour la planète, au travail et sur le trajet.",
    },
    "Safety week": {
        "title": "Semaine de la sécurité",
        "intro": "Premiers secours, ergonomie et les bons réflexes sur la route.",
    },
}


def demo_photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small generated PNG: a coloured card with a leaf-like ellipse (no download)."""
    image = Image.new("RGB", (480, 320), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((160, 80, 320, 240), fill=(255, 255, 255))
    draw.ellipse((200, 120, 280, 200), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{name}.png", buffer.getvalue(), content_type="image/png")


def _pages_to_link(home: Page, exclude: Page, limit: int = 4) -> list[Page]:
    """A few live pages of the other editorial areas (news, sessions, courses), found by
    their type names rather than by importing those apps."""
    candidates = (
        Page.objects.live()
        .descendant_of(home)
        .exclude(pk=home.pk)
        .exclude(path__startswith=exclude.path)
        .exclude(content_type__model__endswith="indexpage")
        .filter(depth__gt=home.depth + 1)
        .select_related("content_type")
        .order_by("path")
    )
    wanted = ("news", "article", "session", "course", "event", "workshop")
    by_type: dict[str, list[Page]] = {}
    for page in candidates:
        if any(word in page.content_type.model for word in wanted):
            by_type.setdefault(page.content_type.model, []).append(page)
    if not by_type:
        return list(candidates[:limit])
    # Take the pages of each type in turn, so that the week mixes news, sessions, courses.
    chosen: list[Page] = []
    while len(chosen) < limit and any(by_type.values()):
        for pages in by_type.values():
            if pages and len(chosen) < limit:
                chosen.append(pages.pop(0))
    return chosen


def load_demo(home, people: dict) -> None:
    """Create the demo content under home; people maps demo emails to users."""
    editor = people.get("editor@example.com")
    index = home.add_child(
        instance=ThemedWeekIndexPage(
            title="Themed weeks",
            slug="themed-weeks",
            intro="Each season, a week to act together: sustainability, safety, well-being.",
        )
    )
    index.save_revision(user=editor).publish()

    today = timezone.localdate()
    week = ThemedWeekPage(
        title="Green week",
        slug="green-week",
        start_date=today - datetime.timedelta(days=2),
        end_date=today + datetime.timedelta(days=4),
        colour=GREEN,
        intro=(
            "Sustainable mobility, less waste, greener offices: share what you do for the "
            "planet, at work and on the way there."
        ),
    )
    for page in _pages_to_link(home, exclude=index):
        week.items.add(ThemedWeekItem(page=page))
    index.add_child(instance=week)
    week.save_revision(user=editor).publish()

    previous = ThemedWeekPage(
        title="Safety week",
        slug="safety-week",
        start_date=today - datetime.timedelta(days=60),
        end_date=today - datetime.timedelta(days=56),
        colour="#c62828",
        intro="First aid, ergonomics and the right reflexes on the road.",
    )
    index.add_child(instance=previous)
    previous.save_revision(user=editor).publish()
    if "fr" in localisation.translated_languages(home):
        for page in (index, week, previous):
            localisation.translate_page(page, "fr", user=editor, **FRENCH[page.title])

    for position, (email, title, description, colour, decision) in enumerate(INITIATIVES):
        author = people.get(email)
        if author is None:
            continue
        initiative = services.submit_initiative(
            author,
            week,
            title=title,
            description=description,
            photo=demo_photo(f"initiative-{position}", colour),
        )
        if decision and editor is not None:
            initiative.status = Initiative.Status.APPROVED
            initiative.featured = decision == services.FEATURE
            initiative.moderated_by = editor
            initiative.moderated_at = timezone.now()
            initiative.save()
