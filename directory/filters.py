"""The creator filters, shared by the HTML list (`/`) and the JSON API (`/api/creators/`).

Query parameters are a contract: q, platform, topic, creator_type, language, country,
min_followers, max_followers, min_score, active_within_days, emerging, ordering.
Invalid values make the form invalid; the HTML view shows the messages and the API answers 400.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.filterset import FilterSetMetaclass

from .models import Creator, CreatorType, Language, Platform, PlatformLink, Topic
from .params import DecimalFilter, IntegerFilter, YesNoFilter
from .search import creators_matching

EMERGING_MAX_FOLLOWERS = 5000
# The largest follower count a filter accepts: twelve digits, more than any account has.
MAX_FOLLOWERS = 999_999_999_999

# ordering value -> ORDER BY; every one ends in a unique key so pages never overlap.
ORDERINGS: dict[str, tuple] = {
    "interactivity": (F("interactivity_score").desc(nulls_last=True), "name", "pk"),
    "followers": (F("followers_total").desc(nulls_last=True), "name", "pk"),
    "recent": (F("last_active_at").desc(nulls_last=True), "name", "pk"),
    "newest": ("-created_at", "-pk"),
    "name": ("name", "pk"),
}
ORDERING_CHOICES = [
    ("interactivity", _("Interactivity")),
    ("followers", _("Followers")),
    ("recent", _("Recently active")),
    ("newest", _("Newest in the directory")),
    ("name", _("Name")),
]
DEFAULT_ORDERING = "interactivity"
_CASE_FOLDED = {"country": str.upper, "language": str.lower}


class SharedChoicesField(django_filters.fields.ChoiceField):
    """A choice field whose copies share its list of choices (Django's ChoiceField deep-copies the
    list, lazy translated labels and all, for every form). Choices are only ever replaced, never
    changed in place, so sharing them is safe."""

    def __deepcopy__(self, memo: dict) -> SharedChoicesField:
        return forms.Field.__deepcopy__(self, memo)  # copy.copy keeps the same _choices


class SharedChoiceFilter(django_filters.ChoiceFilter):
    field_class = SharedChoicesField


def _filter_copy(filt: django_filters.Filter) -> django_filters.Filter:
    clone = copy.copy(filt)
    clone.extra = dict(filt.extra)  # its own settings: views change the widget per request
    clone.__dict__.pop("_field", None)
    clone.method = filt.method  # a FilterMethod bound to the copy, not to the original
    return clone


class FilterTable(dict):
    """A FilterSet's `base_filters`, which django-filter deep-copies for every FilterSet: copied
    filter by filter instead, each copy with its own settings and method binding, sharing the
    choice lists and querysets, which nothing changes in place. The deep copy (translated labels,
    the topic and language querysets) was about a tenth of a list page's time."""

    def __deepcopy__(self, memo: dict) -> dict[str, django_filters.Filter]:
        return {name: _filter_copy(filt) for name, filt in self.items()}


class CreatorFilterSetMetaclass(FilterSetMetaclass):
    def __new__(mcs, name: str, bases: tuple, attrs: dict) -> type:  # noqa: N804
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_filters = FilterTable(new_class.base_filters)
        return new_class


class CreatorFilterForm(forms.Form):
    """Checks that need two fields at once."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_followers"), data.get("max_followers")
        if low is not None and high is not None and low > high:
            # Said, not silently answered with nothing: no creator can match this.
            self.add_error(
                "max_followers",
                forms.ValidationError(
                    _(
                        "The most followers (%(high)s) is below the fewest (%(low)s), so no one "
                        "can match: swap them or clear one."
                    ),
                    code="min_above_max",
                    params={"high": f"{high:,.0f}", "low": f"{low:,.0f}"},
                ),
            )
        return data


class CreatorFilter(django_filters.FilterSet, metaclass=CreatorFilterSetMetaclass):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        help_text=_("Name, bio, topic, country or platform"),
    )
    platform = SharedChoiceFilter(
        label=_("Platform"),
        choices=Platform.choices,
        method="filter_platform",
        empty_label=_("Any platform"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        error_messages={"invalid_choice": _("Unknown topic: choose one from the list.")},
    )
    creator_type = SharedChoiceFilter(
        label=_("Creator type"), choices=CreatorType.choices, empty_label=_("Any type")
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        field_name="languages",
        to_field_name="code",
        queryset=Language.objects.all(),
        error_messages={"invalid_choice": _("Unknown language code.")},
    )
    country = SharedChoiceFilter(
        label=_("Country"), choices=lambda: list(countries), empty_label=_("Any country")
    )
    min_followers = IntegerFilter(
        label=_("At least this many followers"),
        field_name="followers_total",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_FOLLOWERS,
    )
    max_followers = IntegerFilter(
        label=_("At most this many followers"),
        field_name="followers_total",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_FOLLOWERS,
    )
    min_score = DecimalFilter(
        label=_("Minimum interactivity score"),
        field_name="interactivity_score",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
    )
    active_within_days = IntegerFilter(
        label=_("Active within (days)"),
        method="filter_active_within",
        min_value=1,
        max_value=3650,
    )
    emerging = YesNoFilter(
        label=_("Emerging voices (under 5,000 followers)"),
        method="filter_emerging",
    )
    ordering = SharedChoiceFilter(
        label=_("Sort by"),
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        empty_label=None,
    )

    class Meta:
        model = Creator
        fields: list[str] = []
        form = CreatorFilterForm

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Codes are case-insensitive to people (`gb`, `EN`), as they are in the import format;
        # stored country codes are upper case and language codes lower case.
        if data is not None and any(data.get(key) for key in _CASE_FOLDED):
            data = data.copy()
            for key, fold in _CASE_FOLDED.items():
                if data.get(key):
                    data[key] = fold(data[key].strip())
        super().__init__(data, *args, **kwargs)
        for filt in self.filters.values():
            # A filter builds its form field once and caches it (`_field`). drf-spectacular reads
            # `.field` on the class-level filters while generating /api/schema/; the cached field
            # was then deep-copied into every later FilterSet, so the HTML form's labels and
            # per-request choices were ignored for the rest of the process. Each instance builds
            # its own fields from its own filters.
            filt.__dict__.pop("_field", None)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must match something the card shows: name, bio, a topic, the country's
        name or a platform's name (directory.search)."""
        return creators_matching(queryset, value)

    def filter_platform(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        links = PlatformLink.objects.public().filter(creator=OuterRef("pk"), platform=value)
        return queryset.filter(Exists(links))

    def filter_active_within(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # To the minute: the same filter then has the same SQL for a minute, so its count is
        # cached (directory/pagination.py) instead of recounted on every request.
        since = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=int(value))
        return queryset.filter(last_active_at__gte=since)

    def filter_emerging(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(followers_total__lt=EMERGING_MAX_FOLLOWERS)

    def filter_ordering(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Applied in .qs below so that a missing value still gets the default order.
        return queryset

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        ordering = DEFAULT_ORDERING
        if self.is_bound and self.form.is_valid():
            ordering = self.form.cleaned_data.get("ordering") or DEFAULT_ORDERING
        return queryset.order_by(*ORDERINGS[ordering])
