"""What people may do with an object besides seeing it: comment on it and react to it.

Comments and reactions attach to any object the visibility policy knows, but only to
those whose owner *declares* them, once, at start-up (the way search types are
registered)::

    from portal import interactions

    interactions.declare(
        Post,
        comments=interactions.VIEWERS,     # who may comment (VIEWERS, MEMBERS, NOBODY)
        reactions=True,                    # whether people may react
        comment_count_field="comment_count",
        reaction_count_field="reaction_count",
        api_prefix="posts",                # /api/posts/<id>/comments/ and .../reactions/
    )

Everything else stays closed: a comment or reaction on an undeclared model answers like a
missing object. A declaration says:

* **who may comment**: everyone who may see the object (``VIEWERS``), only its members
  (``MEMBERS``, with ``is_member(user, obj)``), or nobody (``NOBODY``); and whether the
  thread is open right now (``is_open(obj)``: an editor closes the comments of a page).
  Seeing the object is always required first, through :mod:`portal.visibility`;
* **whether reactions are allowed**;
* **who hears of it** (``recipients(obj)``: the post's author, the page's owner) and **who
  moderates it** (``moderates(user, obj)``: a group's moderators, a page's editors), besides
  people holding ``comments.delete_comment``;
* optional denormalised counters, kept by the comments and reactions plugins with ``F()``
  updates (objects without them are counted with one grouped query per list);
* ``shareable``: whether people may share it into the feed or a group, as a post that
  links it (the post shows its preview only to people who may see it); ``preview(obj)``
  gives that preview (``{"title", "excerpt", "image_url", "kind", "url"}``), by default
  :func:`default_preview`: the title and URL of the declaration, the first of the
  object's ``search_description``, ``summary`` or ``intro``, the image of its
  ``listing_image``, ``search_image``, ``hero_image`` or ``image`` and its model's name;
* ``api_prefix``, the path under ``/api/`` where the object's comments and reactions live;
  several models may share one (every page type under ``pages``) when they share a
  ``lookup_model`` to find an id in (``Page``, whose rows are resolved to their type);
* ``moderated(user, queryset)``: the objects of ``queryset`` whose comments ``user``
  moderates, in one query (what a moderation list filters with; ``moderates`` answers
  for one object);
* ``reactions_section``: whether the reactions plugin adds a "Reactions" section to the
  object's page (:data:`portal.signals.object_sections`); False when the object's own
  template shows its reactions (a post's card).

Lists and the pages API show, beside each object, what the enabled plugins summarise
about it (its comment count, its reactions and the person's own). Plugins register a
*summary* (:func:`register_summary`): ``provide(user, objects)`` answers for objects of
one declared model in a constant number of queries, and an optional template renders one
object's summary in a list (:func:`portal.core.templatetags.portal_tags.object_summaries`).
The core asks :func:`summaries` and never names a plugin: a disabled plugin's summary is
simply absent.

A comment or a reaction is visible exactly when its object is (their plugins register
rules with the policy that go through this registry), so it moves with the object when
its audience narrows. Declarations of a disabled app's models are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch
from django.utils.text import Truncator, capfirst

from portal import visibility

VIEWERS = "viewers"
MEMBERS = "members"
NOBODY = "nobody"
WHO_MAY_COMMENT = (VIEWERS, MEMBERS, NOBODY)


def _author(obj) -> list:
    author = getattr(obj, "author", None)
    return [author] if author is not None else []


def _url(obj) -> str:
    getter = getattr(obj, "get_absolute_url", None) or getattr(obj, "get_url", None)
    return (getter() if getter else "") or ""


def _title(obj) -> str:
    return str(getattr(obj, "title", "") or obj)


@dataclass(frozen=True)
class Interactive:
    """One model's declaration (see the module's docstring)."""

    model: type[models.Model]
    comments: str = VIEWERS
    reactions: bool = True
    is_member: Callable[[object, models.Model], bool] | None = None
    is_open: Callable[[models.Model], bool] | None = None
    recipients: Callable[[models.Model], list] = _author
    moderates: Callable[[object, models.Model], bool] | None = None
    comment_count_field: str = ""
    reaction_count_field: str = ""
    api_prefix: str = ""
    lookup_model: type[models.Model] | None = None
    #: Whether people may share it into the feed or a group (a post that links it).
    shareable: bool = False
    url: Callable[[models.Model], str] = _url
    title: Callable[[models.Model], str] = _title
    #: ``preview(obj) -> dict`` for a share's card (see :func:`default_preview`); the
    #: keys it leaves out come from the default.
    preview: Callable[[models.Model], dict] | None = None
    #: The objects of a queryset whose comments a user moderates (see the docstring).
    moderated: Callable[[object, models.QuerySet], models.QuerySet] | None = None
    #: Whether the reactions plugin adds a "Reactions" section to the object's page.
    reactions_section: bool = True

    @property
    def label(self) -> str:
        """``app_label.modelname``: the content kind metrics and exports name."""
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def commentable(self) -> bool:
        return self.comments != NOBODY

    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)

    def is_installed(self) -> bool:
        return apps.is_installed(self.model._meta.app_config.name)


_registry: dict[type[models.Model], Interactive] = {}


def declare(model: type[models.Model], **options) -> Interactive:
    """Declare what people may do with ``model`` (see the module's docstring)."""
    declaration = Interactive(model, **options)
    if declaration.comments not in WHO_MAY_COMMENT:
        raise ValueError(f"comments must be one of {WHO_MAY_COMMENT}, not {declaration.comments!r}")
    if declaration.comments == MEMBERS and declaration.is_member is None:
        raise ValueError("comments=MEMBERS needs is_member(user, obj)")
    if not visibility.is_known(model):
        raise ValueError(f"{model.__name__} is unknown to the visibility policy")
    _registry[model] = declaration
    return declaration


def declaration_for(model: type[models.Model] | None) -> Interactive | None:
    """The declaration of ``model`` (or of the declared class it derives from), if its app
    is installed."""
    if model is None:
        return None
    for klass in model.__mro__:
        declaration = _registry.get(klass)
        if declaration is not None:
            return declaration if declaration.is_installed() else None
    return None


def declarations() -> list[Interactive]:
    """Every declaration of an installed app, in declaration order."""
    return [d for d in _registry.values() if d.is_installed()]


def commentable() -> list[Interactive]:
    return [d for d in declarations() if d.commentable]


def reactable() -> list[Interactive]:
    return [d for d in declarations() if d.reactions]


def shareable() -> list[Interactive]:
    return [d for d in declarations() if d.shareable]


def for_content_type(content_type_id) -> Interactive | None:
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        return None
    declaration = declaration_for(model)
    # The declared model's own content type, never a subclass's or a parent's.
    if declaration is None or declaration.model is not model:
        return None
    return declaration


def lookup(api_prefix: str, object_id: int) -> models.Model | None:
    """The object ``/api/<api_prefix>/<object_id>/`` names, whatever its visibility (the
    caller checks it), or None when there is none or it is not declared there."""
    candidates = [d for d in declarations() if d.api_prefix == api_prefix]
    if not candidates:
        return None
    base = candidates[0].lookup_model or candidates[0].model
    obj = base._default_manager.filter(pk=object_id).first()
    if obj is not None and base is not candidates[0].model and hasattr(obj, "specific"):
        obj = obj.specific
    declaration = declaration_for(type(obj)) if obj is not None else None
    return obj if declaration in candidates else None


def prefixes(*, comments: bool = False, reactions: bool = False) -> dict[str, Interactive]:
    """``{api_prefix: a declaration using it}`` for the declarations with an API."""
    found: dict[str, Interactive] = {}
    for declaration in declarations():
        if not declaration.api_prefix or declaration.api_prefix in found:
            continue
        if comments and not declaration.commentable:
            continue
        if reactions and not declaration.reactions:
            continue
        found[declaration.api_prefix] = declaration
    return found


# --- The questions the comments and reactions plugins ask -----------------------------------


def comments_open(obj) -> bool:
    """Whether the thread of ``obj`` takes new comments (declared, open, not closed)."""
    declaration = declaration_for(type(obj))
    if declaration is None or not declaration.commentable:
        return False
    return declaration.is_open is None or bool(declaration.is_open(obj))


def may_read_comments(user, obj) -> bool:
    declaration = declaration_for(type(obj))
    return bool(declaration and declaration.commentable and visibility.can_view(user, obj))


def may_comment(user, obj) -> bool:
    """May ``user`` comment on ``obj`` (which they may see) now?"""
    declaration = declaration_for(type(obj))
    if declaration is None or not visibility.is_active_user(user):
        return False
    if not comments_open(obj):
        return False
    if declaration.comments == MEMBERS:
        return bool(declaration.is_member(user, obj))
    return True


def may_react(user, obj) -> bool:
    declaration = declaration_for(type(obj))
    return bool(
        declaration and declaration.reactions and visibility.is_active_user(user)
    ) and visibility.can_view(user, obj)


def moderates(user, obj) -> bool:
    """Whether ``user`` moderates the comments of ``obj`` (beyond their own)."""
    declaration = declaration_for(type(obj))
    if declaration is None or not visibility.is_active_user(user):
        return False
    return bool(declaration.moderates and declaration.moderates(user, obj))


def recipients(obj) -> list:
    declaration = declaration_for(type(obj))
    return [p for p in (declaration.recipients(obj) if declaration else []) if p is not None]


def url_of(obj) -> str:
    declaration = declaration_for(type(obj))
    return declaration.url(obj) if declaration else _url(obj)


def title_of(obj) -> str:
    declaration = declaration_for(type(obj))
    return declaration.title(obj) if declaration else _title(obj)


# --- Previews of shared objects --------------------------------------------------------------

#: Where the default preview looks for an image (a Wagtail image foreign key), in order.
PREVIEW_IMAGE_FIELDS = ("listing_image", "search_image", "hero_image", "image")
#: Where it looks for a short text (plain or rich text), in order.
PREVIEW_TEXT_FIELDS = ("search_description", "summary", "intro")
#: The rendition of the preview's image (the news listing's: usually made already).
PREVIEW_RENDITION = "fill-480x270"
EXCERPT_LENGTH = 200


def _image_field(model: type[models.Model]) -> str:
    """The first of :data:`PREVIEW_IMAGE_FIELDS` that is a Wagtail image of ``model``."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    for name in PREVIEW_IMAGE_FIELDS:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "related_model", None) is image_model and not field.many_to_many:
            return name
    return ""


def _excerpt(obj) -> str:
    from portal.text import plain_text

    for name in PREVIEW_TEXT_FIELDS:
        value = getattr(obj, name, "")
        text = plain_text(str(value)) if value else ""
        if text:
            return Truncator(text).chars(EXCERPT_LENGTH)
    return ""


def _image_url(obj) -> str:
    name = _image_field(type(obj))
    if not name or not getattr(obj, f"{name}_id", None):
        return ""
    image = getattr(obj, name)
    try:
        return image.get_rendition(PREVIEW_RENDITION).url
    except Exception:  # a missing or unreadable file: a card without its image
        return ""


def default_preview(obj) -> dict:
    """``{"title", "excerpt", "image_url", "kind", "url"}`` of ``obj``, from what most
    content has (see the module's docstring)."""
    return {
        "title": title_of(obj),
        "excerpt": _excerpt(obj),
        "image_url": _image_url(obj),
        "kind": capfirst(str(type(obj)._meta.verbose_name)),
        "url": url_of(obj),
    }


def preview_of(obj) -> dict | None:
    """The preview of a shareable ``obj`` (its declaration's, completed by the default),
    or ``None`` when its model is not declared shareable. The caller has checked that the
    person may see ``obj``."""
    declaration = declaration_for(type(obj))
    if declaration is None or not declaration.shareable:
        return None
    preview = default_preview(obj)
    if declaration.preview is not None:
        preview.update(declaration.preview(obj) or {})
    return preview


def preview_queryset(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` with what :func:`default_preview` reads loaded in bulk: the image and
    its preview rendition (two queries for a whole page, none without images)."""
    name = _image_field(queryset.model)
    if not name:
        return queryset
    from wagtail.images import get_image_model

    images = get_image_model().objects.prefetch_renditions(PREVIEW_RENDITION)
    return queryset.prefetch_related(Prefetch(name, queryset=images))


def moderated_objects(user, declaration: Interactive, queryset) -> models.QuerySet:
    """The objects of ``queryset`` (of ``declaration``'s model) whose comments ``user``
    moderates, people holding ``comments.delete_comment`` aside; none without a
    ``moderated`` declaration."""
    if declaration.moderated is None or not visibility.is_active_user(user):
        return queryset.none()
    return declaration.moderated(user, queryset)


# --- Summaries: what plugins say about each object of a list ------------------------------


@dataclass(frozen=True)
class Summary:
    """What a plugin says about objects in lists and in the pages API."""

    #: The key it goes under (``comments``, ``reactions``): a field of the pages API.
    name: str
    #: ``provide(user, objects) -> {pk: data}`` for visible objects of one declared model,
    #: in a constant number of queries; objects it has nothing to say about are left out.
    provide: Callable[[object, list], dict]
    #: The app whose summary it is: a summary of a disabled app is ignored.
    app_label: str
    #: Renders one object's summary in a list, with ``target``, ``data`` and ``request``.
    template: str = ""
    order: int = 100

    def is_installed(self) -> bool:
        try:
            return apps.is_installed(apps.get_app_config(self.app_label).name)
        except LookupError:
            return False


_summaries: dict[str, Summary] = {}


def register_summary(
    name: str, provide: Callable[[object, list], dict], *, app_label: str, template="", order=100
) -> Summary:
    """Say something about declared objects in lists (see the module's docstring)."""
    summary = Summary(name, provide, app_label, template, order)
    _summaries[name] = summary
    return summary


def summary_types() -> list[Summary]:
    """The summaries of installed apps, in their order."""
    found = [summary for summary in _summaries.values() if summary.is_installed()]
    return sorted(found, key=lambda s: (s.order, s.name))


def summaries(user, objects) -> dict[tuple[str, int], dict[str, dict]]:
    """``{(label, pk): {summary name: data}}`` for ``objects`` (which ``user`` may see;
    of declared models, mixed or not): one call of each summary per declared model, so a
    constant number of queries whatever the number of objects."""
    by_model: dict[Interactive, list] = {}
    for obj in objects:
        declaration = declaration_for(type(obj))
        if declaration is not None:
            by_model.setdefault(declaration, []).append(obj)
    found: dict[tuple[str, int], dict[str, dict]] = {}
    kinds = summary_types()
    for declaration, group in by_model.items():
        for obj in group:
            found.setdefault((declaration.label, obj.pk), {})
        for summary in kinds:
            for pk, data in summary.provide(user, group).items():
                found[(declaration.label, pk)][summary.name] = data
    return found


def attach_summaries(user, objects, attribute: str = "interaction_summaries") -> list:
    """``objects`` as a list, each with ``attribute`` set to its summaries (``{}`` when
    its model is not declared)."""
    objects = list(objects)
    found = summaries(user, objects)
    for obj in objects:
        declaration = declaration_for(type(obj))
        key = (declaration.label, obj.pk) if declaration is not None else None
        setattr(obj, attribute, found.get(key, {}))
    return objects
