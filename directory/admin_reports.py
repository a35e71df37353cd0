"""Visitors' reports and the audit trail in the admin.

Reports: open first, urgent first, then creators with several open reports, oldest first; a
moderator resolves one with an outcome that is kept. The audit trail is read-only for everyone,
superusers included: it is the record of what moderators did.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditEntry, Report, ReportOutcome, ReportStatus
from .services.reports import report_resolve


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ("urgent", "outcome", "resolution_note")

    def clean(self):
        cleaned = super().clean()
        stored = Report.objects.filter(pk=self.instance.pk).first()
        if stored and stored.status == ReportStatus.RESOLVED and self.data.get("outcome"):
            # Another moderator resolved it while this page was open: theirs stands.
            raise forms.ValidationError(
                _("%(who)s resolved this report while you were looking at it.")
                % {"who": stored.resolved_by},
                code="stale",
            )
        if self.instance.status == ReportStatus.OPEN and not cleaned.get("outcome"):
            self.add_error("outcome", _("Choose an outcome to resolve this report."))
        return cleaned


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportForm
    list_display = (
        "reason_display",
        "creator_link",
        "open_on_creator",
        "short_details",
        "created_at",
        "status",
        "outcome",
    )
    list_filter = ("status", "urgent", "reason", "outcome")
    search_fields = ("creator__name", "details")
    list_select_related = ("creator",)
    readonly_fields = (
        "creator_link",
        "reason",
        "details",
        "created_at",
        "status",
        "resolved_by",
        "resolved_at",
    )
    fields = (
        "creator_link",
        "reason",
        "details",
        "created_at",
        "urgent",
        "status",
        "outcome",
        "resolution_note",
        "resolved_by",
        "resolved_at",
    )
    actions = ["resolve_no_action"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        open_on_creator = (
            Report.objects.filter(creator=OuterRef("creator"), status=ReportStatus.OPEN)
            .values("creator")
            .annotate(n=Count("pk"))
            .values("n")
        )
        # Annotated before ordering: the order uses the per-creator count.
        queryset = Report.objects.select_related("creator").annotate(
            creator_open_reports=Coalesce(Subquery(open_on_creator), 0)
        )
        return queryset.order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # Open first, urgent first, then creators with several open reports, oldest first.
        return ("status", "-urgent", "-creator_open_reports", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from visitors only

    def get_readonly_fields(self, request: HttpRequest, obj: Report | None = None):
        if obj is not None and obj.status == ReportStatus.RESOLVED:
            return (*self.readonly_fields, "urgent", "outcome", "resolution_note")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Report, form, change: bool) -> None:
        outcome = form.cleaned_data.get("outcome")
        Report.objects.filter(pk=obj.pk).update(urgent=obj.urgent)
        if outcome and obj.status == ReportStatus.OPEN:
            report_resolve(
                report=obj,
                moderator=request.user,
                outcome=outcome,
                note=form.cleaned_data.get("resolution_note", ""),
            )

    @admin.display(description=_("what is wrong"), ordering="reason")
    def reason_display(self, report: Report) -> str:
        if report.urgent:
            return format_html("<strong>{}</strong> {}", _("URGENT"), report.get_reason_display())
        return report.get_reason_display()

    @admin.display(description=_("creator"), ordering="creator__name")
    def creator_link(self, report: Report) -> str:
        url = reverse("admin:directory_creator_change", args=[report.creator_id])
        return format_html('<a href="{}">{}</a>', url, report.creator.name)

    @admin.display(description=_("open on this creator"), ordering="-creator_open_reports")
    def open_on_creator(self, report: Report) -> int:
        return getattr(report, "creator_open_reports", 0)

    @admin.display(description=_("details"))
    def short_details(self, report: Report) -> str:
        return Truncator(report.details).chars(100)

    @admin.action(description=_("Resolve: checked, no action needed"), permissions=["change"])
    def resolve_no_action(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        resolved = sum(
            report_resolve(report=r, moderator=request.user, outcome=ReportOutcome.NO_ACTION)
            for r in queryset.filter(status=ReportStatus.OPEN)
        )
        self.message_user(
            request,
            ngettext("Resolved %(n)d report.", "Resolved %(n)d reports.", resolved)
            % {"n": resolved},
            messages.SUCCESS,
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "action", "creator_name", "reason", "short_note")
    list_filter = ("action",)
    search_fields = ("creator_name", "actor_name", "note")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("note"))
    def short_note(self, entry: AuditEntry) -> str:
        return Truncator(entry.note).chars(80)


class LinksFailingFilter(admin.SimpleListFilter):
    """Creators list: listed creators whose every link has failed for 30 days."""

    title = _("links failing")
    parameter_name = "links_failing"

    def lookups(self, request, model_admin):
        return [("yes", _("Every link failing for 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            from .services.link_health import creators_all_links_failing

            return queryset.filter(pk__in=creators_all_links_failing().values("pk"))
        return queryset
