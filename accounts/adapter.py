"""How django-allauth fits this site.

- The visitor's address for allauth's rate limits comes from our one rule,
  `directory.services.throttle.client_address` (trusting only as many proxy hops as we run),
  instead of a second proxy setting that could drift.
- allauth's emails (confirm your address, reset your password) leave through the site's one mail
  path, `email_send`: rendered in the request, delivered after the transaction commits (by the
  worker once `directory.services.notify` is merged), so a slow mail server never holds a page.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.template.loader import render_to_string

from directory.services.notify import email_send
from directory.services.throttle import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_address(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = self.request or allauth_context.request
        ctx = {"email": email, "current_site": get_current_site(request), **context}
        subject = render_to_string(f"{template_prefix}_subject.txt", ctx, request)
        subject = self.format_email_subject(" ".join(subject.split()))
        body = render_to_string(f"{template_prefix}_message.txt", ctx, request).strip()
        email_send(
            to=[email],
            subject_template="accounts/email/allauth_subject.txt",
            text_template="accounts/email/allauth_message.txt",
            html_template="accounts/email/allauth_message.html",
            context={"subject": subject, "body": body},
        )
