"""Moderation of creators: approve, reject, hide. The admin's actions are thin calls to these.

Only the status changes; the score is kept (scores are computed for every status), so a creator
approved later appears with a score straight away. Who moderated is recorded by the caller (the
admin writes a LogEntry); the functions take the moderator so other callers can do the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from directory.models import Creator, CreatorStatus

if TYPE_CHECKING:
    from accounts.models import User


def _set_status(creator: Creator, status: str) -> bool:
    """Set the status; True when it changed."""
    if creator.status == status:
        return False
    with transaction.atomic():
        creator.status = status
        creator.save(update_fields=["status", "updated_at"])
    return True


def creator_approve(*, creator: Creator, moderator: User | None = None) -> bool:
    """List the creator publicly. Returns True when the status changed.

    A creator removed at their own request is left alone (False): a bulk "approve" over a
    filtered list must not put back someone who asked to leave. If they come back, a moderator
    sets the status on the creator's own page, deliberately.
    """
    if creator.status == CreatorStatus.REMOVED:
        return False
    return _set_status(creator, CreatorStatus.APPROVED)


def creator_reject(*, creator: Creator, moderator: User | None = None) -> bool:
    """Decline a submission; the creator stays out of every public list."""
    return _set_status(creator, CreatorStatus.REJECTED)


def creator_hide(*, creator: Creator, moderator: User | None = None) -> bool:
    """Take a listed creator out of public view without rejecting them."""
    return _set_status(creator, CreatorStatus.HIDDEN)
