"""/me/: a signed-in person's submissions, the profiles they own, and what they can do with them.

Views stay thin: each looks its creator up through `owned_creators(user)` (404 for anyone who is
not the owner or staff, whatever the id) and calls a service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from directory.models import Creator, CreatorStatus, SnapshotSource
from directory.services.snapshots import snapshot_record

from . import ownership, services
from .forms import (
    BreakForm,
    ClaimStartForm,
    CreatorEditForm,
    RemovalRequestForm,
    SelfReportedStatsForm,
)
from .models import Claim, CreatorEdit, EditStatus, OwnerRemoval, User

SUBMISSIONS_SHOWN = 50


@dataclass(frozen=True, slots=True)
class SubmittedItem:
    """One line of "What you submitted": the creator, where it stands, and why if declined."""

    name: str
    url: str
    status: str
    reason: str
    note: str
    created_at: dt.datetime
    # "This is me" submissions nobody owns yet: where to prove it and look after the profile.
    claim_url: str = ""


def submitted_items(user: User) -> list[SubmittedItem]:
    """The person's submissions, with the moderator's reason when one was not approved."""
    return [
        SubmittedItem(
            name=item.creator.name,
            url=item.creator.get_absolute_url()
            if item.creator.status == CreatorStatus.APPROVED
            else "",
            status=item.get_status_display(),
            reason=item.get_rejection_reason_display() if item.rejection_reason else "",
            note=item.decision_note,
            created_at=item.created_at,
            claim_url=_claim_url(item),
        )
        for item in services.user_submissions(user).select_related("creator")[:SUBMISSIONS_SHOWN]
    ]


def _claim_url(submission) -> str:
    creator = submission.creator
    if (
        submission.relationship == "self"
        and creator.claimed_by_id is None
        and creator.status in (CreatorStatus.APPROVED, CreatorStatus.PENDING)
    ):
        return reverse("accounts:claim_start", args=[creator.slug])
    return ""


def _posted(request: HttpRequest):
    """The submitted data for a POST (even an empty one, so its errors show), else None."""
    return request.POST if request.method == "POST" else None


def _owned(request: HttpRequest, pk: int) -> Creator:
    return get_object_or_404(ownership.owned_creators(request.user), pk=pk)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = request.user
    owned = (
        ownership.owned_creators(user)
        .filter(claimed_by=user)
        .prefetch_related(
            Prefetch(
                "proposed_edits",
                # The latest edit waiting or decided: "waiting", or what was not approved and why.
                queryset=CreatorEdit.objects.filter(
                    status__in=[EditStatus.PENDING, EditStatus.REJECTED, EditStatus.APPROVED]
                ).order_by("-created_at"),
                to_attr="recent_edits",
            )
        )
        .select_related("owner_removal")
        .order_by("name")
    )
    context = {
        "owned": owned,
        "submitted": submitted_items(user),
        "claims": Claim.objects.open().filter(user=user).select_related("creator", "link"),
    }
    return render(request, "accounts/me.html", context)


# --- Claiming -----------------------------------------------------------------------------


@login_required
def claim_start(request: HttpRequest, slug: str) -> HttpResponse:
    creator = get_object_or_404(services.claimable_creators(request.user), slug=slug)
    form = ClaimStartForm(_posted(request), creator=creator)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_start(
                user=request.user,
                creator=creator,
                link=form.cleaned_data["link"],
                method=form.cleaned_data["method"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("accounts:claim_detail", pk=claim.pk)
    return render(request, "accounts/claim_start.html", {"creator": creator, "form": form})


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("creator", "link"), pk=pk, user=request.user
    )
    if request.method == "POST":
        try:
            services.claim_check_enqueue(claim=claim)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.info(request, "We are checking now. This page shows the result shortly.")
        return redirect("accounts:claim_detail", pk=claim.pk)
    context = {
        "claim": claim,
        "back_url": services.creator_back_url(claim.creator),
    }
    return render(request, "accounts/claim_detail.html", context)


# --- An owned profile ---------------------------------------------------------------------


@login_required
def creator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    creator = _owned(request, pk)
    pending = creator.proposed_edits.filter(status=EditStatus.PENDING).first()
    source = pending or creator
    initial = {
        "bio": source.bio,
        "content_notes": source.content_notes,
        "topics": list(source.topics.all()),
        "languages": list(source.languages.all()),
        "links": "\n".join(
            [entry["url"] for entry in pending.links]
            if pending
            else [link.url for link in creator.links.order_by("platform", "url")]
        ),
    }
    form = CreatorEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ownership.creator_edit_propose(creator=creator, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("links", exc)
        else:
            messages.success(
                request,
                "Thank you. A moderator will look at your changes; until then your profile "
                "shows the current version.",
            )
            return redirect("accounts:me")
    return render(
        request,
        "accounts/creator_edit.html",
        {"creator": creator, "form": form, "pending": pending},
    )


@login_required
def creator_stats(request: HttpRequest, pk: int) -> HttpResponse:
    creator = _owned(request, pk)
    form = SelfReportedStatsForm(_posted(request), creator=creator)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot_record(
                link=form.cleaned_data["link"],
                source=SnapshotSource.SELF_REPORTED,
                measurements=form.measurements(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, "Thank you. Your figures are saved and shown as self-reported."
            )
            return redirect("accounts:me")
    return render(request, "accounts/creator_stats.html", {"creator": creator, "form": form})


@login_required
def creator_break(request: HttpRequest, pk: int) -> HttpResponse:
    creator = _owned(request, pk)
    initial = {}
    if creator.is_on_break:
        initial["until"] = (creator.on_break_until - dt.timedelta(days=1)).date()
    form = BreakForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ownership.creator_break_set(creator=creator, until=form.cleaned_data["until"])
        except ValidationError as exc:
            form.add_error("until", exc)
        else:
            messages.success(
                request,
                "Your break is saved. Take the time you need."
                if creator.on_break_until
                else "Welcome back. Your break has ended.",
            )
            return redirect("accounts:me")
    return render(request, "accounts/creator_break.html", {"creator": creator, "form": form})


@login_required
def creator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    creator = _owned(request, pk)
    form = RemovalRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        ownership.creator_removal_request(
            creator=creator, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            "Your profile is hidden now. We have emailed you a link to confirm deleting it.",
        )
        return redirect("accounts:me")
    return render(request, "accounts/creator_remove.html", {"creator": creator, "form": form})


@login_required
@require_POST
def creator_remove_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    creator = _owned(request, pk)
    get_object_or_404(OwnerRemoval, creator=creator)
    ownership.creator_removal_cancel(creator=creator)
    messages.success(request, "Your profile is back as it was before.")
    return redirect("accounts:me")


def removal_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email: a page with a button (a GET never deletes anything)."""
    error = ""
    try:
        ownership.removal_token_read(token)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.method == "POST" and not error:
        try:
            name = ownership.creator_removal_confirm(token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return render(request, "accounts/removal_done.html", {"name": name})
    status = 400 if error and request.method == "POST" else 200
    return render(
        request,
        "accounts/removal_confirm.html",
        {"error": error, "action": reverse("accounts:removal_confirm", kwargs={"token": token})},
        status=status,
    )
