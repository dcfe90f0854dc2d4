"""Data-protection requests: the reactions a person gave."""

from django.db import transaction
from django.db.models import F

from plugins.reactions import registry
from plugins.reactions.models import Reaction


def export_user_data(user) -> list[dict]:
    return [
        {
            "type": reaction.content_type.app_label + "." + reaction.content_type.model,
            "id": reaction.object_id,
            "reaction": reaction.kind,
            "at": reaction.created_at.isoformat(),
        }
        for reaction in Reaction.objects.filter(user=user).select_related("content_type")
    ]


def erase_user_data(user) -> None:
    """Delete the person's reactions and take each one off its target's count."""
    with transaction.atomic():
        for reactable in registry.reactables():
            mine = Reaction.objects.filter(user=user, content_type=reactable.content_type())
            ids = list(mine.values_list("object_id", flat=True))
            if not ids:
                continue
            field = reactable.reaction_count_field
            if field:
                reactable.model._default_manager.filter(pk__in=ids, **{f"{field}__gt": 0}).update(
                    **{field: F(field) - 1}
                )
            mine.delete()
        Reaction.objects.filter(user=user).delete()
