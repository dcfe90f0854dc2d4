"""Builders of news for tests (unit and browser); they go through the product's code paths."""

from __future__ import annotations

import io
from datetime import datetime

from django.core.files.images import ImageFile

from portal.editorial.news.models import NewsCategory, NewsIndexPage, NewsPage


def make_news_index(parent, title: str = "News", slug: str = "news") -> NewsIndexPage:
    index = parent.add_child(instance=NewsIndexPage(title=title, slug=slug))
    index.save_revision().publish()
    return index


def make_category(name: str, slug: str | None = None) -> NewsCategory:
    return NewsCategory.objects.get_or_create(slug=slug or name.lower(), defaults={"name": name})[0]


def make_news(
    index: NewsIndexPage,
    title: str,
    *,
    tags: tuple[str, ...] = (),
    publish: bool = True,
    published_at: datetime | None = None,
    **fields,
) -> NewsPage:
    """A news item under ``index``; published unless ``publish=False``."""
    news = NewsPage(title=title, live=publish, **fields)
    if tags:
        news.tags.add(*tags)
    index.add_child(instance=news)
    if publish:
        news.save_revision().publish()
        if published_at is not None:
            NewsPage.objects.filter(pk=news.pk).update(
                first_published_at=published_at, last_published_at=published_at
            )
            news.first_published_at = published_at
    else:
        news.save_revision()
    return news


def make_image(title: str = "Hero"):
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (29, 94, 58)).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="hero.png"))
