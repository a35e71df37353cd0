"""What is waiting for a moderator, for the admin home page: each queue with a count and a link.

Queues whose model does not exist yet (claims, owner edits, removal requests and contact
messages arrive with the submission and accounts work) are skipped, and so are queues the
signed-in person may not view.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Q
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import CreatorStatus, ReportStatus
from .services.link_health import creators_all_links_failing


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str
    urgent: int = 0


# (label, "app.Model", filter for waiting items, changelist query string). These models come
# with the submission and accounts work (d-submit, e-accounts): each queue appears once its
# model exists, and is skipped if its fields differ from what is named here.
OTHER_QUEUES = (
    (
        _("Claims to check"),
        "accounts.Claim",
        Q(status__in=["waiting", "checking", "failed"]),
        {"status__in": "waiting,checking,failed"},
    ),
    (_("Owner edits"), "accounts.CreatorEdit", Q(status="pending"), {"status__exact": "pending"}),
    # Hidden at once, waiting for the owner's emailed confirmation (or a moderator's look).
    (_("Removals asked by owners"), "accounts.OwnerRemoval", Q(), {}),
    (
        _("Removal requests from visitors"),
        "directory.RemovalRequest",
        Q(handled=False),
        {"handled__exact": "0"},
    ),
    (
        _("Contact messages"),
        "directory.ContactMessage",
        Q(handled=False),
        {"handled__exact": "0"},
    ),
)


def _changelist(model, query: dict[str, str]) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def waiting_queues(request: HttpRequest) -> list[Queue]:
    user = request.user
    queues: list[Queue] = []
    Creator = apps.get_model("directory", "Creator")
    Report = apps.get_model("directory", "Report")
    if user.has_perm("directory.view_report"):
        reports = Report.objects.filter(status=ReportStatus.OPEN)
        queues.append(
            Queue(
                _("Open reports from visitors"),
                reports.count(),
                _changelist(Report, {"status__exact": ReportStatus.OPEN}),
                urgent=reports.filter(urgent=True).count(),
            )
        )
    if user.has_perm("directory.view_creator"):
        pending = Creator.objects.filter(status=CreatorStatus.PENDING).count()
        queues.append(
            Queue(
                _("Creators waiting for review (oldest first)"),
                pending,
                _changelist(Creator, {"status__exact": CreatorStatus.PENDING}),
            )
        )
        failing = creators_all_links_failing().count()
        queues.append(
            Queue(
                _("Listed creators whose every link has failed for 30 days"),
                failing,
                _changelist(Creator, {"links_failing": "yes"}),
            )
        )
    for label, model_label, waiting, query in OTHER_QUEUES:
        try:
            model = apps.get_model(model_label)
        except LookupError:
            continue
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        try:
            url = _changelist(model, query)
            count = model.objects.filter(waiting).count()
        except (NoReverseMatch, FieldError):  # a model shaped differently from the guess above
            continue
        queues.append(Queue(label, count, url))
    return queues
