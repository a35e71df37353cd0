"""Deployment checks of ours, run by `manage.py check --deploy` next to Django's own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Rate limits and the API throttle count in the cache: a per-process cache lets each web
    worker count alone, multiplying every limit by the number of workers."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "The cache is not shared between processes, so rate limits are counted per worker.",
                hint="Set REDIS_URL (docs/deployment.md).",
                id="directory.W001",
            )
        ]
    return []
