"""What a verified owner (or staff) may do with a creator: propose edits, take a break, leave.

- `owned_creators(user)` is the one rule for "may this person change this creator": the owner
  (`Creator.claimed_by`) or staff. Views look creators up through it, so anyone else gets 404.
- `creator_edit_propose()` stores the proposed public fields as a `CreatorEdit`; the creator is
  unchanged until a moderator calls `creator_edit_approve()` (or `creator_edit_reject()`).
- `creator_break_set()` sets `Creator.on_break_until` (at most `BREAK_MAX_DAYS` ahead); how a
  break affects the score and the page is decided elsewhere (the break rule).
- `creator_removal_request()` hides the profile at once and emails a signed confirmation link;
  `creator_removal_confirm()` then removes it as a moderator's "removed at the creator's
  request" does (`directory.services.moderation.creator_remove_at_request`: audited, deleted,
  hashed tombstones, the page then answers 410).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from directory.models import AuditAction, Creator, CreatorStatus, Language, PlatformLink, Topic
from directory.services.audit import audit_record, creator_public_values, creator_record_edit
from directory.services.enqueue import links_enqueue
from directory.services.links import link_normalise
from directory.services.listing_cache import listing_changed_on_commit
from directory.services.moderation import creator_hide, creator_remove_at_request, creator_restore
from directory.services.notify import email_send

from .models import CreatorEdit, EditStatus, OwnerRemoval, User

BREAK_MAX_DAYS = 183  # six months
REMOVAL_SALT = "accounts.removal"
REMOVAL_LINK_DAYS = 7
MAX_LINKS = 20
HIDE_NOTE = "Hidden at once: its owner asked for removal and was emailed a link to confirm."
CANCEL_NOTE = "Its owner cancelled their removal request."


def owned_creators(user: User) -> QuerySet[Creator]:
    """Creators `user` may change: those they own, or every one for staff."""
    if not user.is_authenticated:
        return Creator.objects.none()
    creators = Creator.objects.exclude(status=CreatorStatus.REMOVED)
    return creators if user.is_staff else creators.filter(claimed_by=user)


# --- Edits ---------------------------------------------------------------------------------


def creator_edit_propose(
    *,
    creator: Creator,
    user: User,
    bio: str,
    content_notes: str,
    topics: Iterable[Topic],
    languages: Iterable[Language],
    links: Sequence[tuple[str | None, str]],
) -> CreatorEdit:
    """Store the owner's proposed version; it replaces any earlier proposal still waiting."""
    normalised: list[dict[str, str]] = []
    errors: list[ValidationError] = []
    # A link the creator already has keeps its platform (a moderator may have corrected it), so
    # approving the edit keeps that link and its history instead of replacing it.
    current = dict(creator.links.values_list("url", "platform"))
    for platform, url in links:
        try:
            link = link_normalise(url=url, platform=platform or None)
        except ValidationError as exc:
            errors.append(ValidationError(f"{url}: {' '.join(exc.messages)}", code="invalid_url"))
            continue
        entry = {"platform": current.get(link.url, link.platform), "url": link.url}
        if entry not in normalised:
            normalised.append(entry)
    if len(normalised) > MAX_LINKS:
        errors.append(ValidationError(f"At most {MAX_LINKS} links.", code="too_many_links"))
    for entry in normalised:
        taken = (
            PlatformLink.objects.filter(platform=entry["platform"], url=entry["url"])
            .exclude(creator=creator)
            .exists()
        )
        if taken:
            errors.append(
                ValidationError(
                    f"{entry['url']} is already listed on another profile.", code="link_taken"
                )
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        CreatorEdit.objects.filter(creator=creator, status=EditStatus.PENDING).update(
            status=EditStatus.SUPERSEDED, decided_at=timezone.now()
        )
        edit = CreatorEdit.objects.create(
            creator=creator,
            proposed_by=user,
            bio=bio,
            content_notes=content_notes,
            links=normalised,
        )
        edit.topics.set(topics)
        edit.languages.set(languages)
    return edit


def _edit_locked(edit: CreatorEdit) -> CreatorEdit:
    """The edit's row, locked for this transaction; refused if another moderator decided it."""
    current = CreatorEdit.objects.select_for_update(of=("self",)).select_related("decided_by")
    current = current.get(pk=edit.pk)
    if current.status != EditStatus.PENDING:
        who = current.decided_by.get_username() if current.decided_by else "someone else"
        raise ValidationError(
            "This edit was already decided (%(status)s) by %(who)s. Nothing was changed by you.",
            code="decided",
            params={"status": current.get_status_display().lower(), "who": who},
        )
    return current


def creator_edit_approve(*, edit: CreatorEdit, moderator: User) -> None:
    """Publish the proposed version: fields, topics, languages and links (new ones fetched).

    Audited as a change to the creator's public fields (before → after, the moderator as actor);
    the owner is emailed after commit.
    """
    with transaction.atomic():
        current = _edit_locked(edit)
        creator = Creator.objects.select_for_update().get(pk=current.creator_id)
        before = creator_public_values(creator)
        creator.bio = current.bio
        creator.content_notes = current.content_notes
        creator.save(update_fields=["bio", "content_notes", "updated_at"])
        creator.topics.set(current.topics.all())
        creator.languages.set(current.languages.all())
        wanted = {(entry["platform"], entry["url"]) for entry in current.links}
        existing = {(link.platform, link.url): link for link in creator.links.all()}
        for key, link in existing.items():
            if key not in wanted:
                link.delete()
        new_ids = []
        for platform, url in sorted(wanted - existing.keys()):
            try:
                with transaction.atomic():
                    new_ids.append(
                        PlatformLink.objects.create(creator=creator, platform=platform, url=url).pk
                    )
            except IntegrityError:
                raise ValidationError(
                    f"{url} is now listed on another profile; reject this edit and ask the "
                    "owner to remove that link.",
                    code="link_taken",
                ) from None
        creator_record_edit(
            creator=creator, actor=moderator, before=before, note="The owner's proposed edit."
        )
        _edit_decided(current, moderator=moderator, status=EditStatus.APPROVED)
        listing_changed_on_commit()
        links_enqueue(link_ids=new_ids)
    edit.status, edit.decided_by, edit.decided_at = current.status, moderator, current.decided_at


def creator_edit_reject(*, edit: CreatorEdit, moderator: User, reason: str = "") -> None:
    """Turn the proposed edit down with a reason the owner is emailed; the profile is unchanged."""
    with transaction.atomic():
        current = _edit_locked(edit)
        current.reason = reason[:300]
        _edit_decided(current, moderator=moderator, status=EditStatus.REJECTED)
        audit_record(
            creator=current.creator,
            actor=moderator,
            action=AuditAction.EDIT_REJECTED,
            note=current.reason,
        )
    edit.status, edit.reason = current.status, current.reason


def _edit_decided(edit: CreatorEdit, *, moderator: User, status: str) -> None:
    edit.status = status
    edit.decided_by = moderator
    edit.decided_at = timezone.now()
    edit.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    owner = edit.proposed_by
    if owner is None:
        return
    email_send(
        to=[owner.email],
        subject_template="accounts/email/edit_decided_subject.txt",
        text_template="accounts/email/edit_decided.txt",
        html_template="accounts/email/edit_decided.html",
        context={
            "creator_name": edit.creator.name,
            "approved": status == EditStatus.APPROVED,
            "reason": edit.reason,
            "profile_url": settings.SITE_URL + edit.creator.get_absolute_url(),
            "me_url": settings.SITE_URL + reverse("accounts:me"),
        },
    )


# --- Taking a break ------------------------------------------------------------------------


def creator_break_set(*, creator: Creator, until: dt.date | None) -> None:
    """Take a break until the end of `until` (UTC), or end it with None."""
    if until is None:
        creator.on_break_until = None
    else:
        today = timezone.now().date()
        if until <= today:
            raise ValidationError("Choose a date after today.", code="break_past")
        if until > today + dt.timedelta(days=BREAK_MAX_DAYS):
            raise ValidationError(
                "A break can last up to six months. Choose a date on or before %(last)s.",
                code="break_too_long",
                params={"last": (today + dt.timedelta(days=BREAK_MAX_DAYS)).isoformat()},
            )
        creator.on_break_until = dt.datetime.combine(
            until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC
        )
    creator.save(update_fields=["on_break_until", "updated_at"])
    listing_changed_on_commit()  # cards and the API say "taking a break"


# --- Leaving the directory -----------------------------------------------------------------


def creator_removal_request(*, creator: Creator, user: User, reason: str = "") -> OwnerRemoval:
    """Hide the profile now and email the owner a link to confirm its deletion.

    Hiding goes through the moderators' `creator_hide`, so it is audited (the owner as actor),
    bumps the creator's version (a moderator deciding on an older page is told) and recomputes
    scores like any other hide.
    """
    with transaction.atomic():
        locked = Creator.objects.select_for_update().get(pk=creator.pk)
        request, created = OwnerRemoval.objects.get_or_create(
            creator=locked,
            defaults={"requested_by": user, "previous_status": locked.status, "reason": reason},
        )
        creator_hide(creator=locked, moderator=user, note=HIDE_NOTE)
        creator.status = locked.status
        token = signing.dumps({"creator": locked.pk, "user": user.pk}, salt=REMOVAL_SALT)
        email_send(
            to=[user.email],
            subject_template="accounts/email/removal_confirm_subject.txt",
            text_template="accounts/email/removal_confirm.txt",
            html_template="accounts/email/removal_confirm.html",
            context={
                "creator_name": locked.name,
                "confirm_url": settings.SITE_URL
                + reverse("accounts:removal_confirm", kwargs={"token": token}),
                "days": REMOVAL_LINK_DAYS,
            },
        )
    return request


def creator_removal_cancel(*, creator: Creator) -> None:
    """The owner changed their mind before confirming: the profile returns as it was."""
    with transaction.atomic():
        request = OwnerRemoval.objects.select_for_update().filter(creator=creator).first()
        if request is None:
            return
        owner = request.requested_by
        if request.previous_status == CreatorStatus.APPROVED:
            creator_restore(creator=creator, moderator=owner, note=CANCEL_NOTE)
        else:  # it was waiting for review: back to the queue, audited the same way
            locked = Creator.objects.select_for_update().get(pk=creator.pk)
            # Hidden before the request too: nothing to restore, nothing to record.
            hidden_by_request = request.previous_status != CreatorStatus.HIDDEN
            if locked.status == CreatorStatus.HIDDEN and hidden_by_request:
                locked.status = request.previous_status
                locked.version += 1
                locked.save(update_fields=["status", "version", "updated_at"])
                audit_record(
                    creator=locked,
                    actor=owner,
                    action=AuditAction.RESTORED,
                    note=CANCEL_NOTE,
                    changes={"status": [CreatorStatus.HIDDEN, request.previous_status]},
                )
        request.delete()
        listing_changed_on_commit()


def removal_token_read(token: str) -> tuple[int, int]:
    """(creator id, user id) from a confirmation link; ValidationError if bad or too old."""
    try:
        data = signing.loads(token, salt=REMOVAL_SALT, max_age=dt.timedelta(days=REMOVAL_LINK_DAYS))
        return int(data["creator"]), int(data["user"])
    except signing.SignatureExpired:
        raise ValidationError(
            "This link has expired. Ask for removal again from your page.", code="expired"
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError("This link is not valid.", code="bad_token") from None


def creator_removal_confirm(*, token: str) -> str:
    """Delete the creator the link names, if its owner still asks; returns the creator's name."""
    creator_id, user_id = removal_token_read(token)
    request = (
        OwnerRemoval.objects.select_related("creator")
        .filter(creator_id=creator_id, requested_by_id=user_id)
        .first()
    )
    if request is None or request.creator.claimed_by_id != user_id:
        raise ValidationError(
            "There is no removal waiting for this link (it may be done or cancelled).",
            code="no_request",
        )
    name = request.creator.name
    # Audited (with the owner as actor), deleted with hashed tombstones, the trail then forgets
    # the name: the same path as a moderator's "removed at the creator's request".
    creator_remove_at_request(
        creator=request.creator,
        moderator=request.requested_by,
        note=request.reason or "Removed at the owner's request, confirmed by email.",
    )
    return name
