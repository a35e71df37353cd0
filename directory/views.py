"""The public browse pages: the ranked list, Emerging voices, creator profiles and static pages.

Views stay thin: reads go through `Creator.objects.listed()` so that pending, rejected, hidden and
removed creators can never appear, and every filter comes from `CreatorFilter`, the same class
the JSON API uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import filters_page
from .filters import EMERGING_MAX_FOLLOWERS
from .filters_page import CreatorPageFilter
from .models import Creator
from .models_avatars import CreatorAvatar
from .page_cache import CardCache
from .pagination import ListingPaginator
from .params import parse_request_int
from .scoring.explain import breakdown_for_display
from .services.listing_cache import listing_cache_on, listing_local
from .services.removal import slug_is_tombstoned
from .services.throttle import client_address, throttle_hit
from .views_submit import about_context

ViewFunc = Callable[..., HttpResponse]

# How many days of score history the profile chart shows.
HISTORY_POINTS = 180


class CreatorListView(FilterView):
    """`/` and `/emerging/`: approved creators ranked by interactivity, 24 a page."""

    filterset_class = CreatorPageFilter
    template_name = "directory/creator_list.html"
    context_object_name = "creators"
    paginate_by = 24
    paginator_class = ListingPaginator
    emerging = False

    def get_queryset(self) -> QuerySet[Creator]:
        # What a card shows is loaded in paginate_queryset, for the cards not cached.
        return Creator.objects.listed()

    def get_filterset_kwargs(self, filterset_class: type) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.emerging:
            data = self.request.GET.copy()
            data["emerging"] = "on"
            kwargs["data"] = data
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Anonymous visitors share cached copies until the listing changes: served by
        # directory.page_cache.ListPageCacheMiddleware.
        short_url = request.path
        if query := filters_page.query_without(request.GET, keep_page=True):
            short_url += f"?{query}"
        if request.headers.get("HX-Request"):
            # htmx sends every field; it shows the results in place and records the short URL.
            response = self._render_list()
            response["HX-Push-Url"] = short_url
            patch_vary_headers(response, ["HX-Request"])
            return response
        if filters_page.has_empty_parameters(request.GET):
            # A shareable address carries only what is set (`?q=isla`, not `?q=isla&platform=&…`).
            # The browser keeps the form's `#results` fragment across this redirect.
            return HttpResponseRedirect(short_url)
        response = self._render_list()
        patch_vary_headers(response, ["HX-Request"])  # a cache must not mix the two answers
        return response

    def _render_list(self) -> HttpResponse:
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
        raw = self.request.GET.get(self.page_kwarg) or "1"
        try:
            # Signed: below 1 shows the first page, as past the end shows the last.
            return parse_request_int(raw, signed=True)
        except ValidationError:
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
        # With cards cached, the page query reads only which creators (a card's row holds its
        # score breakdown and bio: decoding 24 of them was a tenth of a page); the rows of the
        # cards not cached are read after, by key. Without the cache, one query reads them all.
        light = listing_cache_on()
        queryset = queryset.only("pk", "is_demo") if light else with_avatar_flag(queryset)
        paginator = self.get_paginator(queryset, page_size)
        number = self.page_number or 1
        page = paginator.page(min(max(number, 1), paginator.num_pages))
        creators = list(page.object_list)
        self.card_cache = CardCache(creators)
        rows = with_avatar_flag(Creator.objects.all()) if light else None
        full = {c.pk: c for c in self.card_cache.missing_rows(creators, rows=rows)}
        creators = [full.get(c.pk, c) for c in creators]
        return paginator, page, creators, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        fixed = {"emerging"} if self.emerging else set()
        chips = filters_page.active_filters(self.filterset, fixed=fixed)
        result_count = context["paginator"].count if context.get("paginator") else 0
        if chips and not result_count and not kwargs.get("filter_errors"):
            chips = filters_page.with_counts_without(
                chips,
                data=self.request.GET,
                queryset=self.get_queryset(),
                extra={"emerging": "on"} if self.emerging else {},
            )
        context.update(
            is_emerging_view=self.emerging,
            emerging_max_followers=EMERGING_MAX_FOLLOWERS,
            show_demo_banner=any(c.is_demo for c in context["object_list"]),
            active_filters=chips,
            # A valid topic filter also offers that topic's feed in the page's <head>.
            topic_feed=self.filterset.form.cleaned_data["topic"]
            if any(c.name == "topic" for c in chips)
            else "",
            filters_applied=bool(chips),
            result_count=result_count,
            card_cache=self.card_cache,
        )
        context["filter_form_html"] = self._filter_form_html(context)
        return context

    def _filter_form_html(self, context: dict[str, Any]) -> str:
        """The filter form, rendered once per filter set (sort included) and listing version in
        each process: the same on every page of it, and about a fifth of a page's time. It shows
        only the submitted values, the menus (which change with the listing) and the path. A
        form with errors is rendered each time."""
        names = ("filter", "filter_errors", "active_filters", "is_emerging_view")
        fragment = {name: context[name] for name in names}

        def render() -> str:
            return render_to_string("partials/filter_form.html", fragment, request=self.request)

        if context["filter_errors"]:
            return render()
        data = self.filterset.data
        submitted = sorted((name, tuple(data.getlist(name))) for name in self.filterset.form.fields)
        return listing_local(
            "filter-form", self.request.path, get_language() or "", repr(submitted), compute=render
        )


class CreatorDetailView(DetailView):
    """`/creators/<slug>/`: one approved creator, their links' latest stats and their score."""

    template_name = "directory/creator_detail.html"
    context_object_name = "creator"

    def get_queryset(self) -> QuerySet[Creator]:
        return with_avatar_flag(Creator.objects.listed().with_listing_data())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Removed at the creator's request: say it is gone for good, not "never existed".
            if slug_is_tombstoned(self.kwargs["slug"]):
                return render(request, "directory/creator_gone.html", status=410)
            # A duplicate merged by a moderator: its old address leads to the creator it joined.
            survivor = Creator.objects.listed().filter(merged_from__slug=kwargs.get("slug")).first()
            if survivor is None:
                raise
            return HttpResponsePermanentRedirect(survivor.get_absolute_url())

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


