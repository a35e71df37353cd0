"""The audit trail: every decision and every change to a creator's public fields, with who,
when, what changed (before → after) and why. Services write it; nothing edits or deletes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F

from directory.models import AuditAction, AuditEntry, Creator

if TYPE_CHECKING:
    from accounts.models import User

# What a visitor can see of a creator: a change to any of these is audited.
PUBLIC_FIELDS = (
    "name",
    "slug",
    "bio",
    "about",
    "creator_type",
    "country",
    "content_notes",
    "status",
    "on_break_until",
    "licence_verified_at",
)
PUBLIC_M2M = ("topics", "languages")


def _plain(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def creator_public_values(creator: Creator) -> dict[str, Any]:
    """The public fields' current values, m2m as sorted lists of names."""
    values = {name: _plain(getattr(creator, name)) for name in PUBLIC_FIELDS}
    if creator.pk is not None:
        for name in PUBLIC_M2M:
            values[name] = sorted(str(item) for item in getattr(creator, name).all())
        values["links"] = sorted(
            f"{platform}: {url}" for platform, url in creator.links.values_list("platform", "url")
        )
    return values


def creator_record_edit(
    *,
    creator: Creator,
    actor: User | None,
    before: dict[str, Any],
    note: str = "",
) -> AuditEntry | None:
    """Audit an edit of the creator's public fields (before = `creator_public_values` taken
    before the edit) and bump its version; None when nothing public changed."""
    changes = values_diff(before, creator_public_values(creator))
    if not changes:
        return None
    Creator.objects.filter(pk=creator.pk).update(version=F("version") + 1)
    creator.refresh_from_db(fields=["version"])
    return audit_record(
        creator=creator, actor=actor, action=AuditAction.EDITED, note=note, changes=changes
    )


def values_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    creator: Creator,
    actor: User | None,
    action: str,
    reason: str = "",
    note: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call inside the transaction that made the change."""
    name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        name = actor.get_full_name() or actor.get_username()
    else:
        actor = None
    return AuditEntry.objects.create(
        creator=creator,
        creator_ref=creator.pk,
        creator_name=creator.name[:120],
        actor=actor,
        actor_name=name[:150],
        action=action,
        reason=reason[:40],
        note=note,
        changes=changes or {},
    )


REMOVED_NAME = "(removed at their request)"


def audit_forget_creator(*, creator_id: int) -> int:
    """After a creator is removed at their request, keep who decided what and when, but not
    their name or the values of their fields: the removal promises their data is gone."""
    entries = AuditEntry.objects.filter(creator_ref=creator_id)
    for entry in entries.exclude(changes={}):
        status = entry.changes.get("status") if isinstance(entry.changes, dict) else None
        # Each entry is otherwise append-only; this is the one sanctioned rewrite.
        AuditEntry.objects.filter(pk=entry.pk).update(
            changes={"status": status} if status else {"fields": sorted(entry.changes)}
        )
    return entries.update(creator_name=REMOVED_NAME)
