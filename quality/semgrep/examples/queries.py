"""Known-bad and known-good SQL: proven at every `make check` (quality/static.py)."""

from django.db import connection
from django.db.models.expressions import RawSQL

from accounts.models import User


def raw_sql(request, email):
    with connection.cursor() as cursor:
        # ruleid: raw-sql-built-with-string-formatting
        cursor.execute(f"SELECT id FROM accounts_user WHERE email = '{email}'")
        # ruleid: raw-sql-built-with-string-formatting
        cursor.execute("SELECT id FROM accounts_user WHERE email = '%s'" % email)
        # ok: raw-sql-built-with-string-formatting
        cursor.execute("SELECT id FROM accounts_user WHERE email = %s", [email])
    # ruleid: raw-sql-built-with-string-formatting
    User.objects.raw("SELECT * FROM accounts_membership WHERE id = {}".format(email))
    # ruleid: raw-sql-built-with-string-formatting
    return RawSQL("SELECT 1 WHERE x = " + email, [])
