"""The public browse pages: the ranked list, Emerging voices, creator profiles and static pages.

Views stay thin: reads go through `Creator.objects.listed()` so that pending, rejected, hidden and
removed creators can never appear, and every filter comes from `CreatorFilter`, the same class
the JSON API uses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django_filters
import markdown
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .filters import EMERGING_MAX_FOLLOWERS, CreatorFilter
from .models import Creator, Language, Topic
from .scoring.explain import breakdown_for_display

# How many days of score history the profile chart shows.
HISTORY_POINTS = 180
EMPTY_LABELS = {
    "platform": _("Any platform"),
    "topic": _("Any topic"),
    "creator_type": _("Any type"),
    "language": _("Any language"),
    "country": _("Any country"),
}


class CreatorPageFilter(CreatorFilter):
    """CreatorFilter for the HTML form, with the same parameters and meaning.

    The API's ModelChoiceFilters run one query to render their options and another to validate a
    submitted value; for a rendered form that is four queries for topic and language alone. Here
    the options are loaded once per request and validated against that list in memory, which
    keeps the list page within its query budget.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["topic"] = _slug_choice_filter(
            label=CreatorFilter.base_filters["topic"].label,
            choices=list(Topic.objects.values_list("slug", "name")),
            lookup="topics__slug",
            message=_("Unknown topic: choose one from the list."),
        )
        self.filters["language"] = _slug_choice_filter(
            label=CreatorFilter.base_filters["language"].label,
            choices=list(Language.objects.values_list("code", "name")),
            lookup="languages__code",
            message=_("Unknown language code."),
        )
        for name, filt in self.filters.items():
            filt.parent = self
            if name in EMPTY_LABELS:
                filt.extra["empty_label"] = EMPTY_LABELS[name]
        # Built after the filters above are final. Labels render without Django's trailing colon.
        self.form.label_suffix = ""


def _slug_choice_filter(
    *, label: Any, choices: list, lookup: str, message: Any
) -> django_filters.ChoiceFilter:
    # Replacing the entry in self.filters keeps the declared order, hence the form's field order.
    return django_filters.ChoiceFilter(
        label=label,
        choices=choices,
        field_name=lookup,
        error_messages={"invalid_choice": message},
    )


class CreatorListView(FilterView):
    """`/` and `/emerging/`: approved creators ranked by interactivity, 24 a page."""

    filterset_class = CreatorPageFilter
    template_name = "directory/creator_list.html"
    context_object_name = "creators"
    paginate_by = 24
    emerging = False

    def get_queryset(self) -> QuerySet[Creator]:
        return Creator.objects.listed().with_listing_data()

    def get_filterset_kwargs(self, filterset_class: type) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.emerging:
            data = self.request.GET.copy()
            data["emerging"] = "on"
            kwargs["data"] = data
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        errors = [] if valid else self._filter_errors()
        self.page_number = self._requested_page()
        if self.page_number is None:
            errors.append(
                {
                    "name": "page",
                    "label": _("Page"),
                    "messages": [_("Page numbers are whole numbers, like page=2.")],
                    "anchor": "",
                }
            )
        # An invalid value is reported, not ignored: showing unfiltered results under a filter
        # the visitor believes is applied would mislead them.
        self.object_list = self.filterset.queryset.none() if errors else self.filterset.qs
        context = self.get_context_data(
            filter=self.filterset, object_list=self.object_list, filter_errors=errors
        )
        return self.render_to_response(context, status=400 if errors else 200)

    def _requested_page(self) -> int | None:
        """The page asked for, 1 when none is; None when `page` is not a whole number."""
        raw = (self.request.GET.get(self.page_kwarg) or "1").strip()
        try:
            return int(raw)
        except ValueError:  # also a number too long to convert
            return None

    def _filter_errors(self) -> list[dict[str, Any]]:
        form = self.filterset.form
        errors = []
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            errors.append(
                {
                    "name": name,
                    "label": field.label if field else _("Filters"),
                    "messages": list(messages),
                    "anchor": f"id_{name}" if field else "",
                }
            )
        return errors

    def paginate_queryset(
        self, queryset: QuerySet[Creator], page_size: int
    ) -> tuple[Paginator, Page, list[Creator], bool]:
        """Past the last page shows the last page, below 1 the first. A page that is not a number
        was reported by get() with the other invalid values."""
        paginator = self.get_paginator(queryset, page_size)
        number = self.page_number or 1
        page = paginator.page(min(max(number, 1), paginator.num_pages))
        creators = list(page.object_list)
        return paginator, page, creators, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = self.filterset.data or {}
        context.update(
            is_emerging_view=self.emerging,
            emerging_max_followers=EMERGING_MAX_FOLLOWERS,
            show_demo_banner=any(c.is_demo for c in context["object_list"]),
            filters_applied=any(
                data.get(name) for name in self.filterset.filters if name != "ordering"
            )
            and not self.emerging,
            result_count=context["paginator"].count if context.get("paginator") else 0,
        )
        return context


class CreatorDetailView(DetailView):
    """`/creators/<slug>/`: one approved creator, their links' latest stats and their score."""

    template_name = "directory/creator_detail.html"
    context_object_name = "creator"

    def get_queryset(self) -> QuerySet[Creator]:
        return Creator.objects.listed().with_listing_data()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        creator: Creator = self.object
        history = list(creator.score_history.order_by("-date")[:HISTORY_POINTS])
        history.reverse()
        breakdown = breakdown_for_display(creator.score_breakdown)
        for link in creator.public_links:
            link.score_info = breakdown["links"].get(link.pk)
        context.update(
            breakdown=breakdown,
            history=history,
            show_demo_banner=creator.is_demo,
        )
        return context


class HelpView(TemplateView):
    template_name = "pages/help.html"


class AboutView(TemplateView):
    template_name = "pages/about.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contact = settings.CONTACT_URL
        # CONTACT_URL defaults to this page; linking a page to itself helps no one.
        context["contact_url"] = "" if contact.rstrip("/").endswith("/about") else contact
        return context


SCORING_DOC = Path(settings.BASE_DIR) / "docs" / "scoring.md"


@dataclass(frozen=True)
class RenderedDocument:
    title: str
    html: SafeString


@functools.lru_cache(maxsize=4)
def _render_markdown(path: Path, mtime: float) -> RenderedDocument:
    # The file is part of the repository (trusted), so its HTML is rendered as written.
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    title = ""
    if first.startswith("# "):
        # The document's title becomes the page's single <h1>.
        title, text = first[2:].strip(), rest
    options: dict[str, Any] = {
        "extensions": ["tables", "fenced_code", "sane_lists", "toc"],
        "output_format": "html",
    }
    html = markdown.markdown(text, **options)
    if "<h1" in html:
        # Another top-level heading: demote them all so the page keeps one <h1>.
        html = markdown.markdown(text, extension_configs={"toc": {"baselevel": 2}}, **options)
    return RenderedDocument(title=title, html=mark_safe(html))  # noqa: S308 - trusted document


def scoring_method_html(path: Path = SCORING_DOC) -> RenderedDocument | None:
    """docs/scoring.md rendered, re-rendered only when the file changes; None if it is missing."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return _render_markdown(path, mtime)


class ScoringMethodView(TemplateView):
    template_name = "pages/scoring.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["document"] = scoring_method_html()
        return context
