"""Importing creators: what a valid file creates, idempotence, all-or-nothing, merging."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from directory.models import (
    Creator,
    CreatorStatus,
    FetchState,
    Language,
    PlatformLink,
    ScoreHistory,
    StatsSnapshot,
)
from directory.services.imports import (
    ImportValidationError,
    creators_export,
    creators_import,
    load_document,
)
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def doc(*creators: dict) -> dict:
    return {"format": "mhvoices/1", "creators": list(creators)}


def db_state() -> dict:
    """Everything an import can touch, to compare before and after."""
    return {
        "creators": list(Creator.objects.order_by("pk").values()),
        "topics": sorted(Creator.topics.through.objects.values_list("creator_id", "topic_id")),
        "languages": sorted(
            Creator.languages.through.objects.values_list("creator_id", "language_id")
        ),
        "links": list(PlatformLink.objects.order_by("pk").values()),
        "snapshots": list(StatsSnapshot.objects.order_by("pk").values()),
        "history": list(ScoreHistory.objects.order_by("pk").values()),
    }


# -- a valid file ----------------------------------------------------------------------------


def test_valid_file_creates_creators_links_and_snapshots():
    summary = creators_import(load("valid.json"))
    assert (summary.creators_created, summary.creators_updated, summary.creators_unchanged) == (
        3,
        0,
        0,
    )
    assert summary.links_created == 3
    assert summary.snapshots_created == 3

    rowan = Creator.objects.get(slug="rowan-example")
    assert rowan.status == CreatorStatus.APPROVED
    assert rowan.country.code == "GB"
    assert rowan.content_notes == "discusses panic attacks"
    assert sorted(t.slug for t in rowan.topics.all()) == ["anxiety", "general-wellbeing"]
    assert [lang.code for lang in rowan.languages.all()] == ["en"]
    assert Language.objects.get(code="en").name == "English"

    links = {link.platform: link for link in rowan.links.all()}
    assert set(links) == {"wordpress", "mastodon"}  # mastodon detected from the URL
    assert links["mastodon"].handle == "@rowan@mastodon.example"
    wordpress = links["wordpress"]
    assert wordpress.snapshots.count() == 2
    assert wordpress.latest_snapshot.captured_at == dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)
    first = wordpress.snapshots.get(captured_at=dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC))
    assert first.creator_replies_in_window == 48
    assert first.shares_in_window is None
    latest = wordpress.latest_snapshot
    assert latest.following is None  # left out of the file: unknown, not zero


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("stored_first", [False, True])
def test_a_new_links_latest_snapshot_is_its_newest_whatever_the_order_in_the_file(
    stored_first, newest_first
):
    if stored_first:  # a new link of a stored creator: written the same way
        CreatorFactory(slug="rowan-example", name="Rowan", status=CreatorStatus.PENDING)
    data = load("valid.json")
    for creator in data["creators"]:
        for link in creator.get("links", []):
            link.get("snapshots", []).sort(key=lambda s: s["captured_at"], reverse=newest_first)
    creators_import(data)
    assert StatsSnapshot.objects.count() == 3
    for link in PlatformLink.objects.all():
        newest = link.snapshots.order_by("-captured_at").first()
        assert link.latest_snapshot == newest


def test_omitted_fields_get_defaults_and_a_slug_from_the_name():
    creators_import(load("valid.json"))
    org = Creator.objects.get(slug="harbour-voices-collective")
    assert org.creator_type == "organisation"
    minimal = Creator.objects.get(slug="minimal-person")
    assert minimal.status == CreatorStatus.PENDING
    assert minimal.creator_type == "lived_experience"
    assert minimal.links.count() == 0


def test_snapshot_source_defaults_to_moderator_and_offsets_are_respected():
    creators_import(
        doc(
            {
                "name": "A",
                "links": [
                    {
                        "url": "https://a.example.org/",
                        "snapshots": [{"captured_at": "2025-01-10T00:00:00+01:00"}],
                    }
                ],
            }
        )
    )
    snapshot = StatsSnapshot.objects.get()
    assert snapshot.source == "moderator"
    assert snapshot.captured_at == dt.datetime(2025, 1, 9, 23, tzinfo=dt.UTC)


def test_scores_of_imported_creators_are_recomputed():
    summary = creators_import(load("valid.json"))
    assert summary.scores_recomputed == 3
    rowan = Creator.objects.get(slug="rowan-example")
    assert rowan.score_updated_at is not None
    assert rowan.interactivity_score is not None
    assert rowan.followers_total == 431 + 0  # the WordPress link's latest followers


def test_links_without_api_are_manual_and_others_wait_for_their_first_fetch():
    creators_import(load("valid.json"))
    assert PlatformLink.objects.get(platform="instagram").fetch_state == FetchState.MANUAL
    assert PlatformLink.objects.get(platform="wordpress").fetch_state == FetchState.NEW


def test_links_of_demo_creators_are_never_fetched():
    creators_import(
        doc(
            {
                "name": "Demo",
                "is_demo": True,
                "links": [
                    {"url": "https://demo.example.org/"},
                    {"url": "https://www.tiktok.com/@mhvdemo_someone"},
                ],
            }
        )
    )
    blog = PlatformLink.objects.get(platform="blog")
    assert blog.fetch_state == FetchState.DISABLED
    assert blog.last_error == "demo data: never fetched"
    assert PlatformLink.objects.get(platform="tiktok").fetch_state == FetchState.MANUAL
    assert not PlatformLink.objects.fetchable().exists()


def test_generated_slugs_are_unique_within_the_file():
    creators_import(
        doc({"name": "Sam Lee"}, {"name": "Sam Lee"}, {"name": "Other", "slug": "sam-lee-2"})
    )
    assert sorted(Creator.objects.values_list("slug", flat=True)) == [
        "sam-lee",
        "sam-lee-2",
        "sam-lee-3",
    ]
    assert Creator.objects.get(slug="sam-lee-2").name == "Other"


def test_private_hosts_are_allowed_when_the_setting_says_so(settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    creators_import(doc({"name": "Local", "links": [{"url": "http://127.0.0.1:8765/feed"}]}))
    assert PlatformLink.objects.get().url.startswith("http://127.0.0.1:8765/")


# -- idempotence -----------------------------------------------------------------------------


def test_running_the_same_file_twice_changes_nothing():
    creators_import(load("valid.json"))
    before = db_state()
    summary = creators_import(load("valid.json"))
    assert (summary.creators_created, summary.creators_updated, summary.creators_unchanged) == (
        0,
        0,
        3,
    )
    assert (summary.links_created, summary.links_updated, summary.snapshots_created) == (0, 0, 0)
    assert summary.scores_recomputed == 0
    assert db_state() == before


def test_a_link_pasted_differently_matches_the_stored_link():
    creators_import(doc({"name": "A", "slug": "a", "links": [{"url": "https://a.example.org/"}]}))
    summary = creators_import(
        doc({"name": "A", "slug": "a", "links": [{"url": "HTTPS://A.EXAMPLE.ORG?utm_source=x"}]})
    )
    assert summary.creators_unchanged == 1
    assert PlatformLink.objects.count() == 1


# -- merging into existing data --------------------------------------------------------------


def test_absent_keys_keep_current_values_and_given_ones_update():
    creators_import(load("valid.json"))
    summary = creators_import(doc({"name": "Rowan Example", "slug": "rowan-example", "bio": "New"}))
    assert summary.creators_updated == 1
    rowan = Creator.objects.get(slug="rowan-example")
    assert rowan.bio == "New"
    assert rowan.status == CreatorStatus.APPROVED
    assert rowan.topics.count() == 2
    assert rowan.links.count() == 2  # imports never delete


def test_new_snapshots_are_appended_and_become_the_latest():
    creators_import(load("valid.json"))
    data = doc(
        {
            "name": "Rowan Example",
            "slug": "rowan-example",
            "links": [
                {
                    "url": "https://rowan.example.org/",
                    "platform": "wordpress",
                    "snapshots": [{"captured_at": "2025-02-01T12:00:00Z", "followers": 450}],
                }
            ],
        }
    )
    summary = creators_import(data)
    assert (summary.creators_updated, summary.snapshots_created) == (1, 1)
    link = PlatformLink.objects.get(platform="wordpress")
    assert link.snapshots.count() == 3
    assert link.latest_snapshot.followers == 450


def test_topics_given_replace_the_current_ones():
    creators_import(load("valid.json"))
    creators_import(doc({"name": "Rowan Example", "slug": "rowan-example", "topics": ["grief"]}))
    rowan = Creator.objects.get(slug="rowan-example")
    assert [t.slug for t in rowan.topics.all()] == ["grief"]


# -- all or nothing --------------------------------------------------------------------------


def test_one_bad_creator_among_good_ones_writes_nothing():
    data = load("valid.json")
    data["creators"].insert(1, {"name": "Bad", "links": [{"url": "not a url"}]})
    with pytest.raises(ImportValidationError) as info:
        creators_import(data)
    assert [str(p) for p in info.value.problems] == [
        "creators[1].links[0].url: not a valid http(s) URL"
    ]
    assert Creator.objects.count() == 0
    assert PlatformLink.objects.count() == 0
    assert Language.objects.count() == 0


@pytest.mark.parametrize(
    ("stored_first", "last_step"),
    [
        # Only new creators: scored from the document before their rows are written.
        (False, "directory.services.import_scores.new_creator_score"),
        # One of them stored already: the changed creators are scored after the write.
        (True, "directory.services.imports.creators_recompute_scores"),
    ],
)
def test_a_failure_while_writing_rolls_everything_back(monkeypatch, stored_first, last_step):
    def broken(*args, **kwargs):
        raise RuntimeError("scoring failed")

    if stored_first:
        CreatorFactory(slug="rowan-example", name="Rowan", status=CreatorStatus.PENDING)
    before = db_state()
    monkeypatch.setattr(last_step, broken)
    with pytest.raises(RuntimeError):
        creators_import(load("valid.json"))
    assert db_state() == before
    assert Creator.objects.count() == int(stored_first)
    assert StatsSnapshot.objects.count() == 0


def test_dry_run_reports_changes_and_writes_nothing():
    summary = creators_import(load("valid.json"), dry_run=True)
    assert summary.creators_created == 3
    assert Creator.objects.count() == 0


# -- conflicts with stored data ----------------------------------------------------------------


def test_a_link_listed_for_another_creator_is_refused():
    PlatformLinkFactory(creator=CreatorFactory(slug="owner"), url="https://taken.example.org/")
    with pytest.raises(ImportValidationError) as info:
        creators_import(doc({"name": "B", "links": [{"url": "https://taken.example.org"}]}))
    assert str(info.value.problems[0]) == (
        "creators[0].links[0].url: already listed for another creator ('owner')"
    )


def test_a_stored_snapshot_is_never_changed():
    creators_import(load("valid.json"))
    data = load("valid.json")
    data["creators"][0]["links"][0]["snapshots"][0]["followers"] = 999
    before = db_state()
    with pytest.raises(ImportValidationError) as info:
        creators_import(data)
    assert info.value.problems[0].path == "creators[0].links[0].snapshots[0]"
    assert "already exists with different values" in info.value.problems[0].message
    assert db_state() == before


def test_export_of_imported_file_keeps_what_the_file_said():
    data = load("valid.json")
    creators_import(copy.deepcopy(data))
    exported = {c["slug"]: c for c in creators_export()["creators"]}
    rowan = exported["rowan-example"]
    assert rowan["bio"] == data["creators"][0]["bio"]
    assert rowan["links"][1]["snapshots"][0]["followers"] == 420


def test_load_document_reports_invalid_json():
    with pytest.raises(ImportValidationError) as info:
        load_document('{"format": "mhvoices/1", "creators": [}')
    assert info.value.problems[0].path == "(document)"
    assert "not valid JSON" in info.value.problems[0].message


def test_the_example_in_the_format_docs_imports():
    text = (Path(__file__).resolve().parents[2] / "docs" / "import-format.md").read_text()
    example = text.split("## Example", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    summary = creators_import(json.loads(example))
    assert summary.creators_created == 2
    rowan = Creator.objects.get(slug="rowan-exampleton")
    assert sorted(rowan.links.values_list("platform", flat=True)) == ["mastodon", "wordpress"]
    assert Creator.objects.get(slug="minimal-person").status == CreatorStatus.PENDING
