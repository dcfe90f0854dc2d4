"""Groups in search: name, description and tags. Who may find a group comes from the
visibility rule (everyone for public and private groups, members for secret ones)."""

from django.utils.translation import gettext_lazy as _

from plugins.groups.models import Group
from search import registry


def to_document(group: Group) -> dict:
    return {
        "title": group.name,
        "body": group.description,
        "author": "",
        "date": group.created_at,
        "tags": sorted(tag.name for tag in group.tags.all()),
        "type": "group",
        "url": group.get_absolute_url(),
    }


registry.register(
    "groups.group",
    Group,
    to_document,
    label=_("Groups"),
    queryset=lambda: Group.objects.prefetch_related("tags"),
)
