"""Moderation decisions on creators. The admin's actions are thin calls to these.

Every decision runs in one transaction that locks the creator row, checks it is still what the
moderator saw (`expected_version`: two moderators deciding the same creator at once cannot both
win; the second gets `ValidationError(code="stale")` naming who acted first), changes it, bumps
`Creator.version` and writes the audit trail (directory/services/audit.py). A decision that does
not apply to the creator's current status (approving an approved creator) changes nothing and
returns False, so a bulk action over a mixed selection is safe.

The score is kept through a status change (scores are computed for every status, so a creator
approved later appears with a score straight away); hiding or merging recomputes scores at once,
since the directory median used for every creator's shrinkage counts approved creators only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import (
    AuditAction,
    AuditEntry,
    Creator,
    CreatorStatus,
    CreatorType,
    PlatformLink,
    RejectionReason,
    Report,
    ReportStatus,
)
from directory.services.audit import audit_forget_creator, audit_record
from directory.services.enqueue import scores_recompute_send
from directory.services.listing_cache import listing_changed_on_commit
from directory.services.removal import creator_remove
from directory.services.scores import creators_rescore
from directory.services.submissions import submission_decided

if TYPE_CHECKING:
    from accounts.models import User

S = CreatorStatus


def stale_error(creator: Creator) -> ValidationError:
    """The message for a decision made on a page that no longer shows the creator as it is."""
    last = AuditEntry.objects.filter(creator_ref=creator.pk).first()
    if last is not None and last.actor_name:
        message = _(
            "“%(name)s” was changed by %(who)s (%(what)s) while you were deciding. Nothing was "
            "changed by you: reload the page and check before deciding again."
        ) % {"name": creator.name, "who": last.actor_name, "what": last.get_action_display()}
    else:
        message = _(
            "“%(name)s” was changed by someone else while you were deciding. Nothing was changed "
            "by you: reload the page and check before deciding again."
        ) % {"name": creator.name}
    return ValidationError(message, code="stale")


def _locked(creator: Creator, expected_version: int | None) -> Creator:
    """The creator's row, locked for this transaction; refused if it changed since it was seen."""
    current = Creator.objects.select_for_update().get(pk=creator.pk)
    if expected_version is not None and current.version != expected_version:
        raise stale_error(current)
    return current


def _transition(
    *,
    creator: Creator,
    moderator: User | None,
    to_status: str,
    allowed_from: Iterable[str],
    action: str,
    expected_version: int | None,
    reason: str = "",
    note: str = "",
) -> tuple[bool, str]:
    """Move the creator to `to_status` if it is in `allowed_from`; (changed, previous status)."""
    with transaction.atomic():
        current = _locked(creator, expected_version)
        before = current.status
        if before not in allowed_from:
            return False, before
        if to_status == S.APPROVED and current.merged_into_id is not None:
            # Its links now belong to the creator it was merged into: listing it would show an
            # empty duplicate.
            raise ValidationError(
                _("“%(name)s” was merged into another creator; list that one instead.")
                % {"name": current.name},
                code="merged",
            )
        current.status = to_status
        current.version += 1
        current.save(update_fields=["status", "version", "updated_at"])
        listing_changed_on_commit()
        audit_record(
            creator=current,
            actor=moderator,
            action=action,
            reason=reason,
            note=note,
            changes={"status": [before, to_status]},
        )
    creator.status, creator.version = current.status, current.version
    return True, before


def creator_approve(
    *, creator: Creator, moderator: User | None = None, expected_version: int | None = None
) -> bool:
    """List the creator publicly. True when the status changed.

    A creator removed at their own request is never put back (a bulk "approve" over a filtered
    list must not relist someone who asked to leave).
    """
    changed, before = _transition(
        creator=creator,
        moderator=moderator,
        to_status=S.APPROVED,
        allowed_from=(S.PENDING, S.REJECTED, S.HIDDEN),
        action=AuditAction.APPROVED,
        expected_version=expected_version,
    )
    if changed and before in (S.PENDING, S.REJECTED):
        submission_decided(creator=creator, approved=True)
    return changed


def creator_reject(
    *,
    creator: Creator,
    moderator: User | None = None,
    reason: str = RejectionReason.OTHER,
    note: str = "",
    expected_version: int | None = None,
) -> bool:
    """Decline a submission with a reason the submitter is told; it stays out of public view."""
    if reason not in RejectionReason.values:
        raise ValidationError(_("Choose a reason for the rejection."), code="invalid_reason")
    changed, _before = _transition(
        creator=creator,
        moderator=moderator,
        to_status=S.REJECTED,
        allowed_from=(S.PENDING, S.APPROVED, S.HIDDEN),
        action=AuditAction.REJECTED,
        expected_version=expected_version,
        reason=reason,
        note=note,
    )
    if changed:
        submission_decided(creator=creator, approved=False, reason=reason, note=note)
    return changed


def _rescore_after_commit(creator_ids: list[int]) -> None:
    """Once the decision commits, re-score the creators it touched at once (with the stored
    directory statistics, a cost that does not grow with the directory), then have a worker
    recompute everyone: the directory median counts listed creators, so every score may move."""

    def rescore() -> None:
        creators_rescore(creator_ids=creator_ids, refresh_stats=False)
        scores_recompute_send()

    transaction.on_commit(rescore)


