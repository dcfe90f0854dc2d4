"""The core's searchable types: people and the Wagtail pages.

* ``people.person``: every active person (the user model), by name, job title, department
  and what the people plugin knows of them (location, bio, skills, languages) when it is
  enabled. A deactivated person has no document.
* ``pages.<model>``: one type per concrete page model of the editorial apps and the core
  content page (news, resources, courses, lessons, wellness sessions, themed weeks...),
  labelled with the model's plural name. Only live pages are indexed; who finds a page is
  the page visibility rule's answer (audiences, view restrictions, unpublished ancestors).
  A page in several language versions is found in one of them, the one its reader's
  language gets (``reader_languages``, see :mod:`search.documents`): each version is
  re-indexed when another changes.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from portal.core import localisation
from portal.text import plain_text
from search.indexer import schedule
from search.registry import register

PEOPLE_KEY = "people.person"

#: The page models searched, as ``app_label.ModelName`` (those of apps not installed are
#: skipped). Index pages (catalogues, sections) are left out: they list what is found anyway.
PAGE_MODELS = (
    "core.ContentPage",
    "news.NewsPage",
    "resources.ResourcePage",
    "learning.CoursePage",
    "learning.LessonPage",
    "wellness.WellnessSessionPage",
    "weeks.ThemedWeekPage",
)

#: A page's own date, in order of preference, before its first publication date.
PAGE_DATE_FIELDS = ("date", "starts_at", "start_date")


def page_key(model) -> str:
    return f"pages.{model._meta.model_name}"


# --- People --------------------------------------------------------------------------------


def _people_plugin() -> bool:
    return apps.is_installed("plugins.people")


def _profile(person):
    if not _people_plugin():
        return None
    try:
        return person.profile
    except Exception:  # noqa: BLE001 - no profile yet (RelatedObjectDoesNotExist)
        return None


def person_document(person) -> dict:
    department = person.department
    body = []
    skills: list[str] = []
    profile = _profile(person)
    if profile is not None:
        skills = sorted(tag.name for tag in profile.skills.all())
        languages = sorted(tag.name for tag in profile.languages.all())
        body.extend([profile.job_title, department.name if department else ""])
        body.extend([profile.location, profile.bio, " ".join(skills), " ".join(languages)])
    elif department is not None:
        body.append(department.name)
    return {
        "title": person.get_full_name() or person.email,
        "body": "\n".join(part for part in body if part),
        "author": "",
        "date": None,
        "tags": skills,
        "type": "person",
        "url": person.get_absolute_url(),
        "language": (person.preferred_language or "fr")[:2],
    }


def people_queryset():
    User = get_user_model()
    queryset = User.objects.filter(is_active=True).select_related("department")
    if _people_plugin():
        queryset = queryset.select_related("profile").prefetch_related(
            "profile__skills", "profile__languages"
        )
    return queryset


def _department_members(department):
    """The people whose documents show ``department``'s name.

    Watchers are asked at the commit; a department deleted by then has lost its primary
    key (its members were scheduled before the deletion, by :func:`_department_deleting`),
    and asking it for its members would raise."""
    if department.pk is None:
        return []
    return department.members.all()


def _department_deleting(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    # Deleting a department empties its members' department with an UPDATE, which sends
    # no signal: re-index them now, while they can still be found.
    schedule([(PEOPLE_KEY, pk) for pk in instance.members.values_list("pk", flat=True)], using)


def _people_watch() -> dict:
    from portal.accounts.models import Department

    watch: dict = {Department: _department_members}
    if _people_plugin():
        from plugins.people.models import Profile

        watch[Profile] = lambda profile: [profile.user_id]
    return watch


def register_people() -> None:
    from portal.accounts.models import Department

    pre_delete.connect(
        _department_deleting, sender=Department, dispatch_uid="search.department-deleting"
    )
    register(
        PEOPLE_KEY,
        get_user_model(),
        person_document,
        _("People"),
        queryset=people_queryset,
        watch=_people_watch(),
        person=True,
        should_index=lambda person: person.is_active,
    )


# --- Pages ---------------------------------------------------------------------------------


def _field_text(page, name: str) -> list[str]:
    """The searchable text of one of the page's fields (rich text and blocks as text)."""
    try:
        field = page._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a property or method named in search_fields
        field = None
    value = getattr(page, name, None)
    if callable(value):
        value = value()
    if value is None or value == "":
        return []
    if field is not None and hasattr(field, "get_searchable_content"):
        return [plain_text(force_str(part)) for part in field.get_searchable_content(value)]
    return [plain_text(force_str(value))]


