"""Production settings come from the environment and pass Django's deploy checks."""

import os
import subprocess
import sys

from django.conf import settings

# Set for the test run (the browser tests set the last one), not for production.
INHERITED_TEST_VARIABLES = ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq!2m" * 8,
    "ALLOWED_HOSTS": "portal.opennebula.io",
    "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def run_python(*args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={k: v for k, v in os.environ.items() if k not in INHERITED_TEST_VARIABLES} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_manage(*args, **env):
    return run_python("manage.py", *args, **env)


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_on_the_embedded_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_fails_when_rate_limits_are_off():
    env = PRODUCTION_ENV | {"RATE_LIMITS_ENABLED": "false"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr


CONCURRENT_WRITES = """
import threading, time
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE visit (n integer)")
errors = []

def visitor():
    try:
        for _ in range(20):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM visit")  # read, then write
                time.sleep(0.002)
                cursor.execute("INSERT INTO visit VALUES (1)")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=visitor) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM visit")
    print(cursor.fetchone()[0], errors)
"""


def test_the_embedded_default_takes_concurrent_writes_without_database_is_locked(tmp_path):
    result = run_manage("shell", "-c", CONCURRENT_WRITES, VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "80 []"


def test_the_wsgi_application_keeps_what_it_loads_at_start_out_of_the_collector():
    result = run_python(
        "-c", "import gc, partnerportal.wsgi; print(gc.get_freeze_count())", **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 50_000  # apps, models, the URLconf and the view modules
