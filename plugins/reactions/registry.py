"""Which models people may react to.

A plugin registers its model once (the feed's posts here, comments in the comments
plugin's ``ready()``); the reactions plugin then keeps that model's ``count_field`` up to
date, offers ``/api/<api_prefix>/<id>/reactions/``, makes a reaction visible exactly when
its target is, and deletes the reactions of an object when the object is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete


@dataclass(frozen=True)
class Reactable:
    model: type[models.Model]
    #: The field holding the person notified of reactions.
    author_field: str = "author"
    #: The denormalised number of reactions on the model, kept with ``F()`` updates.
    count_field: str = "reaction_count"
    #: ``/api/<api_prefix>/<id>/reactions/``; empty: no API for this model.
    api_prefix: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)


_registry: dict[type[models.Model], Reactable] = {}


def register(
    model: type[models.Model],
    author_field: str = "author",
    count_field: str = "reaction_count",
    api_prefix: str = "",
) -> Reactable:
    reactable = Reactable(model, author_field, count_field, api_prefix)
    _registry[model] = reactable
    post_delete.connect(
        _forget_reactions, sender=model, dispatch_uid=f"reactions_forget_{reactable.label}"
    )
    return reactable


def reactable_for(model: type[models.Model]) -> Reactable | None:
    """The registration of ``model`` (or of the registered class it derives from)."""
    for klass in model.__mro__:
        if klass in _registry:
            return _registry[klass]
    return None


def reactables() -> list[Reactable]:
    """The registered models whose plugin is enabled."""
    from django.apps import apps

    return [r for r in _registry.values() if apps.is_installed(r.model._meta.app_config.name)]


def _forget_reactions(sender, instance, **kwargs):
    """A deleted object takes its reactions with it (the generic relation has no cascade)."""
    from plugins.reactions.models import Reaction

    Reaction.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).delete()
