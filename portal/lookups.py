"""One object by id, for one person, through the visibility policy.

Whatever names an object by its id (a form field, an API body, a URL) asks here, so that
"it does not exist", "it exists but you may not see it" and "that is not an id" give one
and the same answer: ``None``, a 404, or the single message :data:`NOT_FOUND`. An answer
that differed would tell an outsider that a secret group or post exists.
"""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal import visibility

#: The one message for a missing, hidden or malformed reference.
NOT_FOUND = _("No such object, or you may not see it.")

#: Primary keys are 64-bit signed integers on every database the portal runs on.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """``value`` as a primary key (a positive integer that fits the database), or ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def _queryset(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def visible_or_none(user, model_or_queryset, pk) -> models.Model | None:
    """The object ``pk`` of a model (or of a queryset) if ``user`` may see it, else
    ``None``: missing, hidden, and not-an-id alike (no query for a malformed id)."""
    if model_or_queryset is None:
        return None
    number = parse_id(pk)
    if number is None:
        return None
    return visibility.filter_visible(user, _queryset(model_or_queryset)).filter(pk=number).first()


def get_visible_or_404(user, model_or_queryset, pk) -> models.Model:
    """Like :func:`visible_or_none`, raising ``Http404`` with :data:`NOT_FOUND` instead."""
    found = visible_or_none(user, model_or_queryset, pk)
    if found is None:
        raise Http404(NOT_FOUND)
    return found


class VisibleObjectField(serializers.PrimaryKeyRelatedField):
    """An API field holding the id of an object the request's user may see.

    Every failure (no such id, a hidden object, a string, a number too large) gives the
    same message, :data:`NOT_FOUND`; the validated value is the object."""

    default_error_messages = {
        "does_not_exist": NOT_FOUND,
        "incorrect_type": NOT_FOUND,
    }

    def to_internal_value(self, data):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        found = visible_or_none(user, self.get_queryset(), data)
        if found is None:
            self.fail("does_not_exist")
        return found
