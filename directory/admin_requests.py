"""Admin for what visitors send: submissions, contact messages, removal requests, tombstones,
and the email outbox (what is waiting there was not delivered yet).

Moderators work through contact messages and removal requests here; submissions are read-only
(decisions are made on the creator, through `submission_decided`), and tombstones are hashes
that only the removal service writes.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ContactMessage, OutgoingEmail, RemovalRequest, Submission, Tombstone


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "email", "name", "handled")
    list_filter = ("handled",)
    search_fields = ("email", "name", "message")
    readonly_fields = ("name", "email", "message", "created_at")
    date_hierarchy = "created_at"


@admin.register(RemovalRequest)
class RemovalRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "creator", "profile_url", "is_owner", "handled")
    list_filter = ("handled", "is_owner")
    search_fields = ("profile_url", "email", "message", "creator__name")
    readonly_fields = ("creator", "profile_url", "email", "is_owner", "message", "created_at")
    list_select_related = ("creator",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "creator", "relationship", "status", "rejection_reason")
    list_filter = ("status", "relationship", "rejection_reason")
    search_fields = ("creator__name", "submitter_email")
    list_select_related = ("creator",)
    readonly_fields = (
        "creator",
        "submitter_email",
        "submitted_by",
        "relationship",
        "why",
        "status",
        "rejection_reason",
        "decision_note",
        "decided_at",
        "created_at",
    )
    exclude = ("form_token",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    list_display = ("kind", "digest", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("kind", "digest", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "attempts", "last_error")
    readonly_fields = ("to", "subject", "text", "html", "attempts", "last_error", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
