"""Admin for users and for the owner side of profiles: claims to approve by hand, proposed edits
to approve or reject, and owners' removal requests. Kept small: the full review queue is the
moderation branch's; these actions are thin calls to the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html

from . import ownership, services
from .edit_diff import creator_edit_changes, creator_edit_diff_html
from .models import Claim, ClaimMethod, CreatorEdit, EditStatus, OwnerRemoval, User

CHANGE_FORM = ActionLocation.CHANGE_FORM
# Decisions are offered on the list and on each item's own page (where the diff is).
BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


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
        "creator", "user", "link", "method", "code", "what_to_look_for", "status", "message",
        "created_at", "expires_at", "checked_at", "decided_at", "decided_by",
    )  # fmt: skip
    actions = ("approve_by_hand", "reject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, _read_only(extra_context))

    @admin.display(description="What to look for, to approve by hand")
    def what_to_look_for(self, claim: Claim):
        if claim.link is None:
            return "The link chosen for this claim was removed."
        if claim.method == ClaimMethod.REL_ME:
            wanted = format_html(
                'a <code>rel="me"</code> link to <code>{}</code>',
                services.creator_back_url(claim.creator),
            )
        else:
            wanted = format_html("the code <code>{}</code> in the bio or description", claim.code)
        return format_html(
            '{} on <a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
            wanted,
            claim.link.url,
            claim.link.url,
        )

    @admin.action(
        description="Approve the selected claims by hand (I checked the proof)",
        permissions=["change"],
        location=BOTH,
    )
    def approve_by_hand(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        claims = list(queryset)
        done = sum(services.claim_approve(claim=claim, moderator=request.user) for claim in claims)
        _report(self, request, "approved", done, len(claims))

    @admin.action(description="Reject the selected claims", permissions=["change"], location=BOTH)
    def reject(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        claims = list(queryset)
        done = sum(services.claim_reject(claim=claim, moderator=request.user) for claim in claims)
        _report(self, request, "rejected", done, len(claims))


def _read_only(extra_context: dict | None) -> dict:
    # Every field is read-only: the actions decide, a "Save" button would do nothing.
    return {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}


def _report(modeladmin, request: HttpRequest, verb: str, done: int, asked: int) -> None:
    modeladmin.message_user(request, f"{done} {verb}.", messages.SUCCESS)
    if asked > done:
        modeladmin.message_user(
            request,
            f"{asked - done} were already decided (by a check or another moderator) and were "
            "left as they are.",
            messages.WARNING,
        )


class EditRejectForm(forms.Form):
    reason = forms.CharField(
        label="Why (the owner is emailed this)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "Write a short reason for the owner."},
    )


@admin.register(CreatorEdit)
class CreatorEditAdmin(admin.ModelAdmin):
    list_display = ("creator", "proposed_by", "status", "changed_fields", "created_at")
    ordering = ("created_at",)  # a queue: the one waiting longest first
    list_filter = ("status",)
    search_fields = ("creator__name",)
    list_select_related = ("creator", "proposed_by")
    readonly_fields = (
        "creator", "proposed_by", "status", "changes", "created_at", "decided_at", "decided_by",
        "reason",
    )  # fmt: skip
    fields = readonly_fields
    actions = ("approve", "reject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, _read_only(extra_context))

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

    @admin.action(
        description="Approve and publish the selected edits", permissions=["change"], location=BOTH
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[CreatorEdit]) -> None:
        done = 0
        for edit in queryset.select_related("creator"):
            try:
                ownership.creator_edit_approve(edit=edit, moderator=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{edit}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} edit(s) published.", messages.SUCCESS)

    @admin.action(
        description="Reject the selected edits (asks for a reason)",
        permissions=["change"],
        location=BOTH,
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[CreatorEdit]):
        form = EditRejectForm(request.POST if "confirm" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            context = {
                **self.admin_site.each_context(request),
                "title": "Reject proposed edits",
                "form": form,
                "edits": queryset.select_related("creator"),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "action_field": next(
                    (n for n in ("action", f"{CHANGE_FORM.value}-action") if n in request.POST),
                    "action",
                ),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(
                request, "admin/accounts/creatoredit/reject_confirm.html", context
            )
        done = 0
        for edit in queryset.select_related("creator"):
            try:
                ownership.creator_edit_reject(
                    edit=edit, moderator=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                self.message_user(request, f"{edit}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} edit(s) rejected; the owners are emailed.")
        return None


@admin.register(OwnerRemoval)
class OwnerRemovalAdmin(admin.ModelAdmin):
    list_display = ("creator", "requested_by", "created_at")
    readonly_fields = ("creator", "requested_by", "previous_status", "reason", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
