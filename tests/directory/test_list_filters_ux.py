"""Filters that lead somewhere (issue #12 items 1 and 6): chips, empty-state suggestions,
countries with counts, min above max explained, search over country and platform names, and
shareable URLs without empty parameters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.models import Platform
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("directory:creator_list")


def slugs(response) -> list[str]:
    return [c.slug for c in response.context["creators"]]


def test_empty_parameters_redirect_to_a_url_with_only_what_is_set(client):
    response = client.get(LIST_URL + "?q=isla&platform=&topic=&country=&page=2")
    assert response.status_code == 302
    assert response["Location"] == "/?q=isla&page=2"


def test_emerging_page_keeps_its_path_when_empty_parameters_are_dropped(client):
    response = client.get(reverse("directory:emerging") + "?q=&min_followers=")
    assert response["Location"] == "/emerging/"


def test_country_options_are_only_countries_with_listed_creators_with_counts(client):
    CreatorFactory(country="GB")
    CreatorFactory(country="GB")
    CreatorFactory(country="NZ")
    CreatorFactory(country="FR", status="pending")
    options = dict(client.get(LIST_URL).context["filter"].form.fields["country"].choices)
    assert options == {"": "Any country", "NZ": "New Zealand (1)", "GB": "United Kingdom (2)"}


def test_country_choices_stay_current_after_the_api_schema_was_generated(client):
    client.get("/api/schema/")
    CreatorFactory(country="IE")
    html = client.get(LIST_URL).content.decode()
    assert "Ireland (1)" in html
    assert "Zimbabwe" not in html


def test_minimum_above_maximum_followers_is_explained(client):
    CreatorFactory(followers_total=500)
    response = client.get(LIST_URL, {"min_followers": "1000", "max_followers": "10"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The most followers (10) is below the fewest (1,000)" in html


def test_active_filters_are_chips_that_remove_themselves(client):
    CreatorFactory(country="GB", creator_type="professional")
    response = client.get(LIST_URL, {"country": "GB", "creator_type": "professional"})
    html = response.content.decode()
    assert 'aria-label="Active filters"' in html
    assert 'href="/?creator_type=professional#results"' in html
    assert "Country: United Kingdom (1)" in html
    assert 'href="/?country=GB#results"' in html


def test_empty_result_names_the_filter_to_drop_with_its_count(client):
    for _ in range(3):
        CreatorFactory(country="GB", creator_type="lived_experience")
    CreatorFactory(country="NZ", creator_type="professional")
    response = client.get(LIST_URL, {"country": "GB", "creator_type": "professional"})
    assert slugs(response) == []
    html = response.content.decode()
    assert "No creators match all of these filters." in html
    assert "Remove “Creator type: Licensed professional”</a> — 3 creators" in html
    assert "Remove “Country: United Kingdom (3)”</a> — 1 creator" in html
    # The most helpful suggestion comes first.
    assert html.index("— 3 creators") < html.index("— 1 creator<")


def test_the_counts_behind_the_suggestions_are_kept_until_the_listing_changes(
    client, settings, own_cache, django_assert_max_num_queries
):
    from directory.services.listing_cache import listing_changed

    settings.LISTING_CACHE_SECONDS = 300
    for _ in range(3):
        CreatorFactory(country="GB", creator_type="lived_experience")
    CreatorFactory(country="NZ", creator_type="professional")
    params = {"country": "GB", "creator_type": "professional"}
    client.get(LIST_URL, params)
    CreatorFactory(country="NZ", creator_type="professional")  # not announced: still cached
    with django_assert_max_num_queries(1):  # the page query: every count is cached
        response = client.get(LIST_URL, {**params, "ordering": "name"})  # another page: a miss
    assert "Remove “Country: United Kingdom (3)”</a> — 1 creator" in response.content.decode()
    listing_changed()
    response = client.get(LIST_URL, {**params, "ordering": "name"})
    assert "Remove “Country: United Kingdom (3)”</a> — 2 creators" in response.content.decode()


def test_search_matches_country_and_platform_names(client):
    CreatorFactory(slug="kiwi", country="NZ", bio="")
    youtuber = CreatorFactory(slug="tuber", bio="")
    PlatformLinkFactory(creator=youtuber, platform=Platform.YOUTUBE)
    CreatorFactory(slug="other", bio="")
    assert slugs(client.get(LIST_URL, {"q": "zealand"})) == ["kiwi"]
    assert slugs(client.get(LIST_URL, {"q": "youtube"})) == ["tuber"]


def test_filter_form_and_pagination_land_on_the_results(client):
    for i in range(30):
        CreatorFactory(slug=f"c-{i:02d}")
    html = client.get(LIST_URL).content.decode()
    assert 'action="/#results"' in html
    assert '<details class="filter-panel" id="filters">' in html
    assert 'id="results"' in html
    assert "page=2#results" in html


def test_filter_panel_opens_by_itself_when_a_value_needs_changing(client):
    html = client.get(LIST_URL, {"min_score": "lots"}).content.decode()
    assert '<details class="filter-panel" id="filters" open>' in html


def test_htmx_requests_get_the_results_and_the_short_url_to_show(client):
    CreatorFactory(country="GB")
    response = client.get(
        LIST_URL + "?q=&country=GB&ordering=interactivity&platform=", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/?country=GB"
    assert "HX-Request" in response["Vary"]


def test_the_default_order_is_left_out_of_a_short_url(client):
    response = client.get(LIST_URL + "?q=&ordering=interactivity&topic=grief")
    assert response["Location"] == "/?topic=grief"


def test_the_list_loads_htmx_from_our_own_static_files_without_inline_styles(client):
    html = client.get(LIST_URL).content.decode()
    assert '<script src="/static/js/vendor/htmx-2.0.11.min.js" defer></script>' in html
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": 'a "quoted" <b>', "min_followers": "10", "emerging": "on", "country": "GB"},
        {"min_score": "abc", "active_within_days": "-3", "emerging": "null"},
    ],
)
def test_the_form_rendered_in_python_is_what_django_templates_render(data):
    from django.forms.renderers import DjangoTemplates

    from directory.filters_page import QUICK_RENDERER, CreatorPageFilter
    from directory.models import Creator

    def rendered(renderer) -> list[str]:
        form = CreatorPageFilter(data, queryset=Creator.objects.listed()).form
        form.renderer = renderer
        form.is_valid()
        return [f"{field.label_tag()}|{field}" for field in form]

    assert type(CreatorPageFilter({}, queryset=Creator.objects.none()).form.renderer) is type(
        QUICK_RENDERER
    )
    assert rendered(QUICK_RENDERER) == rendered(DjangoTemplates())


def test_a_quick_select_escapes_its_options_and_marks_the_chosen_one():
    from directory.filters_page import QuickSelect

    widget = QuickSelect(choices=[("", "Any"), ("a&b", 'Tom & "Jerry" <3>'), ("c", "C")])
    html = widget.render("pick", "a&b", attrs={"id": "id_pick"})
    assert html == (
        '<select id="id_pick" name="pick">\n'
        '<option value="">Any</option>\n'
        '<option value="a&amp;b" selected>Tom &amp; &quot;Jerry&quot; &lt;3&gt;</option>\n'
        '<option value="c">C</option>\n</select>'
    )
    assert '<option value="c" selected>C</option>' in widget.render("pick", "c")
