"""Surfacing failing links to moderators: the "Needs attention" filter and "Retry now"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import FetchState, PlatformLink
from .services.attention import NEEDS_ATTENTION, RETRYING_ATTENTION_AFTER, links_retry_now


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


@admin.action(description=_("Retry now"), permissions=["change"])
def retry_now(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[PlatformLink]
) -> None:
    retried, skipped = links_retry_now(links=queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)d link will be fetched again shortly.",
            "%(n)d links will be fetched again shortly.",
            retried,
        )
        % {"n": retried},
        messages.SUCCESS,
    )
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d link was skipped: no public API, or demo data.",
                "%(n)d links were skipped: no public API, or demo data.",
                skipped,
            )
            % {"n": skipped},
            messages.WARNING,
        )
