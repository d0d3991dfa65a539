from django.db import migrations

# The same expression as ArticleQuerySet.search builds (SearchVector of title, summary and
# body, config "english"), so PostgreSQL answers the search from this GIN index. SQLite
# has no full-text index: the embedded default searches with a plain match instead.
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS support_article_search_idx ON support_article USING gin ("
    "to_tsvector('english'::regconfig, COALESCE(\"title\", '') || ' ' || "
    "COALESCE(\"summary\", '') || ' ' || COALESCE(\"body\", '')))"
)
DROP_INDEX = "DROP INDEX IF EXISTS support_article_search_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [("support", "0002_business_calendars")]
    operations = [migrations.RunPython(create_index, drop_index)]
