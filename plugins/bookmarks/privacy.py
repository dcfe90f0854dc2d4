"""Data-protection requests: what the bookmarks plugin holds about a person."""

from plugins.bookmarks.models import Bookmark
from plugins.bookmarks.services import type_label


def export_user_data(user) -> list[dict]:
    return [
        {
            "type": type_label(bookmark.content_type),
            "id": bookmark.object_id,
            "note": bookmark.note,
            "saved_at": bookmark.created_at.isoformat(),
        }
        for bookmark in Bookmark.objects.filter(user=user).select_related("content_type")
    ]


def erase_user_data(user) -> None:
    Bookmark.objects.filter(user=user).delete()
