"""The creator list's moderation actions: thin calls to directory.services.moderation.

Actions that hide, reject, remove or merge show a confirmation page first (with the reason form
where one is needed). The changelist carries each row's `Creator.version` as a hidden input
(`seen_version_<pk>`, see `CreatorAdmin.status_with_version`), and the confirmation page passes
it on, so a decision made on a stale page is refused by the service, never applied on top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_links import retry_now
from .models import Creator, PlatformLink, RejectionReason
from .services import moderation

VERSION_FIELD = "seen_version_"
CHANGE_FORM = ActionLocation.CHANGE_FORM
# The daily decisions are offered on the list and on each creator's own page.
BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 19


def seen_versions(request: HttpRequest) -> dict[int, int]:
    """The version of each creator as the moderator saw it, from the posted page (the list's
    `seen_version_<pk>` inputs, or the change form's own `seen_version`)."""
    versions: dict[int, int] = {}
    selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
    own = request.POST.get("seen_version", "")
    if len(selected) == 1 and _digits(selected[0]) and _digits(own):
        versions[int(selected[0])] = int(own)
    for key, value in request.POST.items():
        if key.startswith(VERSION_FIELD):
            pk, version = key.removeprefix(VERSION_FIELD), value
            if _digits(pk) and _digits(version):
                versions[int(pk)] = int(version)
    return versions


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the audit trail (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class RejectForm(NoteForm):
    field_order = ["reason", "note"]
    # No reason is preselected: a moderator must choose one, not confirm a default.
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("— choose a reason —")), *RejectionReason.choices]
    )
    note = forms.CharField(
        label=_("Message to the submitter (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class MergeForm(NoteForm):
    field_order = ["survivor", "note"]
    survivor = forms.ModelChoiceField(
        label=_("Keep this creator; merge the others into it"),
        queryset=Creator.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, creators: QuerySet[Creator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = creators


def _report(
    modeladmin: admin.ModelAdmin, request: HttpRequest, verb: str, changed: int, errors: list[str]
) -> None:
    modeladmin.message_user(
        request,
        ngettext("%(verb)s %(n)d creator.", "%(verb)s %(n)d creators.", changed)
        % {"verb": verb, "n": changed},
        messages.SUCCESS if changed or not errors else messages.WARNING,
    )
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)


def _apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Creator],
    verb: str,
    decide: Callable[..., bool],
    **kwargs: Any,
) -> None:
    versions = seen_versions(request)
    changed, errors = 0, []
    for creator in queryset.order_by("created_at", "pk"):
        try:
            done = decide(
                creator=creator,
                moderator=request.user,
                expected_version=versions.get(creator.pk),
                **kwargs,
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if done:
            modeladmin.log_change(request, creator, verb)
            changed += 1
    _report(modeladmin, request, verb, changed, errors)


def _confirm_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Creator],
    *,
    action: str,
    title: str,
    explanation: str,
    button: str,
    form: forms.Form,
) -> TemplateResponse:
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "explanation": explanation,
        "button": button,
        "form": form,
        "creators": queryset.order_by("created_at", "pk"),
        "action": action,
        # The change form's actions are posted under a prefixed name (Django 6.1).
        "action_field": next(
            (name for name in ("action", f"{CHANGE_FORM.value}-action") if name in request.POST),
            "action",
        ),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "versions": sorted(seen_versions(request).items()),
        "version_field": VERSION_FIELD,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/directory/creator/action_confirm.html", context)


