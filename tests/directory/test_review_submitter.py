"""The review screen's "submitter's history", from real `Submission` rows: what this person sent
before (matched by email address in any case, or by account) and how each was decided."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.models import CreatorStatus, Submission, SubmissionStatus
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def submission(creator, *, email="", user=None, status=SubmissionStatus.PENDING, why="Kind."):
    return Submission.objects.create(
        creator=creator,
        form_token=f"token-{Submission.objects.count()}",
        submitter_email=email,
        submitted_by=user,
        relationship="nominating",
        why=why,
        status=status,
    )


def review_page(client, creator) -> str:
    response = client.get(reverse("admin:directory_creator_change", args=[creator.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_history_counts_earlier_decisions_by_the_same_address(client, volunteer):
    for status in (SubmissionStatus.APPROVED, SubmissionStatus.APPROVED, SubmissionStatus.REJECTED):
        submission(CreatorFactory(), email="Friend@Example.org", status=status)
    submission(CreatorFactory(), email="someone-else@example.org", status="rejected")
    creator = CreatorFactory(name="New Voice", status=CreatorStatus.PENDING)
    submission(creator, email="friend@example.org", why="Answers every question gently.")
    body = review_page(client, creator)
    assert "friend@example.org (I am nominating someone)" in body
    assert "Answers every question gently." in body
    assert "2 approved, 1 not approved, 0 pending" in body


def test_history_follows_the_account_whatever_address_was_typed(client, volunteer):
    friend = UserFactory(username="friend")
    submission(CreatorFactory(), email="old@example.org", user=friend, status="approved")
    submission(CreatorFactory(), email="", user=friend, status="pending")
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    submission(creator, email="new@example.org", user=friend)
    assert "1 approved, 0 not approved, 1 pending" in review_page(client, creator)


def test_a_first_submission_has_an_empty_history(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    submission(creator, email="first@example.org")
    assert "0 approved, 0 not approved, 0 pending" in review_page(client, creator)
