"""“Report a problem” on a public profile: no account, CSRF-protected, a honeypot, and a
per-address limit in the shared cache (a blocked attempt stores nothing and says when to retry).
"""

from __future__ import annotations

import math

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .models import Creator, ReportReason
from .services.reports import report_submit
from .services.throttle import client_address, throttle_hit


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Anything that would help us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
    )
    # The honeypot: hidden from sight and from screen readers (templates), filled by bots only.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)


@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    creator = get_object_or_404(Creator.objects.listed(), slug=slug)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        thanks = HttpResponseRedirect(reverse("directory:report_thanks", args=[creator.slug]))
        if form.cleaned_data["website"]:
            return thanks  # a bot: dropped, and it cannot tell
        wait = throttle_hit(
            scope="report", key=client_address(request), rate=settings.REPORT_RATE_LIMIT
        )
        if wait is None:
            report_submit(
                creator=creator,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
            return thanks
        minutes = max(1, math.ceil(wait / 60))
        form.add_error(
            None,
            ngettext(
                "You have sent several reports in a short time. Please try again in %(n)d minute.",
                "You have sent several reports in a short time. Please try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes},
        )
        status = 429
    return render(
        request, "directory/report_form.html", {"creator": creator, "form": form}, status=status
    )


@require_http_methods(["GET", "HEAD"])
def report_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    creator = get_object_or_404(Creator.objects.listed(), slug=slug)
    return render(request, "directory/report_thanks.html", {"creator": creator})
