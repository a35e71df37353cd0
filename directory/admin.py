"""The moderators' admin: creators (with approve/reject/hide actions), links and their fetch
health, and read-only views of the append-only statistics and the score history.

Actions are thin calls to `directory.services.moderation`; computed fields (scores, fetch state,
snapshots) are read-only here because services own them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .admin_actions import CREATOR_ACTIONS, VERSION_FIELD
from .admin_forms import PlatformLinkAdminForm
from .admin_links import ErrorTypeFilter, NeedsAttentionFilter, mark_unsupported, retry_now
from .admin_listing import ListingChangedAdmin
from .admin_reports import LinksFailingFilter
from .admin_review import CreatorReviewMixin
from .admin_snapshots import enter_statistics_view
from .models import (
    AuditEntry,
    Creator,
    CreatorStatus,
    FetchState,
    Language,
    PlatformLink,
    Report,
    ScoreHistory,
    StatsSnapshot,
    Topic,
)
from .services.audit import creator_public_values, creator_record_edit
from .services.moderation import stale_error
from .services.refresh import FETCH_FIELDS
from .services.scores import SCORE_FIELDS


class PlatformLinkInline(admin.TabularInline):
    model = PlatformLink
    form = PlatformLinkAdminForm
    extra = 0
    fields = ("platform", "url", "verified", "is_public", "fetch_state", "followers", "fetched")
    readonly_fields = ("fetch_state", "followers", "fetched")
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlatformLink]:
        return super().get_queryset(request).select_related("latest_snapshot")

    @admin.display(description=_("followers"))
    def followers(self, link: PlatformLink) -> str:
        snapshot = link.latest_snapshot
        if snapshot is None or snapshot.followers is None:
            return "—"
        return f"{snapshot.followers:,}"

    @admin.display(description=_("last fetched"))
    def fetched(self, link: PlatformLink):
        return link.last_fetched_at or "—"


# A subquery, not an aggregate: usable in order_by() on any creator queryset.
# One short word per fetch state keeps the list's rows one line high.
LINK_STATE_WORDS = {
    FetchState.NEW: _("new"),
    FetchState.OK: _("ok"),
    FetchState.RETRYING: _("retrying"),
    FetchState.FAILING: _("failing"),
    FetchState.DISABLED: _("stopped"),
    FetchState.MANUAL: _("manual"),
}

OPEN_REPORTS = Coalesce(
    Subquery(
        Report.objects.open()
        .filter(creator=OuterRef("pk"))
        .values("creator")
        .annotate(n=Count("pk"))
        .values("n")
    ),
    0,
)


class CreatorForm(forms.ModelForm):
    """The creator's change form; refuses to save over someone else's newer change."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Creator
        # The admin passes the fieldsets' fields; these are what the form may ever edit.
        fields = (
            "name",
            "slug",
            "status",
            "creator_type",
            "is_demo",
            "bio",
            "about",
            "content_notes",
            "topics",
            "languages",
            "country",
            "on_break_until",
            "submitted_by",
            "claimed_by",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk is not None and seen is not None:
            current = Creator.objects.filter(pk=self.instance.pk).first()
            if current is not None and current.version != seen:
                raise stale_error(current)
        return cleaned


@admin.register(Creator)
class CreatorAdmin(CreatorReviewMixin, ListingChangedAdmin):
    form = CreatorForm
    list_display = (
        "name",
        "status_with_version",
        "score",
        "followers",
        "last_active",
        "link_health",
        "open_reports",
        "submitted",
    )
    list_filter = (
        "status",
        LinksFailingFilter,
        "creator_type",
        "topics",
        "is_demo",
        "stats_stale",
    )
    search_fields = ("name", "slug", "bio", "links__url")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("topics", "languages")
    raw_id_fields = ("submitted_by", "claimed_by")
    list_per_page = 50
    # Creators with several open reports first, then oldest first. An expression, not the
    # annotation's name: Django also orders other admins' creator choices with this.
    ordering = (OPEN_REPORTS.desc(), "created_at", "pk")
    inlines = [PlatformLinkInline]
    actions = CREATOR_ACTIONS
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "creator_type", "is_demo", "seen_version")}),
        (_("Review"), {"fields": CreatorReviewMixin.review_fields}),
        (_("Profile"), {"fields": ("bio", "about", "content_notes", "topics", "languages")}),
        (
            _("Details"),
            {
                "fields": (
                    "country",
                    "on_break_until",
                    "submitted_by",
                    "claimed_by",
                    "licence_verified_at",
                    "merged_into",
                    "version",
                )
            },
        ),
        (_("Score (computed)"), {"fields": SCORE_FIELDS, "classes": ("collapse",)}),
        (_("Timestamps"), {"fields": ("created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        fields = (
            *SCORE_FIELDS,
            *CreatorReviewMixin.review_fields,
            "licence_verified_at",
            "merged_into",
            "version",
            "created_at",
            "updated_at",
        )
        # Decisions go through the actions (reasons, emails, audit); only a superuser sets a
        # status by hand, e.g. for a creator who asked to leave and came back.
        if not request.user.is_superuser:
            fields = ("status", *fields)
        return fields

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # The review queue (pending only): oldest submission first, so nobody waits longest.
        if request.GET.get("status__exact") == CreatorStatus.PENDING:
            return ("created_at", "pk")
        return super().get_ordering(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Creator]:
        return (
            super()
            .get_queryset(request)
            .annotate(open_reports_count=OPEN_REPORTS)
            .prefetch_related("links")
        )

    @admin.display(description=_("status"), ordering="status")
    def status_with_version(self, creator: Creator) -> str:
        # The version the moderator saw travels with the action (admin_actions.seen_versions).
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            creator.get_status_display(),
            VERSION_FIELD,
            creator.pk,
            creator.version,
        )

    @admin.display(description=_("score"), ordering="interactivity_score")
    def score(self, creator: Creator) -> str:
        value = creator.interactivity_score
        return "—" if value is None else f"{value:.0f}"

    @admin.display(description=_("followers"), ordering="followers_total")
    def followers(self, creator: Creator) -> str:
        value = creator.followers_total
        return "—" if value is None else f"{value:,}"

    @admin.display(description=_("last active"), ordering="last_active_at")
    def last_active(self, creator: Creator) -> str:
        return f"{creator.last_active_at:%Y-%m-%d}" if creator.last_active_at else "—"

    @admin.display(description=_("submitted"), ordering="created_at")
    def submitted(self, creator: Creator) -> str:
        return f"{creator.created_at:%Y-%m-%d}"

    @admin.display(description=_("fetch state of links"))
    def link_health(self, creator: Creator) -> str:
        states = Counter(link.fetch_state for link in creator.links.all())
        if not states:
            return "—"
        return ", ".join(f"{n} {LINK_STATE_WORDS[state]}" for state, n in states.items())

    @admin.display(description=_("open reports"), ordering="-open_reports_count")
    def open_reports(self, creator: Creator) -> int:
        return creator.open_reports_count

    def save_model(self, request: HttpRequest, obj: Creator, form, change: bool) -> None:
        # Before-values for the audit trail; compared after the m2m fields are saved too.
        stored = Creator.objects.filter(pk=obj.pk).first() if change else None
        request._audit_before = creator_public_values(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        creator_record_edit(
            creator=form.instance,
            actor=request.user,
            before=getattr(request, "_audit_before", {}),
        )

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        entries = AuditEntry.objects.none()
        if object_id.isascii() and object_id.isdigit():
            entries = AuditEntry.objects.filter(creator_ref=int(object_id))
        return super().history_view(
            request, object_id, {**(extra_context or {}), "audit_entries": entries}
        )


@admin.register(PlatformLink)
class PlatformLinkAdmin(ListingChangedAdmin):
    # What a moderator needs to judge a failing link fits 1280 px: the error is cut short here
    # and shown whole on the link's page.
    form = PlatformLinkAdminForm
    list_display = (
        "short_url",
        "platform",
        "creator",
        "fetch_state",
        "failures",
        "last_success",
        "short_error",
    )
    list_filter = (
        NeedsAttentionFilter,
        ErrorTypeFilter,
        "fetch_state",
        "platform",
        "verified",
        "is_public",
    )
    actions = [retry_now, mark_unsupported]
    search_fields = ("url", "handle", "external_id", "creator__name", "creator__slug")
    list_select_related = ("creator",)
    raw_id_fields = ("creator",)
    readonly_fields = (*FETCH_FIELDS, "created_at", "enter_statistics")

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.enter_statistics_view)
        return [
            path(
                "<path:object_id>/statistics/",
                view,
                name="directory_platformlink_enter_statistics",
            ),
            *super().get_urls(),
        ]

    def enter_statistics_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return enter_statistics_view(self, request, object_id)

    @admin.display(description=_("statistics"))
    def enter_statistics(self, link: PlatformLink) -> str:
        # Snapshots are added only through this page, so the latest pointer and score follow.
        if link.pk is None:
            return "—"
        url = reverse("admin:directory_platformlink_enter_statistics", args=[link.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Enter statistics"))

    @admin.display(description=_("last error"))
    def short_error(self, link: PlatformLink) -> str:
        return Truncator(link.last_error).chars(60)

    @admin.display(description=_("failures in a row (since)"), ordering="-consecutive_failures")
    def failures(self, link: PlatformLink) -> str:
        if not link.consecutive_failures:
            return "0"
        since = f" ({link.first_failure_at:%Y-%m-%d})" if link.first_failure_at else ""
        return f"{link.consecutive_failures}{since}"

    @admin.display(description=_("last success"), ordering="last_fetched_at")
    def last_success(self, link: PlatformLink) -> str:
        return f"{link.last_fetched_at:%Y-%m-%d}" if link.last_fetched_at else "—"

    @admin.display(description=_("URL"), ordering="url")
    def short_url(self, link: PlatformLink) -> str:
        return Truncator(link.url.removeprefix("https://")).chars(45)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never added or edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(StatsSnapshot)
class StatsSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("link", "captured_at", "source", "followers", "posts_in_window")
    list_filter = ("source", "link__platform")
    search_fields = ("link__url", "link__creator__name")
    list_select_related = ("link",)
    date_hierarchy = "captured_at"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Append-only: removing a snapshot (e.g. one entered in error) is for superusers only.
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(ScoreHistory)
class ScoreHistoryAdmin(ReadOnlyAdmin):
    list_display = ("creator", "date", "score", "confidence", "version")
    list_filter = ("version",)
    search_fields = ("creator__name", "creator__slug")
    list_select_related = ("creator",)
    date_hierarchy = "date"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(ListingChangedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Language)
class LanguageAdmin(ListingChangedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


# Submissions, contact messages, removal requests and tombstones (admin_requests.py).
from . import admin_requests  # noqa: E402, F401
