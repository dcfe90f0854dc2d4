from django.conf import settings
from django.db import models

from portal.visibility import Restricted


class Club(models.Model):
    """A plugin's own audience: members hold the ``club:<id>`` token (the groups plugin
    owns ``group:<id>``)."""

    name = models.CharField(max_length=100)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="sample_clubs")


class Note(Restricted):
    """A piece of content with an audience."""

    visibility_owner_field = "author"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.text


class Reply(models.Model):
    """Visible exactly when its note is."""

    visibility_through = "note"

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="replies")
    text = models.CharField(max_length=200)


class Unruled(models.Model):
    """A model the visibility policy knows nothing about: visible to nobody."""

    text = models.CharField(max_length=200)