def creator_hide(
    *,
    creator: Creator,
    moderator: User | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> bool:
    """Take a creator out of public view without rejecting them; scores follow at once."""
    changed, before = _transition(
        creator=creator,
        moderator=moderator,
        to_status=S.HIDDEN,
        allowed_from=(S.PENDING, S.APPROVED),
        action=AuditAction.HIDDEN,
        expected_version=expected_version,
        note=note,
    )
    if changed and before == S.APPROVED:
        _rescore_after_commit([creator.pk])
    return changed


def creator_restore(
    *,
    creator: Creator,
    moderator: User | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> bool:
    """List a hidden creator again."""
    changed, _before = _transition(
        creator=creator,
        moderator=moderator,
        to_status=S.APPROVED,
        allowed_from=(S.HIDDEN,),
        action=AuditAction.RESTORED,
        expected_version=expected_version,
        note=note,
    )
    if changed:
        _rescore_after_commit([creator.pk])
    return changed


def creator_remove_at_request(
    *,
    creator: Creator,
    moderator: User | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> bool:
    """The creator asked to leave: audit it, then `creator_remove` (data deleted, tombstones).

    The audit entry is written first and keeps the creator's id and name, so the trail survives
    the creator's deletion.
    """
    with transaction.atomic():
        current = _locked(creator, expected_version)
        if current.status == S.REMOVED:
            return False
        audit_record(
            creator=current,
            actor=moderator,
            action=AuditAction.REMOVED,
            note=note,
            changes={"status": [current.status, S.REMOVED]},
        )
        creator_remove(creator_id=current.pk, reason=note, actor=moderator)
        audit_forget_creator(creator_id=current.pk)
    creator.status = S.REMOVED
    return True


def creators_merge(
    *,
    survivor: Creator,
    duplicates: Iterable[Creator],
    moderator: User | None = None,
    note: str = "",
    expected_versions: dict[int, int] | None = None,
) -> int:
    """Merge duplicates into `survivor`; returns how many were merged.

    Links (and so every snapshot, which belongs to its link), topics, languages and open reports
    move to the survivor. Each duplicate is kept, hidden, with `merged_into` set: its score
    history and audit trail stay, and its old address can point at the survivor.
    """
    expected_versions = expected_versions or {}
    merged: list[int] = []
    with transaction.atomic():
        target = _locked(survivor, expected_versions.get(survivor.pk))
        if target.status == S.REMOVED:
            raise ValidationError(
                _("A creator removed at their request cannot receive a merge."), code="removed"
            )
        for duplicate in duplicates:
            if duplicate.pk == target.pk:
                continue
            dup = _locked(duplicate, expected_versions.get(duplicate.pk))
            if dup.status == S.REMOVED or dup.merged_into_id is not None:
                continue
            moved = list(dup.links.values_list("url", flat=True))
            PlatformLink.objects.filter(creator=dup).update(creator=target)
            target.topics.add(*dup.topics.all())
            target.languages.add(*dup.languages.all())
            Report.objects.filter(creator=dup, status=ReportStatus.OPEN).update(creator=target)
            before = dup.status
            dup.status, dup.merged_into, dup.version = S.HIDDEN, target, dup.version + 1
            dup.save(update_fields=["status", "merged_into", "version", "updated_at"])
            audit_record(
                creator=dup,
                actor=moderator,
                action=AuditAction.MERGED_AWAY,
                note=note,
                changes={"status": [before, S.HIDDEN], "merged_into": [None, target.name]},
            )
            audit_record(
                creator=target,
                actor=moderator,
                action=AuditAction.MERGED,
                note=note,
                changes={"links": [None, moved], "merged_from": [None, dup.name]},
            )
            merged.append(dup.pk)
        if merged:
            target.version += 1
            target.save(update_fields=["version", "updated_at"])
            listing_changed_on_commit()
            _rescore_after_commit([target.pk])
    survivor.version = target.version
    return len(merged)


def creator_mark_licence_verified(
    *, creator: Creator, moderator: User | None = None, note: str = ""
) -> bool:
    """A moderator checked the licence of a licensed professional: the profile shows a badge."""
    if creator.creator_type != CreatorType.PROFESSIONAL:
        raise ValidationError(
            _("“%(name)s” is not listed as a licensed professional.") % {"name": creator.name},
            code="not_professional",
        )
    with transaction.atomic():
        current = _locked(creator, None)
        if current.licence_verified_at is not None:
            return False
        current.licence_verified_at = timezone.now()
        current.version += 1
        current.save(update_fields=["licence_verified_at", "version", "updated_at"])
        listing_changed_on_commit()
        audit_record(
            creator=current,
            actor=moderator,
            action=AuditAction.LICENCE_VERIFIED,
            note=note,
            changes={"licence_verified_at": [None, current.licence_verified_at.isoformat()]},
        )
    creator.licence_verified_at, creator.version = current.licence_verified_at, current.version
    return True
