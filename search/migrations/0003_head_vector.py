"""PostgreSQL: a small ``head`` tsvector (title, author, tags: the weight A and B parts of
``vector``) with its own GIN index, for title matches and suggestions; the big ``vector`` and
``body`` move out of the table rows (TOAST), so that the rows scanned for the access and date
filters fit in far fewer pages. See search/backends/database.py. Nothing to do on SQLite.

Filling ``head`` rewrites every row once (which also applies the new TOAST target).
"""

from django.db import migrations

# As search.backends.database.pg_head_sql() writes it (frozen here: migrations must not
# change with the code); PostgreSQL's parser skips "<...>", the backend blanks "<" and ">".
_GAP = " || '~:2'::tsvector || "
HEAD_SQL = _GAP.join(
    [
        "setweight(to_tsvector('portal_fr', translate(title, '<>', '  ')), 'A')",
        "setweight(to_tsvector('portal_en', translate(title, '<>', '  ')), 'A')",
        "setweight(to_tsvector('portal_simple', translate(title, '<>', '  ')), 'A')",
        "setweight(to_tsvector('portal_simple', translate(author, '<>', '  ')), 'B')",
        "setweight(to_tsvector('portal_simple', translate(tags, '<>', '  ')), 'B')",
    ]
)

POSTGRES_FORWARD = [
    "ALTER TABLE search_document ADD COLUMN head tsvector",
    # Kept in the row: the big columns are moved out first.
    "ALTER TABLE search_document ALTER COLUMN head SET STORAGE MAIN",
    "ALTER TABLE search_document SET (toast_tuple_target = 256)",
    f"UPDATE search_document SET head = {HEAD_SQL}",  # noqa: S608 - constants only
    "CREATE INDEX search_document_head ON search_document USING gin (head)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_head",
    "ALTER TABLE search_document RESET (toast_tuple_target)",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS head",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0002_vendor_structures")]

    operations = [
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD), elidable=False)
    ]
