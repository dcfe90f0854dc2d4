"""Vendor-specific search structures (see search/models.py).

PostgreSQL: ``CREATE EXTENSION unaccent`` needs a superuser (or the database owner on
PostgreSQL >= 13 with trusted extensions) once; run this migration as such a role in
production, or create the extension beforehand.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS search_document_fts USING fts5(
        title, body, author, tags, title_stem, body_stem, acl,
        tokenize = 'unicode61 remove_diacritics 2 tokenchars ''_'''
    )
    """,
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_document_fts"]


def _config(name, copy, stem):
    return f"""
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}') THEN
            CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {copy});
            ALTER TEXT SEARCH CONFIGURATION {name}
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stem};
        END IF;
    END
    $$;
    """


POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    _config("portal_fr", "french", "french_stem"),
    _config("portal_en", "english", "english_stem"),
    _config("portal_simple", "simple", "simple"),
    "ALTER TABLE search_document ADD COLUMN vector tsvector",
    "ALTER TABLE search_document ADD COLUMN acl text[] NOT NULL DEFAULT '{}'",
    "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
    "CREATE INDEX search_document_acl ON search_document USING gin (acl)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_acl",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS acl",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
    # The configurations and the extension may serve others: they stay.
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements.get(vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        )
    ]
