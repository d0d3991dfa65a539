"""On PostgreSQL a trigger keeps Article.search_document, and a GIN index serves the search.

The document is the one the search used to build on every query (title weighted A,
summary and body B, config "english"), now stored when an article is written, by
whatever writes it (services, the admin, bulk loads). It replaces migration 0003's
expression index. SQLite has no full-text search: nothing happens there.
"""

from importlib import import_module

from django.db import migrations

CREATE = """
CREATE FUNCTION support_article_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document :=
        setweight(to_tsvector('english'::regconfig, COALESCE(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig,
                              COALESCE(NEW.summary, '') || ' ' || COALESCE(NEW.body, '')), 'B');
    RETURN NEW;
END $$;
CREATE TRIGGER support_article_search_document BEFORE INSERT OR UPDATE ON support_article
    FOR EACH ROW EXECUTE FUNCTION support_article_search_document();
UPDATE support_article SET search_document = NULL;
CREATE INDEX support_article_search_document ON support_article USING gin (search_document);
DROP INDEX IF EXISTS support_article_search_idx;
"""

DROP = """
DROP INDEX IF EXISTS support_article_search_document;
DROP TRIGGER IF EXISTS support_article_search_document ON support_article;
DROP FUNCTION IF EXISTS support_article_search_document();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        # Back to migration 0003's expression index.
        import_module("support.migrations.0003_article_search_index").create_index(
            apps, schema_editor
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0005_active_ticket_indexes_and_article_search_document")]
    operations = [migrations.RunPython(create, drop)]
