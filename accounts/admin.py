"""Admin for users and for the owner side of profiles: claims to approve by hand, proposed edits
to approve or reject, and owners' removal requests. Kept small: the full review queue is the
moderation branch's; these actions are thin calls to the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from . import ownership, services
from .edit_diff import creator_edit_changes, creator_edit_diff_html
from .models import Claim, ClaimStatus, CreatorEdit, EditStatus, OwnerRemoval, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Profile", {"fields": ("display_name",)}))


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("creator", "user", "method", "status", "created_at", "checked_at")
    list_filter = ("status", "method")
    search_fields = ("creator__name", "user__email")
    list_select_related = ("creator", "user")
    readonly_fields = (
        "creator", "user", "link", "method", "code", "status", "message", "created_at",
        "expires_at", "checked_at", "decided_at", "decided_by",
    )  # fmt: skip
    actions = ("approve_by_hand", "reject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Approve the selected claims by hand (I checked the proof)")
    def approve_by_hand(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        done = 0
        for claim in queryset.exclude(status__in=[ClaimStatus.VERIFIED, ClaimStatus.REJECTED]):
            done += services.claim_approve(claim=claim, moderator=request.user)
        self.message_user(request, f"{done} claim(s) approved.", messages.SUCCESS)

    @admin.action(description="Reject the selected claims")
    def reject(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        claims = list(queryset.exclude(status__in=[ClaimStatus.VERIFIED, ClaimStatus.REJECTED]))
        for claim in claims:
            services.claim_reject(claim=claim, moderator=request.user)
        self.message_user(request, f"{len(claims)} claim(s) rejected.", messages.SUCCESS)


@admin.register(CreatorEdit)
class CreatorEditAdmin(admin.ModelAdmin):
    list_display = ("creator", "proposed_by", "status", "changed_fields", "created_at")
    list_filter = ("status",)
    search_fields = ("creator__name",)
    list_select_related = ("creator", "proposed_by")
    readonly_fields = (
        "creator", "proposed_by", "status", "changes", "created_at", "decided_at", "decided_by",
    )  # fmt: skip
    fields = (*readonly_fields, "reason")
    actions = ("approve", "reject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreatorEdit]:
        # The list's "Changes" column compares each edit with its creator: fetch both at once.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "topics", "languages", "creator__topics", "creator__languages", "creator__links"
            )
        )

    @admin.display(description="What would change (public now → proposed)")
    def changes(self, edit: CreatorEdit):
        return creator_edit_diff_html(edit)

    @admin.display(description="Changes")
    def changed_fields(self, edit: CreatorEdit) -> str:
        if edit.status != EditStatus.PENDING:
            return "—"
        return ", ".join(change.label for change in creator_edit_changes(edit)) or "nothing"

    @admin.action(description="Approve and publish the selected edits")
    def approve(self, request: HttpRequest, queryset: QuerySet[CreatorEdit]) -> None:
        done = 0
        for edit in queryset.filter(status=EditStatus.PENDING):
            try:
                ownership.creator_edit_approve(edit=edit, moderator=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{edit}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} edit(s) published.", messages.SUCCESS)

    @admin.action(description="Reject the selected edits (the reason field is kept)")
    def reject(self, request: HttpRequest, queryset: QuerySet[CreatorEdit]) -> None:
        edits = list(queryset.filter(status=EditStatus.PENDING))
        for edit in edits:
            ownership.creator_edit_reject(edit=edit, moderator=request.user, reason=edit.reason)
        self.message_user(request, f"{len(edits)} edit(s) rejected.", messages.SUCCESS)


@admin.register(OwnerRemoval)
class OwnerRemovalAdmin(admin.ModelAdmin):
    list_display = ("creator", "requested_by", "created_at")
    readonly_fields = ("creator", "requested_by", "previous_status", "reason", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
