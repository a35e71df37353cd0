"""The moderators' admin: creators (with approve/reject/hide actions), links and their fetch
health, and read-only views of the append-only statistics and the score history.

Actions are thin calls to `directory.services.moderation`; computed fields (scores, fetch state,
snapshots) are read-only here because services own them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_forms import PlatformLinkAdminForm
from .admin_links import NeedsAttentionFilter, retry_now
from .admin_snapshots import enter_statistics_view
from .models import Creator, Language, PlatformLink, ScoreHistory, StatsSnapshot, Topic
from .services.moderation import creator_approve, creator_hide, creator_reject
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


def _moderation_action(
    service: Callable[..., bool], verb: str, description: str
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Creator]], None]:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Creator]):
        changed = 0
        for creator in queryset:
            if service(creator=creator, moderator=request.user):
                modeladmin.log_change(request, creator, verb)
                changed += 1
        modeladmin.message_user(
            request,
            ngettext("%(verb)s %(n)d creator.", "%(verb)s %(n)d creators.", changed)
            % {"verb": verb, "n": changed},
            messages.SUCCESS,
        )

    action.__name__ = f"{service.__name__}_action"
    return admin.action(description=description)(action)


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "status",
        "creator_type",
        "interactivity_score",
        "score_confidence",
        "followers_total",
        "last_active_at",
        "is_demo",
    )
    list_filter = ("status", "creator_type", "topics", "is_demo", "stats_stale")
    search_fields = ("name", "slug", "bio", "links__url")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("topics", "languages")
    raw_id_fields = ("submitted_by", "claimed_by")
    readonly_fields = (*SCORE_FIELDS, "created_at", "updated_at")
    inlines = [PlatformLinkInline]
    actions = [
        _moderation_action(creator_approve, _("Approved"), _("Approve selected creators")),
        _moderation_action(creator_reject, _("Rejected"), _("Reject selected creators")),
        _moderation_action(creator_hide, _("Hidden"), _("Hide selected creators")),
    ]
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "creator_type", "is_demo")}),
        (_("Profile"), {"fields": ("bio", "about", "content_notes", "topics", "languages")}),
        (_("Details"), {"fields": ("country", "on_break_until", "submitted_by", "claimed_by")}),
        (_("Score (computed)"), {"fields": SCORE_FIELDS, "classes": ("collapse",)}),
        (_("Timestamps"), {"fields": ("created_at", "updated_at")}),
    )


@admin.register(PlatformLink)
class PlatformLinkAdmin(admin.ModelAdmin):
    form = PlatformLinkAdminForm
    list_display = (
        "url",
        "platform",
        "creator",
        "fetch_state",
        "consecutive_failures",
        "first_failure_at",
        "last_fetched_at",
        "next_fetch_at",
        "short_error",
    )
    list_filter = (NeedsAttentionFilter, "fetch_state", "platform", "verified", "is_public")
    actions = [retry_now]
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
        return Truncator(link.last_error).chars(80)


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
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
