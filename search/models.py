"""The embedded search index: one row per document (``search.documents.Document``).

Only portable fields live on the model. What each database needs to search them is added by
the migrations, per vendor:

- SQLite: an FTS5 table ``search_document_fts`` (``rowid`` = ``IndexedDocument.id``) with the
  columns title, body, author, tags, title_stem, body_stem, acl.
- PostgreSQL: the ``unaccent`` extension, the text search configurations ``portal_fr``,
  ``portal_en``, ``portal_simple``, and two columns on this table that Django does not
  manage: ``vector tsvector`` and ``acl text[]``, each with a GIN index.

Only ``search.backends.database`` writes these rows (never through the ORM, which would not
maintain the vendor structures).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedDocument(models.Model):
    key = models.CharField(_("type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    title = models.TextField(_("title"), blank=True)
    body = models.TextField(_("body"), blank=True)
    author = models.TextField(_("author"), blank=True)
    #: Space-joined tags.
    tags = models.TextField(_("tags"), blank=True)
    date = models.DateTimeField(_("date"), null=True, blank=True, db_index=True)
    url = models.TextField(_("URL"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    #: Space-joined encoded access tokens (``group:12`` -> ``group_3a12``, see the backend).
    tokens = models.TextField(_("access tokens"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "search_document"
        verbose_name = _("indexed document")
        verbose_name_plural = _("indexed documents")
        constraints = [
            models.UniqueConstraint(fields=["key", "object_id"], name="search_document_uid")
        ]

    def __str__(self) -> str:
        return f"{self.key}:{self.object_id}"
