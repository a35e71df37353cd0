"""Public submissions of creators, and telling the submitter what was decided.

`creator_submit()` writes a pending creator, its links, any self-reported figures and the
`Submission` in one transaction; the first statistics fetch and the confirmation email leave only
after it commits. It is idempotent per form token: a double click or a resent form returns the
submission the first one created. `link_check()` is the rule for "may this link be submitted?",
used by the form (to answer as the visitor types) and again inside the transaction.

`submission_decided()` is what moderation calls when it approves or rejects: it records the
decision on the creator's submissions and emails each submitter their private status link.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from directory.models import (
    PLATFORMS_WITHOUT_API,
    Creator,
    CreatorStatus,
    Language,
    PlatformLink,
    RejectionReason,
    Submission,
    SubmissionStatus,
    Topic,
)
from directory.services.enqueue import links_enqueue
from directory.services.import_validation import known_language_name
from directory.services.links import NormalisedLink, link_normalise
from directory.services.notify import email_send
from directory.services.removal import link_is_tombstoned, slug_is_tombstoned
from directory.services.snapshots import snapshot_record

STATUS_SALT = "directory.submission-status"
FORM_SALT = "directory.submission-form"
# Self-reported figures cover this many days ("posts in the last 30 days").
SELF_REPORT_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class SubmittedLink:
    """One link row of the form; the figures are kept only for platforms without an API."""

    url: str
    platform: str = ""
    followers: int | None = None
    following: int | None = None
    posts_30d: int | None = None
    comments_30d: int | None = None

    def measurements(self) -> dict[str, int | None]:
        values: dict[str, int | None] = {"followers": self.followers, "following": self.following}
        if self.posts_30d is not None or self.comments_30d is not None:
            values.update(
                window_days=SELF_REPORT_WINDOW_DAYS,
                posts_in_window=self.posts_30d,
                comments_in_window=self.comments_30d,
            )
        return values


def link_check(*, url: str, platform: str | None = None) -> NormalisedLink:
    """The normalised link, or a ValidationError saying kindly why it cannot be submitted.

    Codes: `invalid_url` (not a public web address), `removed` (its owner asked to be removed;
    who it was is not said), `listed` (with a link to the profile), `pending` (awaiting review),
    `known` (on a profile that is not public).
    """
    try:
        link = link_normalise(url=url, platform=platform)
    except ValidationError as exc:
        raise ValidationError(_as_sentence(exc), code=exc.code) from None
    if link_is_tombstoned(link.url):
        raise ValidationError(
            "This link cannot be added: the person it belongs to asked not to be listed here. "
            "Thank you for understanding.",
            code="removed",
        )
    # By URL alone: the same address under another platform is still the same account.
    existing = PlatformLink.objects.filter(url=link.url).select_related("creator").first()
    if existing is None:
        return link
    creator = existing.creator
    if creator.status == CreatorStatus.APPROVED:
        raise ValidationError(
            format_html(
                'This link is already listed: see <a href="{}">{}’s profile</a>.',
                creator.get_absolute_url(),
                creator.name,
            ),
            code="listed",
        )
    if creator.status == CreatorStatus.PENDING:
        raise ValidationError(
            "Someone has already suggested this link; it is waiting for a moderator's review.",
            code="pending",
        )
    raise ValidationError(
        "This link is already known to us and cannot be submitted again.", code="known"
    )


def _as_sentence(exc: ValidationError) -> str:
    # The URL rules speak in fragments ("points at a private or local address"); a visitor
    # reads a sentence.
    message = exc.messages[0]
    if message.startswith("not "):
        return f"We cannot use this link: it is {message}."
    if message[:1].islower():
        return f"We cannot use this link: it {message}."
    return message


def form_token_new() -> str:
    """A fresh one-time token for a submission form (signed, so only ours are accepted)."""
    return signing.dumps(secrets.token_hex(8), salt=FORM_SALT)


def form_token_valid(token: str, *, max_age: dt.timedelta = dt.timedelta(days=2)) -> bool:
    try:
        signing.loads(token, salt=FORM_SALT, max_age=max_age)
    except signing.BadSignature:
        return False
    return len(token) <= 100


def status_token(submission: Submission) -> str:
    return signing.dumps(str(submission.public_id), salt=STATUS_SALT)


def status_url(token: str, *, absolute: bool = False) -> str:
    path = reverse("directory:submission_status", kwargs={"token": token})
    return settings.SITE_URL + path if absolute else path


def submission_from_token(token: str) -> Submission | None:
    """The submission a status link names, or None for a link we did not sign."""
    try:
        public_id = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        return None
    return (
        Submission.objects.filter(public_id=public_id)
        .select_related("creator")
        .prefetch_related("creator__links__latest_snapshot")
        .first()
    )


def _slug_for(name: str) -> str:
    base = slugify(name)[:120].strip("-") or "creator"
    taken = set(Creator.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 1
    while candidate in taken or slug_is_tombstoned(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _languages(codes: Sequence[str]) -> list[Language]:
    found = {lang.code: lang for lang in Language.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            found[code] = Language.objects.create(code=code, name=known_language_name(code) or code)
    return [found[code] for code in codes]


def creator_submit(
    *,
    name: str,
    bio: str,
    creator_type: str,
    topics: Sequence[Topic],
    language_codes: Sequence[str],
    country: str,
    content_notes: str,
    relationship: str,
    why: str,
    email: str,
    user: Any = None,
    links: Sequence[SubmittedLink],
    form_token: str,
) -> Submission:
    """Store a pending creator and its submission in one transaction; see the module docstring.

    Raises ValidationError (keyed `links` for a link that cannot be added) and creates nothing.
    """
    earlier = Submission.objects.filter(form_token=form_token).first()
    if earlier is not None:
        return earlier
    if not links:
        raise ValidationError({"links": "Add at least one link."})
    if not email and user is not None:
        email = user.email
    try:
        with transaction.atomic():
            submission = _create(
                name=name,
                bio=bio,
                creator_type=creator_type,
                topics=topics,
                language_codes=language_codes,
                country=country,
                content_notes=content_notes,
                relationship=relationship,
                why=why,
                email=email,
                user=user,
                links=links,
                form_token=form_token,
            )
    except IntegrityError:
        # Two identical requests raced: the other one's submission is the answer.
        earlier = Submission.objects.filter(form_token=form_token).first()
        if earlier is not None:
            return earlier
        # Or someone submitted one of these links a moment ago.
        raise ValidationError(
            {"links": "One of these links was submitted a moment ago by someone else."}
        ) from None
    return submission


def _create(*, links: Sequence[SubmittedLink], **fields: Any) -> Submission:
    checked = [(row, link_check(url=row.url, platform=row.platform or None)) for row in links]
    if len({link.url for _, link in checked}) < len(checked):
        raise ValidationError("The same link is entered twice.", code="repeated")
    creator = Creator.objects.create(
        name=fields["name"],
        slug=_slug_for(fields["name"]),
        bio=fields["bio"],
        creator_type=fields["creator_type"],
        country=fields["country"],
        content_notes=fields["content_notes"],
        status=CreatorStatus.PENDING,
        submitted_by=fields["user"],
    )
    creator.topics.set(fields["topics"])
    creator.languages.set(_languages(fields["language_codes"]))
    to_fetch: list[int] = []
    for row, normalised in checked:
        link = PlatformLink.objects.create(
            creator=creator, platform=normalised.platform, url=normalised.url
        )
        # The one rule for links the refresh never fetches (no public API: MANUAL).
        PlatformLink.objects.filter(pk=link.pk).mark_never_fetched()
        if normalised.platform in PLATFORMS_WITHOUT_API:
            measurements = row.measurements()
            if any(value is not None for value in measurements.values()):
                snapshot_record(link=link, source="self_reported", measurements=measurements)
        else:
            to_fetch.append(link.pk)
    submission = Submission.objects.create(
        creator=creator,
        form_token=fields["form_token"],
        submitter_email=fields["email"],
        submitted_by=fields["user"],
        relationship=fields["relationship"],
        why=fields["why"],
    )
    links_enqueue(link_ids=to_fetch)
    _email_submitter(submission, template="submission_received")
    return submission


def _email_submitter(submission: Submission, *, template: str) -> None:
    if not submission.submitter_email:
        return
    email_send(
        to=[submission.submitter_email],
        subject_template=f"emails/{template}_subject.txt",
        text_template=f"emails/{template}.txt",
        html_template=f"emails/{template}.html",
        context={
            "submission": submission,
            "creator": submission.creator,
            "status_url": status_url(status_token(submission), absolute=True),
        },
    )


def submission_decided(
    *, creator: Creator, approved: bool, reason: str = "", note: str = ""
) -> None:
    """Record a moderator's decision on the creator's submissions and tell each submitter.

    `reason` is a `RejectionReason` value (required when not approved). A submitter is emailed
    only when their submission's status changes, so repeating a decision sends nothing.
    """
    if approved:
        status, reason = SubmissionStatus.APPROVED, ""
    else:
        status = SubmissionStatus.REJECTED
        if reason not in RejectionReason.values:
            raise ValidationError(
                "Choose one of the reasons for not approving.", code="invalid_reason"
            )
    with transaction.atomic():
        submissions = list(
            Submission.objects.select_for_update().filter(creator=creator).exclude(status=status)
        )
        now = timezone.now()
        for submission in submissions:
            submission.status = status
            submission.rejection_reason = reason
            submission.decision_note = note
            submission.decided_at = now
            submission.save(
                update_fields=["status", "rejection_reason", "decision_note", "decided_at"]
            )
            submission.creator = creator
            _email_submitter(submission, template="submission_decided")
