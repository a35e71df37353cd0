"""Two-factor sign-in for the admin (allauth's MFA, TOTP).

The admin's sign-in form asks for a password only, so the second factor is asked for here, once
per session, before any admin page opens:

- staff who have an authenticator app (TOTP) and have not given a code in this session are sent
  to allauth's "enter your code" page (`mfa_reauthenticate`), which brings them back after;
- with `ADMIN_REQUIRE_MFA`, staff who have none are sent to set one up (`mfa_activate_totp`).

"Given a code in this session" is recorded from allauth's signals: a code used (at allauth's
sign-in, or on the re-authentication page) or an app just set up (which takes a valid code).
Signing out clears the session, and with it the record.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_used
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

SESSION_KEY = "mhv_mfa_user"
# Admin pages that must open without a code: leaving must always be possible.
OPEN_VIEWS = frozenset({"logout"})


def mfa_passed(request: HttpRequest) -> bool:
    """True when the signed-in person gave a second factor in this session."""
    return request.session.get(SESSION_KEY) == request.user.pk


def _record(request: HttpRequest | None, user: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = user.pk


@receiver(authenticator_used)
def _code_used(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _record(request, user)


@receiver(authenticator_added)
def _app_added(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _record(request, user)


def _code_first(request: HttpRequest) -> HttpResponseRedirect:
    """To allauth's "enter your code" page, which brings the visitor back here after."""
    back = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{back}")


def admin_mfa_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    """Where a staff member must go before this admin page, or None to let them in."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None  # the admin's own check sends them to its sign-in page
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in OPEN_VIEWS:
        return None
    if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        return None if mfa_passed(request) else _code_first(request)
    if not settings.ADMIN_REQUIRE_MFA:
        return None
    messages.info(
        request,
        "The moderation pages need two-factor sign-in. Set up an authenticator app here, "
        "keep your recovery codes somewhere safe, then open the moderation pages again.",
    )
    return HttpResponseRedirect(reverse("mfa_activate_totp"))


# Pages a session may open before it has given its second factor: signing in or out, and
# giving the code itself. allauth's own sign-in asks for the code; the admin's password-only
# form does not, and a session made there must not reach the account pages, where it could
# remove the authenticator app or read the recovery codes with the password alone.
BEFORE_SECOND_FACTOR = frozenset(
    {"account_login", "account_logout", "mfa_authenticate", "mfa_reauthenticate"}
)
GUARDED_PREFIXES = ("/accounts/", "/me/")


class SecondFactorFirstMiddleware:
    """Account pages ask for the code first when the account has an authenticator app and this
    session has not given it (a sign-in through the admin's form)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseRedirect | None:
        if not request.path.startswith(GUARDED_PREFIXES):
            return None  # before touching the user: other pages load no session for it
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in BEFORE_SECOND_FACTOR:
            return None
        if mfa_passed(request) or not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            return None
        return _code_first(request)
