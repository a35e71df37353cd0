"""The admin's "Enter statistics" page: a moderator records figures for one platform link.

For platforms with no public API (Instagram, TikTok, X, Facebook, Threads, Reddit) this is how
their numbers get in, read from the profile or sent by the creator. The form only collects and
converts; `directory.services.snapshots.snapshot_record` validates and writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MEASUREMENT_FIELDS, PlatformLink, SnapshotSource
from .params import parse_request_int
from .services.snapshots import snapshot_record

if TYPE_CHECKING:
    from django.utils.functional import Promise

BLANK_IS_NOT_ZERO = _("Leave blank if unknown (blank is not zero).")

# (label, help text) for each measurement, in the order of MEASUREMENT_FIELDS.
MEASUREMENT_TEXT: dict[str, tuple[Promise, Promise]] = {
    "followers": (_("Followers"), _("Followers or subscribers shown on the profile.")),
    "following": (_("Following"), _("Accounts this profile follows.")),
    "posts_total": (_("Posts in total"), _("All posts or videos on the profile.")),
    "window_days": (
        _("Window (days)"),
        _("How many days back the 'in window' figures below cover, e.g. 30."),
    ),
    "posts_in_window": (_("Posts in window"), _("The creator's own posts in the window.")),
    "comments_in_window": (
        _("Comments in window"),
        _("Comments or replies by others on those posts."),
    ),
    "unique_commenters_in_window": (
        _("Different commenters"),
        _("How many different people commented on those posts."),
    ),
    "posts_with_comments": (
        _("Posts with comments"),
        _("Posts in the window that had at least one comment."),
    ),
    "creator_replies_in_window": (
        _("Creator's replies"),
        _("Replies the creator wrote inside the comment threads of their own posts."),
    ),
    "posts_with_creator_reply": (
        _("Posts with a creator reply"),
        _("Posts in the window where the creator answered at least one comment."),
    ),
    "replies_to_others_in_window": (
        _("Replies to others"),
        _("Conversations on other people's posts that the creator joined."),
    ),
    "likes_in_window": (_("Likes in window"), _("Likes or hearts on the posts in the window.")),
    "shares_in_window": (
        _("Shares in window"),
        _("Shares, reposts or boosts of the posts in the window."),
    ),
    "last_post_at": (_("Last post"), _("When the creator last posted.")),
}


class EnterStatisticsForm(forms.Form):
    """Figures for one link; each blank field is stored as unknown."""

    source = forms.ChoiceField(
        label=_("Source"),
        choices=[
            (SnapshotSource.MODERATOR, SnapshotSource.MODERATOR.label),
            (SnapshotSource.SELF_REPORTED, SnapshotSource.SELF_REPORTED.label),
        ],
        initial=SnapshotSource.MODERATOR,
        help_text=_(
            "'Entered by a moderator' when you read the figures yourself; 'Self-reported' "
            "when the creator sent them. Both are shown as unverified."
        ),
    )
    captured_at = forms.DateTimeField(
        label=_("Figures read at"),
        help_text=_("When the figures were read (your local time zone)."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=300,
        required=False,
        help_text=_("Where the figures came from, e.g. 'profile page' or 'creator's screenshot'."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["captured_at"].initial = timezone.localtime().replace(microsecond=0)
        for name in MEASUREMENT_FIELDS:
            label, help_text = MEASUREMENT_TEXT[name]
            full_help = f"{help_text} {BLANK_IS_NOT_ZERO}"
            if name == "last_post_at":
                self.fields[name] = forms.DateTimeField(
                    label=label, required=False, help_text=full_help
                )
            else:
                self.fields[name] = forms.IntegerField(
                    label=label, required=False, min_value=0, help_text=full_help
                )

    def measurements(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in MEASUREMENT_FIELDS}

    def record(self, link: PlatformLink) -> bool:
        """Save through the service; False with the errors on the form when it refuses."""
        try:
            snapshot_record(
                link=link,
                source=self.cleaned_data["source"],
                captured_at=self.cleaned_data["captured_at"],
                measurements=self.measurements(),
                notes=self.cleaned_data["notes"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error("captured_at" if exc.code == "duplicate" else None, exc)
            return False
        return True


def enter_statistics_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    """GET shows the form; POST records a snapshot and returns to the link's page."""
    try:
        link_id = parse_request_int(object_id, minimum=1)
    except ValidationError:  # `abc` reached the database as pk="abc" and answered 500
        raise Http404 from None
    link = get_object_or_404(PlatformLink.objects.select_related("creator"), pk=link_id)
    if not (
        request.user.has_perm("directory.add_statssnapshot")
        and model_admin.has_view_permission(request, link)
    ):
        raise PermissionDenied
    form = EnterStatisticsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.record(link):
        model_admin.log_change(request, link, "Entered statistics")
        model_admin.message_user(request, _("Statistics recorded."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:directory_platformlink_change", args=[link.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Enter statistics for %(link)s") % {"link": link},
        "link": link,
        "form": form,
        "opts": model_admin.model._meta,
        "original": link,
        "has_view_permission": True,
    }
    return TemplateResponse(request, "admin/directory/platformlink/enter_statistics.html", context)
