"""The two services every path that stores or refreshes a link goes through."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from kombu.exceptions import OperationalError

from directory.services.enqueue import links_enqueue
from directory.services.links import NormalisedLink, link_normalise
from directory.tasks import refresh_link
from tests.directory.refresh_fakes import fetchable_link


def test_link_normalise_strips_tracking_and_detects_the_platform():
    assert link_normalise(url="  https://www.YouTube.com/@Calm?si=abc&utm_source=x ") == (
        NormalisedLink(platform="youtube", url="https://www.youtube.com/@calm")
    )


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "https://u:p@host.org/"],
)
def test_link_normalise_refuses_what_is_not_a_public_web_address(url):
    with pytest.raises(ValidationError) as caught:
        link_normalise(url=url)
    assert caught.value.code == "invalid_url"
    assert "http(s)" in caught.value.messages[0]


def test_link_normalise_refuses_a_platform_the_host_contradicts():
    with pytest.raises(ValidationError, match="YouTube"):
        link_normalise(url="https://www.youtube.com/@calm", platform="bluesky")


@pytest.mark.django_db
def test_links_enqueue_sends_after_commit_and_marks_in_flight(
    sent, django_capture_on_commit_callbacks
):
    link = fetchable_link()
    with django_capture_on_commit_callbacks(execute=True):
        links_enqueue(link_ids=[link.pk])
        assert sent == []
    assert sent == [((link.pk,), 0)]
    link.refresh_from_db()
    assert link.enqueued_at is not None


@pytest.mark.django_db
def test_links_enqueue_sends_nothing_when_the_transaction_rolls_back(
    sent, django_capture_on_commit_callbacks
):
    link = fetchable_link()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        links_enqueue(link_ids=[link.pk])
        raise RuntimeError("the form failed after all")
    assert callbacks == []
    assert sent == []


@pytest.mark.django_db
def test_links_enqueue_with_the_broker_down_leaves_the_link_due(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(refresh_link, "apply_async", broker_down)
    link = fetchable_link()
    with django_capture_on_commit_callbacks(execute=True):
        links_enqueue(link_ids=[link.pk])
    link.refresh_from_db()
    assert link.enqueued_at is None
    assert link.next_fetch_at is None
