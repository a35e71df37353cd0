"""End to end on a real Redis broker and a real Celery worker, fetching from a local feed server.

link saved -> refresh_link enqueued on commit -> worker fetches the RSS feed through the real
adapter and HTTP client -> snapshot -> score. A redelivered task leaves one snapshot; a
rolled-back transaction enqueues nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import transaction

from config.celery import app
from directory import tasks
from directory.models import Creator, PlatformLink, StatsSnapshot
from directory.platforms import ratelimit
from directory.services.enqueue import links_enqueue, links_send
from tests.factories import CreatorFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDIS_DB = 14  # this test's own database number on the shared Redis server


def feed(now: dt.datetime) -> bytes:
    items = "".join(
        f"<item><title>Notes, part {n}</title><link>http://127.0.0.1/p/{n}</link>"
        f"<guid>p{n}</guid><pubDate>{format_datetime(now - dt.timedelta(days=n * 3))}</pubDate>"
        f"<slash:comments>{n + 1}</slash:comments></item>"
        for n in range(1, 4)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
        "<title>Quiet Steps</title><link>http://127.0.0.1/</link><description>Recovery notes"
        f"</description>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def feed_server():
    hits: list[str] = []
    body = feed(dt.datetime.now(dt.UTC))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker(redis_url, settings):
    """A real worker thread on this test's Redis database, for the project's own app."""
    parts = urlsplit(redis_url)
    broker = urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    settings.REDIS_URL = broker
    ratelimit.set_limiter(None)  # the shared per-host bucket, in Redis too
    keys = ("broker_url", "broker_transport_options", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    # A queue of its own, so parallel test runs (xdist, other checkouts) never share messages.
    app.conf.update(
        broker_url=broker,
        broker_transport_options={"visibility_timeout": 3600},
        task_default_queue=f"mhv-test-{uuid.uuid4().hex}",
    )
    _reset_connections()

    finished: list[str] = []

    def on_postrun(sender=None, **kwargs) -> None:
        finished.append(sender.name)

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield finished
    finally:
        task_postrun.disconnect(on_postrun)
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(app.conf.task_default_queue)
        app.conf.update(saved)
        _reset_connections()
        ratelimit.set_limiter(None)


def _reset_connections() -> None:
    # Drop pools and the queue table built for the previous broker and queue name.
    app._pool = None
    app.amqp._producer_pool = None
    app.amqp.__dict__.pop("queues", None)


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


def test_link_to_task_to_snapshot_to_score(worker, feed_server):
    url, hits = feed_server
    creator = CreatorFactory(slug="quiet-steps", interactivity_score=None)

    with transaction.atomic():
        link = PlatformLink.objects.create(creator=creator, platform="blog", url=url)
        links_enqueue(link_ids=[link.pk])

    wait_for(lambda: "directory.tasks.refresh_link" in worker)
    snapshot = StatsSnapshot.objects.get(link=link)
    assert snapshot.posts_in_window == 3
    assert snapshot.comments_in_window == 2 + 3 + 4
    assert snapshot.followers is None  # feeds do not say; unknown, not 0
    assert hits == ["/feed.xml"]
    link.refresh_from_db()
    assert link.fetch_state == "ok"
    assert link.latest_snapshot == snapshot
    creator = Creator.objects.get(pk=creator.pk)
    assert creator.interactivity_score is not None
    assert creator.score_updated_at is not None

    # Redelivered (or re-sent) for the same bucket: still exactly one snapshot.
    tasks.refresh_link.delay(link.pk)
    tasks.refresh_link.delay(link.pk)
    wait_for(lambda: worker.count("directory.tasks.refresh_link") == 3)
    assert StatsSnapshot.objects.filter(link=link).count() == 1


def test_a_rolled_back_transaction_enqueues_nothing(worker, feed_server):
    url, hits = feed_server
    creator = CreatorFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        link = PlatformLink.objects.create(creator=creator, platform="blog", url=url)
        links_enqueue(link_ids=[link.pk])
        raise RuntimeError("the submission failed validation after all")

    # A committed enqueue afterwards proves the worker was listening all along.
    other = PlatformLink.objects.create(creator=creator, platform="blog", url=url + "?other")
    links_send([(other.pk, 0)])
    wait_for(lambda: "directory.tasks.refresh_link" in worker)
    assert worker == ["directory.tasks.refresh_link"]
    assert hits == ["/feed.xml?other"]
    assert StatsSnapshot.objects.filter(link__url=url).count() == 0
