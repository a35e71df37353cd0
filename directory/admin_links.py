"""Surfacing failing links to moderators: "Needs attention" and error-type filters, "Retry now"
and "Mark unsupported"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import FetchState, PlatformLink
from .services.attention import NEEDS_ATTENTION, RETRYING_ATTENTION_AFTER, links_retry_now
from .services.link_health import ERROR_TYPES, links_mark_unsupported


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [
            ("yes", _("Needs attention")),
            ("disabled", _("Fetching stopped (failed for 30 days)")),
            ("failing", _("Failing")),
            (
                "retrying",
                _("Retrying after more than %(n)d failures") % {"n": RETRYING_ATTENTION_AFTER},
            ),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PlatformLink]
    ) -> QuerySet[PlatformLink]:
        value = self.value()
        if value:
            queryset = queryset.filter(creator__is_demo=False)  # demo links are never fetched
        if value == "yes":
            return queryset.filter(NEEDS_ATTENTION)
        if value == "disabled":
            return queryset.filter(fetch_state=FetchState.DISABLED)
        if value == "failing":
            return queryset.filter(fetch_state=FetchState.FAILING)
        if value == "retrying":
            return queryset.filter(
                fetch_state=FetchState.RETRYING,
                consecutive_failures__gt=RETRYING_ATTENTION_AFTER,
            )
        return queryset


class ErrorTypeFilter(admin.SimpleListFilter):
    title = _("error type")
    parameter_name = "error"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [(value, label) for value, label, _q in ERROR_TYPES]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PlatformLink]
    ) -> QuerySet[PlatformLink]:
        for value, _label, condition in ERROR_TYPES:
            if self.value() == value:
                return queryset.filter(condition)
        return queryset


@admin.action(description=_("Mark unsupported (stop fetching)"), permissions=["change"])
def mark_unsupported(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[PlatformLink]
) -> None:
    changed = links_mark_unsupported(links=queryset, moderator=request.user)
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)d link will no longer be fetched; its statistics can be entered by hand.",
            "%(n)d links will no longer be fetched; their statistics can be entered by hand.",
            changed,
        )
        % {"n": changed},
        messages.SUCCESS,
    )


@admin.action(description=_("Retry now"), permissions=["change"])
def retry_now(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[PlatformLink]
) -> None:
    outcome = links_retry_now(links=queryset.select_related("creator"))
    for count, singular, plural, level in (
        (
            outcome.sent,
            "%(n)d link was sent to the workers and will be fetched shortly.",
            "%(n)d links were sent to the workers and will be fetched shortly.",
            messages.SUCCESS,
        ),
        (
            outcome.unsent,
            "%(n)d link could not be sent: the task queue is not reachable. It is due now "
            "and will be sent by the next scheduled run once the queue is back.",
            "%(n)d links could not be sent: the task queue is not reachable. They are due "
            "now and will be sent by the next scheduled run once the queue is back.",
            messages.ERROR,
        ),
        (
            outcome.skipped,
            "%(n)d link was skipped: no public API, or demo data.",
            "%(n)d links were skipped: no public API, or demo data.",
            messages.WARNING,
        ),
    ):
        if count:
            modeladmin.message_user(
                request, ngettext(singular, plural, count) % {"n": count}, level
            )
