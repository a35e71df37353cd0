"""Pages where visitors send us something: /submit/, its private status page, the contact form
on /about/, and the removal request form (on every profile and on /about/).

Views stay thin: forms check, services write. Each POST here is protected the same way: CSRF,
a honeypot field (filled → dropped, same response), and `SUBMISSION_RATE_LIMIT` per address and
per account counted only when something would be stored.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View

from .forms_submit import (
    LINKS_PREFIX,
    MAX_LINKS,
    ContactForm,
    LinkForm,
    LinkFormSet,
    RemovalRequestForm,
    SubmissionForm,
)
from .models import Creator, Submission
from .services.contact import contact_message_create, removal_request_create
from .services.submissions import (
    STATUS_SALT,
    creator_submit,
    form_token_new,
    form_token_valid,
    status_token,
    status_url,
    submission_from_token,
)
from .services.throttle import client_address, throttle_hit


def throttle_wait(request: HttpRequest, scope: str) -> float | None:
    """Count one attempt for this address and account; seconds to wait when over the limit."""
    keys = [f"ip:{client_address(request)}"]
    if request.user.is_authenticated:
        keys.append(f"user:{request.user.pk}")
    waits = [
        throttle_hit(scope=scope, key=key, rate=settings.SUBMISSION_RATE_LIMIT) for key in keys
    ]
    return max((wait for wait in waits if wait), default=None)


def wait_message(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    when = f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes > 1 else "a minute"
    return (
        "You have sent several forms in a short time, so we paused this one: nothing was "
        f"saved. Please try again in about {when}."
    )


def _small_int(value: Any, default: int) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else default


def _total_key() -> str:
    return f"{LINKS_PREFIX}-TOTAL_FORMS"


def _with_row_added(data: QueryDict) -> QueryDict:
    data[_total_key()] = str(min(_small_int(data.get(_total_key()), 1) + 1, MAX_LINKS))
    return data


def _with_row_removed(data: QueryDict, index: int) -> QueryDict:
    total = _small_int(data.get(_total_key()), 1)
    if not 0 <= index < total or total <= 1:
        return data
    for row in range(index, total - 1):
        for name in LinkForm.base_fields:
            data[f"{LINKS_PREFIX}-{row}-{name}"] = data.get(f"{LINKS_PREFIX}-{row + 1}-{name}", "")
    for name in LinkForm.base_fields:
        data.pop(f"{LINKS_PREFIX}-{total - 1}-{name}", None)
    data[_total_key()] = str(total - 1)
    return data


def _links_redisplayed(links: Any, data: QueryDict) -> Any:
    """The link rows again, each valid one showing its normalised URL and detected platform."""
    for index, form in enumerate(links.forms):
        cleaned = getattr(form, "cleaned_data", None) or {}
        if not form.errors and cleaned.get("url"):
            data[f"{LINKS_PREFIX}-{index}-url"] = cleaned["url"]
            data[f"{LINKS_PREFIX}-{index}-platform"] = cleaned["platform"]
    redisplayed = LinkFormSet(data, prefix=LINKS_PREFIX)
    redisplayed.is_valid()
    return redisplayed


def _confirmation_redirect(token: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(status_url(token) + "?sent=1")


class SubmitView(View):
    """`/submit/`: suggest a creator. No account needed; nothing is public until approved."""

    template_name = "directory/submission_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"form_token": form_token_new()}
        if request.user.is_authenticated:
            initial["email"] = request.user.email
        form = SubmissionForm(initial=initial, user=request.user)
        return self._render(form, LinkFormSet(prefix=LINKS_PREFIX), show_errors=False)

    def post(self, request: HttpRequest) -> HttpResponse:
        if SubmissionForm(request.POST).is_bot():
            # Same answer as a real submission, pointing at a status page that does not exist.
            return _confirmation_redirect(signing.dumps(str(uuid.uuid4()), salt=STATUS_SALT))
        earlier = Submission.objects.filter(form_token=request.POST.get("form_token", "")).first()
        if earlier is not None:  # a double click or a resend: the first one's answer
            return _confirmation_redirect(status_token(earlier))
        data = request.POST.copy()
        action = next((a for a in ("add_link", "remove_link", "check_links") if a in data), "")
        if action == "add_link":
            data = _with_row_added(data)
        elif action == "remove_link":
            data = _with_row_removed(data, _small_int(data.get("remove_link"), -1))
        form = SubmissionForm(data, user=request.user)
        links = LinkFormSet(data, prefix=LINKS_PREFIX)
        links_ok = links.is_valid()
        if action:
            # Rows added, removed or checked: show them again without judging the rest yet.
            return self._render(form, _links_redisplayed(links, data), show_errors=False)
        if not (form.is_valid() and links_ok):
            return self._render(form, _links_redisplayed(links, data))
        token = form.cleaned_data["form_token"]
        if not form_token_valid(token):
            data["form_token"] = form_token_new()
            form = SubmissionForm(data, user=request.user)
            form.is_valid()
            form.add_error(
                None, "This form was open for a long time. Please check it and send it again."
            )
            return self._render(form, links)
        wait = throttle_wait(request, "submission")
        if wait:
            form.add_error(None, wait_message(wait))
            return self._render(form, links, status=429)
        try:
            submission = self._submit(request, form.cleaned_data, links)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self._render(form, _links_redisplayed(links, data))
        return _confirmation_redirect(status_token(submission))

    def _submit(self, request: HttpRequest, data: dict[str, Any], links: Any) -> Submission:
        user = request.user if request.user.is_authenticated else None
        return creator_submit(
            name=data["name"],
            bio=data["bio"],
            creator_type=data["creator_type"],
            topics=list(data["topics"]),
            language_codes=data["languages"],
            country=data["country"],
            content_notes=data["content_notes"],
            relationship=data["relationship"],
            why=data["why"],
            email=data["email"],
            user=user,
            links=links.submitted_links(),
            form_token=data["form_token"],
        )

    def _render(
        self, form: SubmissionForm, links: Any, *, show_errors: bool = True, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "links": links,
            "show_errors": show_errors,
            "can_add_link": links.total_form_count() < MAX_LINKS,
        }
        return render(self.request, self.template_name, context, status=status)


class SubmissionStatusView(View):
    """`/submit/status/<token>/`: the submitter's private page; no account needed."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        submission = submission_from_token(token)
        if submission is None:
            raise Http404("No submission")
        response = render(
            request,
            "directory/submission_status.html",
            {
                "submission": submission,
                "creator": submission.creator,
                "links": submission.creator.links.all(),
                "just_sent": request.GET.get("sent") == "1",
                "status_url": status_url(token, absolute=True),
            },
        )
        # Private: never cached by a shared cache, never indexed.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response


