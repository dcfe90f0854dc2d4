"""Demo content of News, loaded once by `manage.py load_demo`."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.core.files.images import ImageFile
from django.utils import timezone

from portal.editorial.news.models import NewsCategory, NewsIndexPage, NewsPage
from portal.editorial.news.services import setup_news_moderation

CATEGORIES = [("Company", "company"), ("HR", "hr"), ("IT", "it")]

#: (days ago, category slug, title, summary, tags)
NEWS = [
    (
        1,
        "company",
        "Our new office in Lyon opens on Monday",
        "Forty colleagues move into the Part-Dieu building; here is what changes.",
        ["offices"],
    ),
    (
        3,
        "it",
        "Planned maintenance of the VPN on Saturday night",
        "The VPN will be unavailable from 22:00 to 02:00 while we upgrade it.",
        ["maintenance"],
    ),
    (
        5,
        "hr",
        "Open enrolment for the company health plan (mutuelle)",
        "Choose your coverage level before the end of the month.",
        ["benefits"],
    ),
    (
        7,
        "company",
        "Quarterly results: a strong third quarter",
        "Revenue grew 12% year on year; the executive committee thanks every team.",
        ["results"],
    ),
    (
        9,
        "it",
        "Phishing alert: fake parcel delivery messages",
        "Do not click links in unexpected delivery notices; report them to IT.",
        ["security"],
    ),
    (
        12,
        "hr",
        "Remote work charter updated",
        "Up to three days a week at home, agreed with your manager.",
        ["remote-work"],
    ),
    (
        14,
        "company",
        "The company joins the Fresque du Climat programme",
        "Every employee will be offered a three-hour climate workshop this year.",
        ["csr"],
    ),
    (
        17,
        "it",
        "New laptops for the sales team",
        "Replacement laptops are being handed out floor by floor.",
        ["equipment"],
    ),
    (
        20,
        "hr",
        "Training catalogue for next year",
        "Your personal training account (CPF) and the company plan, explained.",
        ["training"],
    ),
    (
        24,
        "company",
        "Seminar in Annecy: save the date",
        "The whole company meets by the lake for two days in June.",
        ["events"],
    ),
    (
        28,
        "it",
        "Two-factor authentication becomes mandatory",
        "From next month, every account needs a second factor.",
        ["security"],
    ),
]


def _hero_image(title: str):
    """A small generated picture (nothing is downloaded)."""
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    picture = PILImage.new("RGB", (1200, 630), (29, 94, 58))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image_model = get_image_model()
    return image_model.objects.create(title=title, file=ImageFile(buffer, name="news-hero.png"))


def _publish(index: NewsIndexPage, news: NewsPage, days_ago: int) -> NewsPage:
    index.add_child(instance=news)
    news.save_revision(user=news.author).publish()
    moment = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(9, 30))
    )
    NewsPage.objects.filter(pk=news.pk).update(first_published_at=moment, last_published_at=moment)
    return news


def load_demo(home, people: dict) -> None:
    """Create the demo content under home; people maps demo emails to users."""
    editor = people.get("editor@example.com")
    index = home.add_child(
        instance=NewsIndexPage(
            title="News",
            slug="news",
            intro="<p>What is happening in the company, from every department.</p>",
        )
    )
    index.save_revision(user=editor).publish()
    categories = {
        slug: NewsCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in CATEGORIES
    }
    hero = _hero_image("Lyon office")
    for position, (days_ago, category, title, summary, tags) in enumerate(NEWS):
        news = NewsPage(
            title=title,
            summary=summary,
            category=categories[category],
            date=timezone.localdate() - timedelta(days=days_ago),
            author=editor,
            owner=editor,
            body=[("paragraph", f"<p>{summary}</p>")],
        )
        if position == 0:
            news.hero_image = hero
            news.hero_alt = "The entrance of the new Lyon office"
        news.tags.add(*tags)
        _publish(index, news, days_ago)

    sales = people.get("sales@example.com")
    if sales is not None:
        welcome = NewsPage(
            title=f"Welcome to {sales.get_full_name() or sales.email}",
            summary="Please give a warm welcome to our new colleague in the sales team.",
            kind=NewsPage.KIND_WELCOME,
            colleague=sales,
            category=categories["hr"],
            date=timezone.localdate() - timedelta(days=2),
            author=people.get("hr@example.com") or editor,
            owner=editor,
            body=[("paragraph", "<p>Drop by the sales floor to say hello!</p>")],
        )
        welcome.tags.add("welcome")
        _publish(index, welcome, 2)

    setup_news_moderation(index)
