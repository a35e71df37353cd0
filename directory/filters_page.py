"""The HTML list's view of `CreatorFilter`: same parameters and meaning, plus what a visitor needs
around the form: choices loaded once per request (countries only where someone is listed, with
counts), the active filters as removable chips, and, when nothing matches, which filter to drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import django_filters
from django import forms
from django.db.models import Count, QuerySet
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .filters import DEFAULT_ORDERING, CreatorFilter, SharedChoiceFilter
from .models import Creator, Language, Topic
from .pagination import listing_count
from .services.listing_cache import listing_cached

# Parameters that never narrow the result: a chip for them would remove nothing.
NOT_A_FILTER = {"ordering", "page"}


@dataclass(frozen=True)
class ActiveFilter:
    """One applied filter, shown as a chip whose link removes it."""

    name: str
    label: str
    value: str
    remove_query: str
    count_without: int | None = None


@lru_cache(maxsize=64)
def _escaped_options(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """Each choice as (key, escaped key, escaped label): the menus are the same on every request
    until the listing changes, so each is escaped once per process, not per option per page."""
    return tuple(
        (key, conditional_escape(key), conditional_escape(label)) for key, label in choices
    )


class QuickSelect(forms.Select):
    """A <select> rendered in Python: Django renders every <option> through a template, which
    was about a third of the list page's time (some hundred options on every request). Same
    markup as Django's widget; flat choices only, which is all this form has."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        escaped = _escaped_options(tuple((str(key), str(label)) for key, label in self.choices))
        options = mark_safe(  # noqa: S308 - every key and label escaped by _escaped_options
            "\n".join(
                f'<option value="{key}"{" selected" if raw in chosen else ""}>{label}</option>'
                for raw, key, label in escaped
            )
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(final), options)


class QuickRenderer(DjangoTemplates):
    """Renders this form's labels and <input>s in Python, with the markup of Django's own
    templates (`django/forms/label.html`, `widgets/input.html`): going through the template engine
    for each of the form's six inputs and twelve labels was ~4 ms of every list page. Anything else
    is rendered by the templates as usual. A test holds both renderings equal."""

    INPUTS = frozenset(
        f"django/forms/widgets/{name}.html" for name in ("input", "text", "number", "checkbox")
    )

    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        if template_name in self.INPUTS:
            widget = context["widget"]
            value = widget["value"]
            shown = format_html(' value="{}"', str(value)) if value is not None else ""
            attrs = _attributes(widget["attrs"])
            return format_html(
                '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, attrs
            )
        if template_name == "django/forms/label.html":
            if not context["use_tag"]:
                return conditional_escape(context["label"])
            tag = context["tag"]
            return format_html(
                "<{}{}>{}</{}>", tag, _attributes(context["attrs"] or {}), context["label"], tag
            )
        return super().render(template_name, context, request)


def _attributes(attrs: dict[str, Any]) -> str:
    """`django/forms/attrs.html` in Python: in order, True as a bare name, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, str(value)),
            )
            for name, value in attrs.items()
            if value is not False
        ),
    )


QUICK_RENDERER = QuickRenderer()


class CreatorPageFilter(CreatorFilter):
    """CreatorFilter for the HTML form, with the same parameters and meaning.

    The API's ModelChoiceFilters run one query to render their options and another to validate a
    submitted value; for a rendered form that is four queries for topic and language alone. Here
    the options are loaded once per request and validated against that list in memory, which
    keeps the list page within its query budget.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        selected_country = self.data.get("country") if self.data else None
        replacements = [
            ("topic", listing_cached("topics", compute=_topic_choices), "topics__slug",
             _("Unknown topic: choose one from the list."), _("Any topic")),
            ("language", listing_cached("languages", compute=_language_choices), "languages__code",
             _("Unknown language code."), _("Any language")),
            ("country", _country_choices(selected_country), "country",
             _("Unknown country code: choose one from the list."), _("Any country")),
        ]  # fmt: skip
        for name, choices, lookup, message, empty_label in replacements:
            # Replacing the entry in self.filters keeps the declared order (the form's order).
            self.filters[name] = SharedChoiceFilter(
                label=CreatorFilter.base_filters[name].label,
                choices=choices,
                field_name=lookup,
                error_messages={"invalid_choice": message},
                empty_label=empty_label,
            )
        for filt in self.filters.values():
            filt.parent = self
            if isinstance(filt, django_filters.ChoiceFilter):
                filt.extra["widget"] = QuickSelect
        # Built after the filters above are final. Labels render without Django's trailing colon.
        self.form.label_suffix = ""

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        form_class.default_renderer = QUICK_RENDERER
        return form_class


