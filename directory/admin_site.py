"""The moderators' admin site: Django's admin, extended rather than rebuilt.

- Bulk "Delete selected" is offered to superusers only, and last: a volunteer working through a
  list must not find a destructive action first (every registered admin gets this, third-party
  ones included).
- The home page says what is waiting (directory/admin_queues.py).
- Sign-in lockout (django-axes): `LockoutBackend` and the page a locked-out person sees.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services.throttle import client_address


class SuperuserBulkDelete:
    """Mixed into every ModelAdmin registered on our site."""

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)  # type: ignore[misc]
        delete = actions.pop("delete_selected", None)
        if delete is not None and request.user.is_superuser:
            actions["delete_selected"] = delete  # re-added last, after the daily actions
        return actions


class ModerationAdminSite(admin.AdminSite):
    site_header = _("Mental Health Voices moderation")
    site_title = _("Mental Health Voices moderation")
    index_title = _("What is waiting")

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, SuperuserBulkDelete):
            base = type(base.__name__, (SuperuserBulkDelete, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None):
        from .admin_queues import waiting_queues

        extra_context = {**(extra_context or {}), "waiting": waiting_queues(request)}
        return super().index(request, extra_context)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request.

    Every sign-in page (the admin's, allauth's) passes the request, so every one is checked.
    Code that authenticates without a request (Django's test client `login()`) has no address to
    count against; axes would raise there, so it is simply not checked here.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_client_address(request: HttpRequest) -> str | None:
    """The visitor's address by our one rule (`client_address`), or None when there is none
    (a sign-in made in code, e.g. `force_login`): axes stores it in an IP-address column."""
    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page a locked-out person sees: what happened and when they may try again.

    Each attempt during the lockout restarts it (axes' default), so it lifts one cool-off period
    after this attempt.
    """
    cool_off: dt.timedelta | None = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {
        "title": _("Sign-in locked for a while"),
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "minutes": minutes,
        "until": timezone.now() + cool_off if cool_off else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)
