"""Which models people may react to: those declared with ``reactions=True`` in
:mod:`portal.interactions` (posts by the feed, comments by the comments plugin, pages by
the core).

For each, the reactions plugin keeps the declared counter up to date (when there is one),
offers ``/api/<api_prefix>/<id>/reactions/``, makes a reaction visible exactly when its
target is, and deletes the reactions of an object when the object is deleted.
"""

from __future__ import annotations

from django.db.models.signals import post_delete

from portal import interactions

#: A declaration, seen from the reactions plugin.
Reactable = interactions.Interactive


def reactable_for(model) -> Reactable | None:
    """The declaration of ``model`` (or of the declared class it derives from), if people
    may react to it."""
    declaration = interactions.declaration_for(model)
    return declaration if declaration is not None and declaration.reactions else None


def reactables() -> list[Reactable]:
    """The declarations people may react to, of installed apps."""
    return interactions.reactable()


def _forget_reactions(sender, instance, **kwargs):
    """A deleted object takes its reactions with it (the generic relation has no cascade)."""
    from plugins.reactions.models import Reaction

    declaration = reactable_for(sender)
    if declaration is None or declaration.model is not sender:
        return
    Reaction.objects.filter(content_type=declaration.content_type(), object_id=instance.pk).delete()


def connect() -> None:
    post_delete.connect(_forget_reactions, dispatch_uid="reactions_forget_on_target_delete")
