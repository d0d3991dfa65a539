"""A real Celery worker, a real Redis broker and a real SMTP server.

The worker is a separate process reading the test database, so these tests
commit their data (transaction=True) and run on PostgreSQL.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts import outbox
from accounts.models import Notification
from accounts.tasks import send_notification
from partnerportal.celery import app as celery_app

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def task_queue():
    """A queue of this test's own, so no other worker on the machine's Redis takes its tasks."""
    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    yield queue
    celery_app.conf.task_default_queue = previous
    celery_app.conf.task_always_eager = True


@contextmanager
def using_broker(url):
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app._after_fork()  # drop pooled connections to the previous broker
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        celery_app._after_fork()


def database_url():
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@contextmanager
def celery_worker(*, broker_url, queue, smtp_port, log_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "C_FORCE_ROOT": "1",  # Celery warns under root; CI runs as root
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "partnerportal",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out after {timeout}s waiting for {what}")


def new_notice(key):
    return Notification.objects.create(
        recipient="main@globex.example",
        template="subscriptions/welcome",
        subject="Welcome to OpenNebula",
        body="Your subscription is active.",
        idempotency_key=key,
    )


def test_a_real_worker_sends_a_queued_notice(smtp_inbox, task_queue, tmp_path):
    notification = new_notice("welcome:worker")
    with celery_worker(
        broker_url=settings.REDIS_URL,
        queue=task_queue,
        smtp_port=smtp_inbox.port,
        log_path=tmp_path / "worker.log",
    ):
        send_notification.delay(notification.pk)
        wait_for(
            lambda: Notification.objects.get(pk=notification.pk).status == "sent",
            what=f"the worker (log: {(tmp_path / 'worker.log')})",
        )
    assert [m.rcpt_tos for m in smtp_inbox.messages] == [["main@globex.example"]]
    assert b"Welcome to OpenNebula" in smtp_inbox.messages[0].content


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of this test's own, to take down and bring back (never the machine's)."""
    server = shutil.which("redis-server")
    assert server, "redis-server is needed for the broker-down test"
    port = free_port()

    class PrivateRedis:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [
                    server,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
            )
            wait_for(lambda: _answers(port), timeout=10, what="the private Redis")

        def stop(self):
            if self.process:
                self.process.terminate()
                self.process.wait(timeout=10)

    instance = PrivateRedis()
    yield instance
    instance.stop()


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def test_a_notice_queued_while_the_broker_is_down_is_sent_when_it_returns(
    client, globex, globex_main, smtp_inbox, task_queue, private_redis, tmp_path
):
    with using_broker(private_redis.url):
        # The broker is down: the request still succeeds and the row waits.
        client.force_login(globex_main)
        started = time.monotonic()
        response = client.post(
            "/organization/people/",
            {"email": "new.tech@globex.example", "roles": ["technical_contact"]},
        )
        assert response.status_code == 302
        assert time.monotonic() - started < 10
        notification = Notification.objects.get(recipient="new.tech@globex.example")
        assert notification.status == Notification.Status.QUEUED

        private_redis.start()
        with celery_worker(
            broker_url=private_redis.url,
            queue=task_queue,
            smtp_port=smtp_inbox.port,
            log_path=tmp_path / "worker.log",
        ):
            Notification.objects.filter(pk=notification.pk).update(
                updated_at=timezone.now() - timezone.timedelta(hours=1)
            )
            assert outbox.requeue_stale() == 1
            wait_for(
                lambda: Notification.objects.get(pk=notification.pk).status == "sent",
                what="the re-queued notice",
            )
    assert [m.rcpt_tos for m in smtp_inbox.messages] == [["new.tech@globex.example"]]
