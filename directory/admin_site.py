"""The moderators' admin site: Django's admin, extended rather than rebuilt.

- Bulk "Delete selected" is offered to superusers only, and last: a volunteer working through a
  list must not find a destructive action first (every registered admin gets this, third-party
  ones included).
- The home page says what is waiting (directory/admin_queues.py).
- Sign-in lockout (django-axes): `LockoutBackend` and the page a locked-out person sees.
- Two-factor sign-in before any admin page (`accounts.admin_mfa`, `ADMIN_REQUIRE_MFA`).
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services.throttle import client_address


class SuperuserBulkDelete:
    """Mixed into every ModelAdmin registered on our site."""

    def response_action(
        self,
        request: HttpRequest,
        queryset,
        action_location: ActionLocation = ActionLocation.CHANGE_LIST,
    ):
        # Django filters by the posted ids as they are: one that is not an id (hand-made POST)
        # raised ValueError, a 500. Refuse the action with a message instead.
        pk_field = self.model._meta.pk  # type: ignore[attr-defined]
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk_field.to_python(value)
                if value == "":
                    raise ValidationError("empty id")
        except ValidationError:
            self.message_user(  # type: ignore[attr-defined]
                request,
                _("Some selected items were not recognised; nothing was changed."),
                messages.ERROR,
            )
            return None
        return super().response_action(  # type: ignore[misc]
            request, queryset, action_location=action_location
        )

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
    # Its 275 px column squeezed the lists at 1280 px; the breadcrumbs and home page lead on.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, SuperuserBulkDelete):
            base = type(base.__name__, (SuperuserBulkDelete, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def admin_view(self, view, cacheable: bool = False):
        wrapped = super().admin_view(view, cacheable)

        @functools.wraps(view)
        def refuse_nul(request: HttpRequest, *args: Any, **kwargs: Any):
            from accounts.admin_mfa import admin_mfa_redirect

            # PostgreSQL refuses NUL in text: a filter or form value with one was a 500.
            for data in (request.GET, request.POST):
                if any("\x00" in value for values in data.lists() for value in values[1]):
                    return HttpResponseBadRequest(_("A value contains a character not allowed."))
            return admin_mfa_redirect(request) or wrapped(request, *args, **kwargs)

        return refuse_nul

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


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """Whose sign-in this is: the admin sends `username`, allauth's forms `email` or `login`.

    Case-folded, so guessing `Ana` and `ana` counts against one account.
    """
    for source in (credentials or {}, getattr(request, "POST", {})):
        for key in ("username", "email", "login"):
            value = source.get(key)
            if value:
                return str(value).strip().casefold()[:255]
    return None


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
