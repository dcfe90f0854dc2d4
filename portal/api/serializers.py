"""Response shapes that several plugins return alike, declared once for the OpenAPI
schema: a link's preview and a stored attachment (the feed's posts, messages...)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class LinkPreviewSerializer(serializers.Serializer):
    """The preview of the first link of a text (``plugins.feed.previews``)."""

    url = serializers.URLField()
    title = serializers.CharField()
    description = serializers.CharField()
    image = serializers.CharField()
    site = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    """A file stored with the shared upload helpers (``portal.files``)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    is_image = serializers.BooleanField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(help_text=_("Where to download it (for those who may see it)."))
