"""What a moderator needs to decide on a creator, shown read-only on its change page: each link
with what fetching found, possible duplicates, the submitter's history and open reports."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Creator, CreatorStatus, FetchState, Submission, SubmissionStatus
from .services.duplicates import creator_possible_duplicates

NONE = _("None")


def _creator_link(creator: Creator) -> SafeString:
    url = reverse("admin:directory_creator_change", args=[creator.pk])
    return format_html('<a href="{}">{}</a>', url, creator.name)


class CreatorReviewMixin:
    """Read-only review fields for CreatorAdmin."""

    review_fields = (
        "review_links",
        "review_owner_edit",
        "review_duplicates",
        "review_submitter",
        "review_reports",
    )

    @admin.display(description=_("owner's proposed edit"))
    def review_owner_edit(self, creator: Creator) -> SafeString | str:
        from accounts.edit_diff import creator_edit_diff_html
        from accounts.models import CreatorEdit, EditStatus

        if creator.pk is None:
            return NONE
        edit = CreatorEdit.objects.filter(creator=creator, status=EditStatus.PENDING).first()
        if edit is None:
            return NONE
        url = reverse("admin:accounts_creatoredit_change", args=[edit.pk])
        return format_html(
            '{}<p><a href="{}">{}</a></p>',
            creator_edit_diff_html(edit),
            url,
            _("Approve or reject this edit"),
        )

    @admin.display(description=_("links and what fetching found"))
    def review_links(self, creator: Creator) -> SafeString:
        if creator.pk is None:
            return NONE
        rows = []
        for link in creator.links.select_related("latest_snapshot"):
            if link.fetch_state == FetchState.OK and link.latest_snapshot is not None:
                found = _("%(followers)s followers, fetched %(when)s") % {
                    "followers": (
                        f"{link.latest_snapshot.followers:,}"
                        if link.latest_snapshot.followers is not None
                        else "?"
                    ),
                    "when": f"{link.last_fetched_at:%Y-%m-%d}" if link.last_fetched_at else "—",
                }
            elif link.last_error:
                found = Truncator(link.last_error).chars(160)
            else:
                found = link.get_fetch_state_display()
            rows.append(
                (
                    link.url,
                    link.url,
                    link.get_platform_display(),
                    link.get_fetch_state_display(),
                    found,
                )
            )
        if not rows:
            return NONE
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a> '
                "({}) · {} · {}</li>",
                rows,
            ),
        )

    @admin.display(description=_("possible duplicates"))
    def review_duplicates(self, creator: Creator) -> SafeString:
        if creator.pk is None:
            return NONE
        found = creator_possible_duplicates(creator)
        if not found:
            return NONE
        items = [(_creator_link(d.creator), d.creator.get_status_display(), d.why) for d in found]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} ({}): {}</li>", items))

    @admin.display(description=_("submitter's history"))
    def review_submitter(self, creator: Creator) -> SafeString | str:
        submissions = _submissions_of(creator)
        if submissions:
            return format_html(
                "<ul>{}</ul>",
                format_html_join(
                    "",
                    "<li>{} ({}): “{}” — {}</li>",
                    [
                        (who, relationship, Truncator(why).chars(300), history)
                        for who, relationship, why, history in submissions
                    ],
                ),
            )
        user = creator.submitted_by
        if user is None:
            return _("Not known (imported or added by a moderator)")
        counts = dict(
            Creator.objects.filter(submitted_by=user)
            .exclude(pk=creator.pk)
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        return format_html(
            "{}: {} approved, {} rejected, {} pending, {} hidden",
            user.get_username(),
            counts.get(CreatorStatus.APPROVED, 0),
            counts.get(CreatorStatus.REJECTED, 0),
            counts.get(CreatorStatus.PENDING, 0),
            counts.get(CreatorStatus.HIDDEN, 0),
        )

    @admin.display(description=_("open reports"))
    def review_reports(self, creator: Creator) -> SafeString | str:
        if creator.pk is None:
            return NONE
        reports = list(creator.reports.open().order_by("-urgent", "created_at"))
        if not reports:
            return NONE
        rows = [
            (
                reverse("admin:directory_report_change", args=[r.pk]),
                _("URGENT: ") if r.urgent else "",
                r.get_reason_display(),
                Truncator(r.details).chars(120),
            )
            for r in reports
        ]
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li><a href="{}"><strong>{}</strong>{}</a> {}</li>', rows),
        )


def _submissions_of(creator: Creator) -> list[tuple[str, str, str, str]]:
    """Each submission of this creator: who, "this is me"/nominating, why, and that
    submitter's other submissions so far (matched by email address or account)."""
    result = []
    for row in Submission.objects.filter(creator=creator).select_related("submitted_by"):
        same = Q(submitter_email__iexact=row.submitter_email) if row.submitter_email else Q()
        if row.submitted_by_id:
            same |= Q(submitted_by_id=row.submitted_by_id)
        if not same:  # no address and no account: nothing to match a history by
            result.append(("?", row.get_relationship_display(), row.why, ""))
            continue
        counts = dict(
            Submission.objects.filter(same)
            .exclude(pk=row.pk)
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        history = _("%(approved)d approved, %(rejected)d not approved, %(pending)d pending") % {
            "approved": counts.get(SubmissionStatus.APPROVED, 0),
            "rejected": counts.get(SubmissionStatus.REJECTED, 0),
            "pending": counts.get(SubmissionStatus.PENDING, 0),
        }
        who = row.submitter_email or (row.submitted_by and row.submitted_by.get_username())
        result.append((who or "?", row.get_relationship_display(), row.why, history))
    return result
