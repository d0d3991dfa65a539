"""The portal with demo data, served by gunicorn on loopback, as in production but plain http.

DEBUG is off and the SECRET_KEY is real (random per run); only what plain http
on loopback forbids is relaxed: the HTTPS redirect, secure cookies and HSTS.
The data lives in a throwaway folder (VAR_DIR: SQLite file, cache, mail),
made anew on every run, so the checks never touch anyone's database.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from quality import BASE_DIR

PORTS = range(8300, 8400)
# Variables of the surrounding run (CI, pytest) that must not reach the served portal.
NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "EMAIL_HOST",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CELERY_TASK_ALWAYS_EAGER",
)


def free_port(preferred=None):
    candidates = [preferred] if preferred else PORTS
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port among {candidates}")


def portal_env(var_dir, port):
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return env | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'portal.sqlite3'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Plain http on loopback: no redirect to https, cookies that http can carry, no HSTS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "0",
        # wapiti compares answers to tell an injection: behind the throttle most of its
        # requests got a 429 (5,116 of 16,631) and a window opening between two of its
        # probes read as a blind SQL injection. Throttling has its own tests.
        "RATE_LIMITS_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env, *args, log):
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=300,
    )


@contextmanager
def serve(var_dir, *, port=None):
    """Yield the base URL of a freshly seeded portal; stop it afterwards."""
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    port = free_port(port)
    env = portal_env(var_dir, port)
    log_path = var_dir / "server.log"
    with open(log_path, "w") as log:
        manage(env, "migrate", "--no-input", log=log)
        manage(env, "seed_demo", log=log)
        manage(env, "collectstatic", "--no-input", "--verbosity", "0", log=log)
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(BASE_DIR / ".venv" / "bin" / "gunicorn")
                if (BASE_DIR / ".venv" / "bin" / "gunicorn").exists()
                else "gunicorn",
                "partnerportal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--access-logfile",
                str(var_dir / "access.log"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url, gunicorn, log_path)
            yield base_url
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                gunicorn.kill()


def wait_until_up(base_url, process, log_path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: see {log_path}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the portal did not answer on {base_url} in {timeout} s: see {log_path}")
