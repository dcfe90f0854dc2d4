"""What people do with reactions: react, change their mind, take it back, see who reacted.

Every function takes the acting user and answers only about targets that user may see
(:func:`portal.visibility.can_view`); an invisible or unregistered target raises
``Http404``, so the API and the pages answer 404 whether it does not exist or is hidden.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from plugins.reactions import registry
from plugins.reactions.models import Reaction
from portal import interactions, notifications, signals, visibility
from portal.lookups import NOT_FOUND, visible_or_none
from portal.prepared import Prepared

KINDS = [kind for kind, _label in Reaction.KIND_CHOICES]


def check_kind(kind) -> str:
    """``kind`` if it is one of :data:`KINDS`, else a ValidationError naming them all."""
    if kind not in KINDS:
        raise ValidationError(
            {
                "kind": [
                    _("“%(kind)s” is not a reaction. Choose one of: %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(KINDS)}
                ]
            }
        )
    return kind


def _reactable(target) -> registry.Reactable:
    reactable = registry.reactable_for(type(target)) if target is not None else None
    if reactable is None:
        raise Http404(NOT_FOUND)
    return reactable


def check_target(user, target) -> registry.Reactable:
    """The target's registration, or Http404 when ``user`` may not see it."""
    reactable = _reactable(target)
    if not visibility.can_view(user, target):
        raise Http404(NOT_FOUND)
    return reactable


def get_target(user, content_type_id: int, object_id: int):
    """The object a page or the API names by content type and id, if ``user`` may see it."""
    declaration = interactions.for_content_type(content_type_id)
    if declaration is None or not declaration.reactions:
        raise Http404(NOT_FOUND)
    target = visible_or_none(user, declaration.model, object_id)
    check_target(user, target)
    return target


def _of(target, reactable):
    return Reaction.objects.filter(content_type=reactable.content_type(), object_id=target.pk)


def _bump(target, reactable, delta: int) -> None:
    field = reactable.reaction_count_field
    if not field:
        return
    queryset = type(target)._default_manager.filter(pk=target.pk)
    if delta < 0:
        queryset = queryset.filter(**{f"{field}__gte": -delta})
    queryset.update(**{field: F(field) + delta})


def react(user, target, kind: str) -> tuple[Reaction, bool]:
    """Give or change ``user``'s reaction; returns it and whether it is new.

    A new reaction notifies the target's author (grouped per target); changing the kind
    notifies nobody again.
    """
    check_kind(kind)
    reactable = check_target(user, target)
    with transaction.atomic():
        reaction = _of(target, reactable).select_for_update().filter(user=user).first()
        created = reaction is None
        if created:
            try:
                with transaction.atomic():
                    reaction = Reaction.objects.create(
                        user=user,
                        kind=kind,
                        content_type=reactable.content_type(),
                        object_id=target.pk,
                    )
            except IntegrityError:
                # Someone (the same person, in another tab) reacted at the same moment.
                reaction = _of(target, reactable).select_for_update().get(user=user)
                created = False
        if created:
            _bump(target, reactable, +1)
            notifications.notify(
                "reaction",
                [p for p in interactions.recipients(target) if p.pk != user.pk],
                actor=user,
                target=target,
                url=interactions.url_of(target),
                group_key=notifications.default_group_key("reaction", target),
                data={"reaction": kind},
            )
            signals.activity.send(sender=Reaction, actor=user, verb="reacted", obj=target)
        elif reaction.kind != kind:
            reaction.kind = kind
            reaction.save(update_fields=["kind", "created_at"])
    return reaction, created


def unreact(user, target) -> bool:
    """Take back ``user``'s reaction; whether there was one."""
    reactable = check_target(user, target)
    with transaction.atomic():
        deleted, _rows = _of(target, reactable).filter(user=user).delete()
        if deleted:
            _bump(target, reactable, -1)
    return bool(deleted)


def empty_summary() -> dict:
    return {"counts": {}, "total": 0, "mine": None, "top": []}


def _counts_query(content_type_id: int, object_ids: list[int], user_id: int):
    return (
        Reaction.objects.filter(content_type_id=content_type_id, object_id__in=object_ids)
        .order_by()
        .values_list("object_id", "kind")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=user_id)))
    )


#: ``(object_id, kind, count, mine)`` rows, compiled once (see :mod:`portal.prepared`);
#: ``user_id`` 0 (nobody) for an anonymous visitor.
_COUNTS = Prepared(_counts_query)


def summaries(user, objects, *, counted: bool = False) -> dict[int, dict]:
    """``{pk: {"counts", "total", "mine", "top"}}`` for objects of one model, in one query.

    The caller passes objects ``user`` already may see (a page of the feed, a thread).
    With ``counted``, the objects were just read from the database and their counter
    (``reaction_count``) is trusted: those at 0 are not asked about (no query at all when
    none has a reaction).
    """
    objects = list(objects)
    result = {obj.pk: empty_summary() for obj in objects}
    if not objects:
        return result
    reactable = _reactable(objects[0])
    count_field = reactable.reaction_count_field if counted else ""
    reacted = [obj.pk for obj in objects if not count_field or getattr(obj, count_field, 1) != 0]
    if not reacted:
        return result
    user_id = user.pk if visibility.is_active_user(user) else 0
    for object_id, kind, n, mine in _COUNTS.rows(reactable.content_type().pk, reacted, user_id):
        summary = result[object_id]
        summary["counts"][kind] = n
        summary["total"] += n
        if mine:
            summary["mine"] = kind
    for summary in result.values():
        ranked = sorted(summary["counts"], key=lambda k: (-summary["counts"][k], KINDS.index(k)))
        summary["top"] = ranked[:3]
    return result


def object_summaries(user, objects) -> dict[int, dict]:
    """:func:`summaries` for any visible objects of one model: nothing for a model people
    do not react to (the reactions summary of lists and of the pages API)."""
    objects = list(objects)
    if not objects or registry.reactable_for(type(objects[0])) is None:
        return {}
    return summaries(user, objects)


def summary(user, target) -> dict:
    return summaries(user, [target])[target.pk]


def reactors(user, target, kind: str | None = None):
    """Who reacted to ``target`` (and how), newest first, with the people loaded."""
    reactable = check_target(user, target)
    queryset = _of(target, reactable).select_related("user").order_by("-created_at", "-pk")
    if kind:
        queryset = queryset.filter(kind=check_kind(kind))
    return queryset


def activity(model, since) -> dict[int, int]:
    """``{object_id: reactions given or changed since}`` for one model, in one query."""
    reactable = registry.reactable_for(model)
    rows = (
        Reaction.objects.filter(content_type=reactable.content_type(), created_at__gte=since)
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    return {row["object_id"]: row["n"] for row in rows}
