"""Claiming a creator profile: start a claim, check its proof, approve or reject it by hand.

- `claim_start()` gives a signed-in person a short code that expires (`CLAIM_CODE_HOURS`) and
  names the platform link they will prove control of. Starting again renews the same claim.
- `claim_check_enqueue()` asks the worker to check (after commit; a broker that is down leaves
  the claim waiting with a message instead of failing the request); the task calls
  `claim_check()`, which reads the platform through `accounts.verification` and, on success,
  sets `Creator.claimed_by` and marks the link verified.
- `claim_approve()` / `claim_reject()` are a moderator's decision by hand (the admin's actions).
- Every outcome (verified, could not verify and why, a moderator's decision) is emailed to the
  claimant after commit (`claim_result_email`), since the check runs after they left the page.
Only listed creators can be claimed, and pending ones by the person who submitted them (a
pending profile is never shown to anyone else, so nobody else can know or see it), and only while
nobody owns them (`claimable_creators`).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from directory.models import AuditAction, Creator, CreatorStatus, PlatformLink, Submission
from directory.platforms.http import build_client
from directory.services.audit import audit_record
from directory.services.listing_cache import listing_changed_on_commit
from directory.services.notify import email_send
from directory.services.throttle import throttle_hit

from .models import OPEN_CLAIM_STATUSES, Claim, ClaimMethod, ClaimStatus, User
from .verification import method_supported, proof_check

logger = logging.getLogger(__name__)

CLAIM_CODE_HOURS = 48
# Each check reads a platform on the claimant's behalf: a person may ask this often.
CLAIM_CHECK_RATE = "10/hour"
CHECK_TASK = "accounts.tasks.check_claim"
# Letters and digits that cannot be mistaken for one another when typed from a screen.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def user_submissions(user: User) -> QuerySet[Submission]:
    """What this person submitted: signed in, or before they had an account, from the address
    they have since confirmed (allauth lets nobody sign in with an unconfirmed one)."""
    if not user.is_authenticated:
        return Submission.objects.none()
    mine = Q(submitted_by=user)
    if user.email:
        mine |= Q(submitter_email__iexact=user.email)
    return Submission.objects.filter(mine).order_by("-created_at")


def claimable_creators(user: User) -> QuerySet[Creator]:
    """Creators `user` may claim: listed ones, and pending ones they submitted themselves."""
    if not user.is_authenticated:
        return Creator.objects.none()
    theirs = user_submissions(user).values("creator_id")
    return Creator.objects.filter(
        Q(status=CreatorStatus.APPROVED)
        | Q(status=CreatorStatus.PENDING) & (Q(submitted_by=user) | Q(pk__in=theirs))
    )


def claim_code_new() -> str:
    return "mhv-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def creator_back_url(creator: Creator) -> str:
    """The address of the creator's page here, which a rel="me" link must point to."""
    return settings.SITE_URL + creator.get_absolute_url()


def claim_start(*, user: User, creator: Creator, link: PlatformLink, method: str) -> Claim:
    """Open (or renew) `user`'s claim on `creator`, to be proved on `link` by `method`."""
    if not claimable_creators(user).filter(pk=creator.pk).exists():
        raise ValidationError("This profile cannot be claimed.", code="not_claimable")
    if creator.claimed_by_id == user.pk:
        raise ValidationError("You already own this profile.", code="already_owner")
    if creator.claimed_by_id is not None:
        raise ValidationError(
            "Someone has already claimed this profile. If it is yours, please contact the "
            "moderators.",
            code="claimed",
        )
    if link.creator_id != creator.pk:
        raise ValidationError("Choose one of this profile's links.", code="wrong_link")
    if method not in ClaimMethod.values:
        raise ValidationError("Choose how you will prove it.", code="invalid_method")
    refused = method_supported(platform=link.platform, method=method)
    if refused:
        raise ValidationError(refused, code="unsupported")
    now = timezone.now()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().open().filter(creator=creator, user=user).first()
        if claim is None:
            claim = Claim(creator=creator, user=user)
        claim.link = link
        claim.method = method
        claim.code = claim_code_new()
        claim.status = ClaimStatus.WAITING
        claim.message = ""
        claim.expires_at = now + dt.timedelta(hours=CLAIM_CODE_HOURS)
        claim.save()
    return claim


def claim_check_enqueue(*, claim: Claim) -> None:
    """Ask the worker to check this claim once the current transaction commits."""
    # A claim still "checking" may be sent again: a worker that was down never answered it,
    # and a second check of a verified claim does nothing.
    if claim.status not in OPEN_CLAIM_STATUSES:
        return
    if claim.is_expired:
        raise ValidationError(
            "This code has expired. Start the claim again for a new code.", code="expired"
        )
    wait = throttle_hit(scope="claim_check", key=str(claim.user_id), rate=CLAIM_CHECK_RATE)
    if wait is not None:
        raise ValidationError(
            "You have asked for many checks in a short time. Please try again in %(minutes)d "
            "minutes.",
            code="throttled",
            params={"minutes": max(1, round(wait / 60))},
        )
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.CHECKING, message="")
    claim.status = ClaimStatus.CHECKING

    def send() -> None:
        try:
            current_app.tasks[CHECK_TASK].apply_async((claim.pk,))
        except Exception as exc:  # kombu raises several types when the broker is down
            logger.warning("broker unavailable (%s); claim %s left waiting", exc, claim.pk)
            Claim.objects.filter(pk=claim.pk, status=ClaimStatus.CHECKING).update(
                status=ClaimStatus.WAITING,
                message="Checking is not available right now. Please try again in a few minutes.",
            )

    transaction.on_commit(send)


