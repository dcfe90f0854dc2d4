"""What enabled plugins say about each page in Wagtail's pages API (``/api/v2/pages/``).

Each page of a declared type (:mod:`portal.core.interactive`) gets one field per summary
the enabled plugins register (:func:`portal.interactions.register_summary`), in listings
and in the detail: ``comments`` (``{count, open, url}``) from the comments plugin and
``reactions`` (``{counts, total, mine, top}``, ``mine`` being the caller's own reaction)
from the reactions plugin. A disabled plugin's field is absent; so are the fields of a
page whose type is not declared.

A listing costs the same queries whatever its length: the specific pages of each declared
type are loaded in one query, then each summary asks once per type.
"""

from __future__ import annotations

from rest_framework.fields import Field, SkipField
from wagtail.api import APIField
from wagtail.models import Page

from portal import interactions

ATTRIBUTE = "interaction_summaries"


class InteractionSummaryField(Field):
    """One summary of the page (``comments``, ``reactions``), as its plugin gives it."""

    def __init__(self, summary_name: str, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.summary_name = summary_name

    def get_attribute(self, instance):
        found = getattr(instance, ATTRIBUTE, None) or {}
        if self.summary_name not in found:
            raise SkipField
        return found[self.summary_name]

    def to_representation(self, value):
        return value


def attach(user, pages) -> list:
    """``pages`` as a list, each with its summaries (``{}`` for a type not declared)."""
    pages = list(pages)
    to_load: dict[type, list[int]] = {}
    for page in pages:
        klass = page.specific_class if isinstance(page, Page) else type(page)
        if klass is None or interactions.declaration_for(klass) is None:
            continue
        if not isinstance(page, klass):
            to_load.setdefault(klass, []).append(page.pk)
    specific: dict[int, Page] = {}
    for klass, ids in to_load.items():
        specific.update(klass._default_manager.in_bulk(ids))
    targets = [specific.get(page.pk, page) for page in pages]
    found = interactions.summaries(user, targets)
    for page, target in zip(pages, targets, strict=True):
        declaration = interactions.declaration_for(type(target))
        key = (declaration.label, target.pk) if declaration is not None else None
        setattr(page, ATTRIBUTE, found.get(key, {}))
    return pages


class InteractionSummariesMixin:
    """For :class:`portal.api.pages.PortalPagesAPIViewSet`: the summaries as fields, shown
    by default in listings (``?fields=-comments`` leaves one out) and in the detail."""

    @classmethod
    def _summary_names(cls) -> list[str]:
        return [summary.name for summary in interactions.summary_types()]

    @classmethod
    def get_body_fields(cls, model):
        fields = super().get_body_fields(model)
        taken = {field.name for field in fields}
        return fields + [
            APIField(name, serializer=InteractionSummaryField(name))
            for name in cls._summary_names()
            if name not in taken
        ]

    @classmethod
    def get_listing_default_fields(cls, model):
        return [*super().get_listing_default_fields(model), *cls._summary_names()]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach(self.request.user, page) if page is not None else None

    def get_object(self):
        obj = super().get_object()
        if not hasattr(obj, ATTRIBUTE):
            attach(self.request.user, [obj])
        return obj