def _related_text(page, related: index.RelatedFields) -> list[str]:
    value = related.get_value(page)
    if value is None:
        return []
    objects = value.all() if hasattr(value, "all") else [value]
    texts = []
    for obj in objects:
        for sub in related.fields:
            if isinstance(sub, index.SearchField):
                texts.append(force_str(getattr(obj, sub.field_name, "") or ""))
    return texts


def _page_date(page):
    for name in PAGE_DATE_FIELDS:
        value = getattr(page, name, None)
        if isinstance(value, datetime.datetime):
            return value
        if isinstance(value, datetime.date):
            return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
    return page.first_published_at


def _page_tags(page) -> list[str]:
    if not any(
        isinstance(f, index.RelatedFields) and f.field_name == "tags"
        for f in page.get_search_fields()
    ):
        return []
    return sorted(tag.name for tag in page.tags.all())


def _distinct(parts: list[str]) -> list[str]:
    """The non-empty parts, each once: a news item's body often opens with its summary,
    and a snippet must not show the same sentence twice."""
    seen: set[str] = set()
    kept = []
    for part in parts:
        normal = " ".join(part.split())
        if normal and normal.casefold() not in seen:
            seen.add(normal.casefold())
            kept.append(normal)
    return kept


def page_document(page) -> dict:
    body: list[str] = []
    for search_field in page.get_search_fields():
        if isinstance(search_field, index.SearchField) and search_field.field_name != "title":
            body.extend(_field_text(page, search_field.field_name))
        elif isinstance(search_field, index.RelatedFields) and search_field.field_name != "tags":
            body.extend(_related_text(page, search_field))
    author = getattr(page, "author", None)
    language = getattr(getattr(page, "locale", None), "language_code", "") or "fr"
    return {
        "title": page.title,
        "body": "\n".join(_distinct(body)),
        "author": (author.get_full_name() or str(author)) if author is not None else "",
        "date": _page_date(page),
        "tags": _page_tags(page),
        "type": page._meta.model_name,
        "url": page.url or "",
        "language": language[:2],
        "reader_languages": localisation.reader_languages(page),
    }


def _page_queryset(model):
    def queryset():
        related = [
            f.field_name
            for f in model.get_search_fields()
            if isinstance(f, index.RelatedFields) and f.field_name == "tags"
        ]
        queryset = model.objects.live().select_related("locale")
        if hasattr(model, "author"):
            queryset = queryset.select_related("author")
        return queryset.prefetch_related(*related) if related else queryset

    return queryset


def page_models() -> list:
    found = []
    for dotted in PAGE_MODELS:
        app_label, model_name = dotted.split(".")
        try:
            found.append(apps.get_model(app_label, model_name))
        except LookupError:
            continue
    return found


def _other_versions(model):
    """The translations of a page, whose documents depend on it (``reader_languages``)."""

    def versions(page):
        return model.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk)

    return versions


def register_pages() -> None:
    for model in page_models():
        register(
            page_key(model),
            model,
            page_document,
            capfirst(model._meta.verbose_name_plural),
            queryset=_page_queryset(model),
            watch={model: _other_versions(model)} if localisation.enabled() else {},
            should_index=lambda page: page.live,
        )


def register_core_types() -> None:
    register_people()
    register_pages()