# The statuses a worker's check may still decide; anything else was decided by a moderator.
CHECKED_STATUSES = (ClaimStatus.CHECKING, ClaimStatus.WAITING)


def claim_check(*, claim_id: int) -> Claim | None:
    """Read the platform and record the outcome; the worker's task calls this."""
    claim = Claim.objects.select_related("creator", "link").filter(pk=claim_id).first()
    if claim is None or claim.status not in CHECKED_STATUSES:
        return claim
    now = timezone.now()
    if claim.is_expired:
        return _claim_failed(claim, "This code has expired. Start the claim again for a new code.")
    if claim.link is None:
        return _claim_failed(claim, "The link chosen for this claim was removed. Start again.")
    with build_client(rate_limit=True) as client:
        result = proof_check(
            link=claim.link,
            method=claim.method,
            code=claim.code,
            back_url=creator_back_url(claim.creator),
            client=client,
        )
    if not result.ok:
        return _claim_failed(claim, result.message)
    with transaction.atomic():
        creator = Creator.objects.select_for_update().get(pk=claim.creator_id)
        # The check took seconds: a moderator may have decided the claim meanwhile.
        current = Claim.objects.select_for_update().filter(pk=claim.pk).first()
        if current is None or current.status not in CHECKED_STATUSES:
            return current
        if creator.claimed_by_id not in (None, claim.user_id):
            return _claim_failed(claim, "Someone else's claim on this profile was verified first.")
        _grant(claim, creator, message=result.message, now=now)
        PlatformLink.objects.filter(pk=claim.link_id).update(verified=True)
        claim_result_email(claim=claim)
        listing_changed_on_commit()  # the API shows the link as verified
    return claim


def claim_approve(*, claim: Claim, moderator: User) -> bool:
    """A moderator confirms the claim by hand. False when the creator has another owner or the
    claim was decided meanwhile (by a check or another moderator)."""
    with transaction.atomic():
        current = Claim.objects.select_for_update().filter(pk=claim.pk).first()
        if current is None or current.status in (ClaimStatus.VERIFIED, ClaimStatus.REJECTED):
            return False
        creator = Creator.objects.select_for_update().get(pk=current.creator_id)
        if creator.claimed_by_id not in (None, current.user_id):
            return False
        current.decided_by = moderator
        _grant(current, creator, message="Approved by a moderator.", now=timezone.now())
        audit_record(
            creator=creator,
            actor=moderator,
            action=AuditAction.CLAIM_APPROVED,
            note=f"Now looked after by account #{current.user_id}.",
        )
        claim_result_email(claim=current)
    claim.status = current.status
    return True


def claim_reject(*, claim: Claim, moderator: User) -> bool:
    """A moderator turns the claim down. False when it was decided meanwhile."""
    with transaction.atomic():
        current = Claim.objects.select_for_update().filter(pk=claim.pk).first()
        if current is None or current.status in (ClaimStatus.VERIFIED, ClaimStatus.REJECTED):
            return False
        current.status = ClaimStatus.REJECTED
        current.decided_by = moderator
        current.decided_at = timezone.now()
        current.message = "Not approved by a moderator."
        current.save(update_fields=["status", "decided_by", "decided_at", "message"])
        audit_record(
            creator=current.creator,
            actor=moderator,
            action=AuditAction.CLAIM_REJECTED,
            note=f"Claim by account #{current.user_id}.",
        )
        claim_result_email(claim=current)
    claim.status = current.status
    return True


def _grant(claim: Claim, creator: Creator, *, message: str, now: dt.datetime) -> None:
    creator.claimed_by_id = claim.user_id
    creator.save(update_fields=["claimed_by", "updated_at"])
    claim.status = ClaimStatus.VERIFIED
    claim.message = message
    claim.checked_at = claim.decided_at = now
    claim.save()


def claim_result_email(*, claim: Claim) -> None:
    """Tell the claimant how their claim ended: verified, or not and why (sent after commit)."""
    verified = claim.status == ClaimStatus.VERIFIED
    email_send(
        to=[claim.user.email],
        subject_template="accounts/email/claim_result_subject.txt",
        text_template="accounts/email/claim_result.txt",
        html_template="accounts/email/claim_result.html",
        context={
            "creator_name": claim.creator.name,
            "verified": verified,
            "rejected": claim.status == ClaimStatus.REJECTED,
            "message": claim.message,
            "where": claim.link.url if claim.link else "",
            "claim_url": settings.SITE_URL
            + reverse("accounts:claim_detail", kwargs={"pk": claim.pk}),
            "me_url": settings.SITE_URL + reverse("accounts:me"),
        },
    )


def _claim_failed(claim: Claim, message: str) -> Claim:
    """Record a failed check, unless the claim was decided meanwhile (then it is left as it is,
    and nobody gets a second, contradicting email)."""
    now = timezone.now()
    with transaction.atomic():
        changed = Claim.objects.filter(pk=claim.pk, status__in=CHECKED_STATUSES).update(
            status=ClaimStatus.FAILED, message=message, checked_at=now
        )
        if not changed:
            claim.refresh_from_db()
            return claim
        claim.status, claim.message, claim.checked_at = ClaimStatus.FAILED, message, now
        claim_result_email(claim=claim)
    return claim