def with_avatar_flag(queryset: QuerySet[Creator]) -> QuerySet[Creator]:
    """`has_avatar` on each creator, without loading the pictures themselves."""
    return queryset.annotate(
        has_avatar=Exists(CreatorAvatar.objects.filter(creator=OuterRef("pk")))
    )


def per_visitor_limit(scope: str, setting: str) -> Callable[[ViewFunc], ViewFunc]:
    """Answer 429 with Retry-After once one address asks for more than `settings.<setting>`.

    The images are drawn or read from the database on every cache miss; a crawler (or anyone)
    asking for thousands of them must not take the site's workers away from its visitors.
    Counted in the shared cache by `services.throttle`, which lets requests through when the
    cache is down.
    """

    def decorate(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            wait = throttle_hit(
                scope=scope, key=client_address(request), rate=getattr(settings, setting)
            )
            if wait is None:
                return view(request, *args, **kwargs)
            seconds = math.ceil(wait)
            response = HttpResponse(
                _("Too many image requests from your address. Please try again in %(n)d seconds.")
                % {"n": seconds},
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(seconds)
            response["Cache-Control"] = "no-store"
            return response

        return limited

    return decorate


@per_visitor_limit("avatar", "AVATAR_RATE_LIMIT")
@cache_control(max_age=86400, public=True)
def creator_avatar(request: HttpRequest, slug: str) -> HttpResponse:
    """`/creators/<slug>/avatar.png`: the stored picture, served from our own origin."""
    avatar = get_object_or_404(
        CreatorAvatar.objects.filter(creator__in=Creator.objects.listed()), creator__slug=slug
    )
    return HttpResponse(bytes(avatar.image), content_type="image/png")


@per_visitor_limit("share-card", "SHARE_CARD_RATE_LIMIT")
@cache_control(max_age=86400, public=True)
def creator_share_card(request: HttpRequest, slug: str) -> HttpResponse:
    """`/creators/<slug>/card.png`: the profile's og:image, drawn by us (directory.share_cards)."""
    from .share_cards import share_card_png

    creator = get_object_or_404(Creator.objects.listed(), slug=slug)
    return HttpResponse(share_card_png(creator), content_type="image/png")


# When the crisis page's numbers were last checked against each service's published details.
# Whoever re-checks them updates this date; the page shows it.
HELPLINES_CHECKED_ON = dt.date(2026, 12, 1)


class HelpView(TemplateView):
    """The crisis page must answer while the database, cache or broker is down: it is rendered
    as a signed-out visitor, so that nothing on it loads a session or a user."""

    template_name = "pages/help.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.user = AnonymousUser()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["helplines_checked"] = HELPLINES_CHECKED_ON
        return context


class AboutView(TemplateView):
    """`/about/`: who runs the directory, the contact form and how to ask for removal."""

    template_name = "pages/about.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(about_context(contact_sent=self.request.GET.get("sent") == "contact"))
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


class RankingView(TemplateView):
    """`/about/scoring/`: how ranking works, for visitors; the full method is one link deeper."""

    template_name = "pages/ranking.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from directory.scoring.score import MAX_REACH_WEIGHT, merge_weights

        context = super().get_context_data(**kwargs)
        weights = merge_weights(settings.SCORING_WEIGHTS)
        context.update(
            window_days=settings.SCORING_WINDOW_DAYS,
            reach_weight=weights["reach"],
            reach_max=MAX_REACH_WEIGHT,
            chart_points=list(
                Creator.objects.listed()
                .filter(followers_total__isnull=False, interactivity_score__isnull=False)
                .values_list("followers_total", "interactivity_score")
            ),
        )
        return context


class ScoringMethodView(TemplateView):
    template_name = "pages/scoring.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["document"] = scoring_method_html()
        return context
