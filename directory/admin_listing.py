"""Admin pages whose edits change what the public list shows."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .services.listing_cache import listing_changed_on_commit


class ListingChangedAdmin(admin.ModelAdmin):
    """A moderator's edit here can change what list cards show: cached pages are dropped."""

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        listing_changed_on_commit()

    def delete_model(self, request: HttpRequest, obj) -> None:
        super().delete_model(request, obj)
        listing_changed_on_commit()

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        super().delete_queryset(request, queryset)
        listing_changed_on_commit()