def about_context(**overrides: Any) -> dict[str, Any]:
    contact = settings.CONTACT_URL
    return {
        # CONTACT_URL defaults to this page; linking a page to itself helps no one.
        "contact_url": "" if contact.rstrip("/").endswith("/about") else contact,
        "contact_email": settings.CONTACT_EMAIL,
        "site_operator": settings.SITE_OPERATOR,
        "contact_form": ContactForm(),
        "removal_form": RemovalRequestForm(),
        **overrides,
    }


def message_received(
    request: HttpRequest, form: Any, *, scope: str, store: Any, done: HttpResponse
) -> int | HttpResponse:
    """The shared POST steps of the contact and removal forms: the honeypot (dropped, same
    answer), validation, the rate limit, then `store(cleaned_data)`. Returns `done`, or the
    status to re-render the form with (its errors are on it)."""
    if form.is_bot():
        return done
    if not form.is_valid():
        return 200
    wait = throttle_wait(request, scope)
    if wait:
        form.add_error(None, wait_message(wait))
        return 429
    store(form.cleaned_data)
    return done


class ContactView(View):
    """POST `/about/contact/`: the contact form on /about/."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ContactForm(request.POST)
        outcome = message_received(
            request,
            form,
            scope="contact",
            store=lambda data: contact_message_create(
                name=data["name"], email=data["email"], message=data["message"]
            ),
            done=HttpResponseRedirect(reverse("directory:about") + "?sent=contact#contact"),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        context = about_context(contact_form=form)
        return render(request, "pages/about.html", context, status=outcome)


class RemovalRequestView(View):
    """`/removal/` (from /about/) and `/creators/<slug>/removal/` (from a profile)."""

    template_name = "directory/removal_request_form.html"

    def _creator(self, slug: str | None) -> Creator | None:
        if slug is None:
            return None
        return get_object_or_404(Creator.objects.listed(), slug=slug)

    def get(self, request: HttpRequest, slug: str | None = None) -> HttpResponse:
        creator = self._creator(slug)
        if request.GET.get("sent") == "1":
            return render(request, "directory/removal_request_sent.html", {"creator": creator})
        form = RemovalRequestForm(creator=creator)
        return render(request, self.template_name, {"form": form, "creator": creator})

    def post(self, request: HttpRequest, slug: str | None = None) -> HttpResponse:
        creator = self._creator(slug)
        form = RemovalRequestForm(request.POST, creator=creator)
        outcome = message_received(
            request,
            form,
            scope="removal",
            store=lambda data: removal_request_create(
                creator=creator,
                profile_url=data.get("profile_url", ""),
                email=data["email"],
                is_owner=data["is_owner"],
                message=data["message"],
            ),
            done=HttpResponseRedirect(request.path + "?sent=1"),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        context = {"form": form, "creator": creator}
        return render(request, self.template_name, context, status=outcome)
