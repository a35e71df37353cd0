"""Permissions-Policy header: Django has security settings for most headers but not this one.

settings.PERMISSIONS_POLICY maps a browser feature to the origins allowed to use it; an empty list
denies it everywhere (`camera=()`), "self" allows this site only. The header is set on every
response unless a view set its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Permissions-Policy"


def build_permissions_policy(policy: Mapping[str, Sequence[str]]) -> str:
    """Render {"camera": [], "fullscreen": ["self"]} as `camera=(), fullscreen=(self)`."""
    parts = []
    for feature, origins in policy.items():
        if isinstance(origins, str):
            raise TypeError(
                f"PERMISSIONS_POLICY[{feature!r}] must be a list of origins, not a string"
            )
        rendered = " ".join(o if o in {"self", "*"} else f'"{o}"' for o in origins)
        parts.append(f"{feature}=({rendered})")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header built once from settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = build_permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header and HEADER not in response:
            response[HEADER] = self.header
        return response
