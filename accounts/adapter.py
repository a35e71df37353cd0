"""How django-allauth fits this site: the visitor's address comes from our one rule.

allauth's rate limits (sign-in, sign-up, password reset) key on the client's address. The site
already decides who a visitor is in `directory.services.throttle.client_address` (trusting only as
many proxy hops as we run), so allauth asks it too instead of keeping a second proxy setting.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from directory.services.throttle import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_address(request)