def _country_choices(selected: str | None) -> tuple[tuple[str, str], ...] | list[tuple[str, str]]:
    """Countries where at least one listed creator is, named with their count.

    A valid country nobody is listed in stays accepted when asked for (a shared link keeps
    working after its last creator leaves); it then shows "(0)".
    """
    # A count over every listed creator, named and sorted in the visitor's language: kept until
    # the listing changes, not built per request (~100 translated names sorted every time).
    menu = listing_cached("country-menu", get_language() or "", compute=_country_menu)
    selected = (selected or "").strip().upper()
    if not selected or selected not in countries or any(code == selected for code, _n in menu):
        return menu
    named = [*menu, (selected, f"{countries.name(selected)} (0)")]
    return sorted(named, key=lambda choice: choice[1])


# Menus are tuples: each process keeps its own copy (listing_cache.local_copies), shared by
# every request, so nothing may change one in place.
def _country_menu() -> tuple[tuple[str, str], ...]:
    counts = dict(_country_counts())
    named = sorted(((code, countries.name(code)) for code in counts), key=lambda c: c[1])
    return tuple((code, f"{name} ({counts[code]})") for code, name in named)


# Topics and languages change in the admin, which says the listing changed (ListingChangedAdmin).
def _topic_choices() -> tuple[tuple[str, str], ...]:
    return tuple(Topic.objects.values_list("slug", "name"))


def _language_choices() -> tuple[tuple[str, str], ...]:
    return tuple(Language.objects.values_list("code", "name"))


def _country_counts() -> list[tuple[str, int]]:
    return list(
        Creator.objects.listed()
        .exclude(country="")
        .values_list("country")
        .annotate(n=Count("pk"))
        .order_by()
    )


def query_without(data: QueryDict, *names: str, keep_page: bool = False) -> str:
    """The query string of `data` minus `names`, every empty parameter and (unless kept) `page`:
    a changed filter starts again at page 1."""
    kept = QueryDict(mutable=True)
    for key, values in data.lists():
        if key in names or (key == "page" and not keep_page):
            continue
        # Empty values, and the default order, say nothing: a short URL leaves them out.
        values = [v for v in values if v.strip() and (key, v) != ("ordering", DEFAULT_ORDERING)]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


def has_empty_parameters(data: QueryDict) -> bool:
    return any(not value.strip() for _key, values in data.lists() for value in values)


def active_filters(filterset: CreatorPageFilter, *, fixed: set[str]) -> list[ActiveFilter]:
    """The applied, valid filters in form order; `fixed` ones belong to the page (Emerging)."""
    form = filterset.form
    if not filterset.is_bound or not form.is_valid():
        return []
    chips = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in NOT_A_FILTER or name in fixed or value in (None, "", False):
            continue
        shown = str(dict(getattr(field, "choices", [])).get(str(value), value))
        if isinstance(value, bool):
            shown = str(_("yes"))
        elif hasattr(value, "normalize"):  # Decimal: 5000, not 5000.0
            shown = f"{value.normalize():f}"
        chips.append(
            ActiveFilter(
                name=name,
                label=str(field.label),
                value=shown,
                remove_query=query_without(filterset.data, name),
            )
        )
    return chips


def with_counts_without(
    chips: list[ActiveFilter], *, data: QueryDict, queryset: QuerySet[Creator], extra: dict
) -> list[ActiveFilter]:
    """Each chip with how many creators match once it alone is removed, most results first.

    Only computed when nothing matches, to tell the visitor which filter to drop.
    """
    counted = []
    for chip in chips:
        without = data.copy()
        without.pop(chip.name, None)
        without.update(extra)
        # Cached like the page's own count: each of these is a count over a broader filter set.
        count = listing_count(CreatorPageFilter(without, queryset=queryset).qs)
        counted.append(
            ActiveFilter(**{**chip.__dict__, "count_without": count})  # frozen: rebuild
        )
    return sorted(counted, key=lambda c: -(c.count_without or 0))