def _confirmed_action(
    *,
    name: str,
    description: str,
    verb: str,
    button: str,
    title: str,
    explanation: str,
    decide: Callable[..., bool],
    form_class: type[forms.Form] = NoteForm,
) -> Callable[..., TemplateResponse | None]:
    """An action that asks first, then calls `decide` with the form's fields for each creator."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Creator]):
        form = form_class(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            _apply(modeladmin, request, queryset, verb, decide, **form.cleaned_data)
            return None
        return _confirm_page(
            modeladmin,
            request,
            queryset,
            action=name,
            title=title,
            explanation=explanation,
            button=button,
            form=form,
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["change"], location=BOTH)(action)


@admin.action(description=_("Approve selected creators"), permissions=["change"], location=BOTH)
def creator_approve_action(modeladmin, request, queryset) -> None:
    _apply(modeladmin, request, queryset, str(_("Approved")), moderation.creator_approve)


creator_reject_action = _confirmed_action(
    name="creator_reject_action",
    description=_("Reject selected creators (with a reason)…"),
    verb=str(_("Rejected")),
    button=str(_("Reject")),
    title=_("Reject these creators?"),
    explanation=_(
        "They stay out of the directory. The reason and your message reach whoever submitted "
        "them, by email and on their status page."
    ),
    decide=moderation.creator_reject,
    form_class=RejectForm,
)
creator_hide_action = _confirmed_action(
    name="creator_hide_action",
    description=_("Hide selected creators…"),
    verb=str(_("Hidden")),
    button=str(_("Hide")),
    title=_("Hide these creators?"),
    explanation=_(
        "They leave the public list, profile pages and API at once. You can restore them."
    ),
    decide=moderation.creator_hide,
)
creator_restore_action = _confirmed_action(
    name="creator_restore_action",
    description=_("Restore selected hidden creators…"),
    verb=str(_("Restored")),
    button=str(_("Restore")),
    title=_("Restore these creators?"),
    explanation=_("Hidden creators among them are listed publicly again at once."),
    decide=moderation.creator_restore,
)
creator_remove_action = _confirmed_action(
    name="creator_remove_action",
    description=_("Removed at the creator's request…"),
    verb=str(_("Removed")),
    button=str(_("Remove")),
    title=_("Remove these creators at their request?"),
    explanation=_(
        "Their data is deleted and their links cannot be submitted again; their public page "
        "says they are gone. This cannot be undone."
    ),
    decide=moderation.creator_remove_at_request,
)


@admin.action(description=_("Merge selected duplicates…"), permissions=["change"])
def creators_merge_action(modeladmin, request, queryset) -> TemplateResponse | None:
    if queryset.count() < 2:
        message = _("Select at least two creators to merge.")
        modeladmin.message_user(request, message, messages.ERROR)
        return None
    creators = queryset.order_by("created_at", "pk")
    form = MergeForm(request.POST if "confirm" in request.POST else None, creators=creators)
    if form.is_bound and form.is_valid():
        survivor = form.cleaned_data["survivor"]
        try:
            merged = moderation.creators_merge(
                survivor=survivor,
                duplicates=[c for c in creators if c.pk != survivor.pk],
                moderator=request.user,
                note=form.cleaned_data["note"],
                expected_versions=seen_versions(request),
            )
        except ValidationError as exc:
            _report(modeladmin, request, str(_("Merged")), 0, exc.messages)
            return None
        modeladmin.log_change(request, survivor, _("Merged %(n)d duplicates") % {"n": merged})
        _report(modeladmin, request, str(_("Merged")), merged, [])
        return None
    return _confirm_page(
        modeladmin,
        request,
        creators,
        action="creators_merge_action",
        title=_("Merge these creators?"),
        explanation=_(
            "Links with all their statistics, topics, languages and open reports move to the "
            "creator you keep; the others are hidden and point to it."
        ),
        button=_("Merge"),
        form=form,
    )


@admin.action(description=_("Refresh statistics now"), permissions=["change"], location=BOTH)
def creators_refresh_action(modeladmin, request, queryset) -> None:
    # Exactly a link's "Retry now" (same rule, same messages) for all their links.
    retry_now(modeladmin, request, PlatformLink.objects.filter(creator__in=queryset))


@admin.action(
    description=_("Mark licensed professional verified"), permissions=["change"], location=BOTH
)
def creator_licence_action(modeladmin, request, queryset) -> None:
    changed, errors = 0, []
    for creator in queryset:
        try:
            if moderation.creator_mark_licence_verified(creator=creator, moderator=request.user):
                modeladmin.log_change(request, creator, "Licence verified")
                changed += 1
        except ValidationError as exc:
            errors.extend(exc.messages)
    _report(modeladmin, request, str(_("Verified the licence of")), changed, errors)


CREATOR_ACTIONS = [
    creator_approve_action,
    creator_reject_action,
    creator_hide_action,
    creator_restore_action,
    creator_remove_action,
    creators_merge_action,
    creators_refresh_action,
    creator_licence_action,
]
