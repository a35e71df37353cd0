"""Issue #8 items 1, 2 and 7 on Mastodon, with payloads shaped as Mastodon's API documents
them (Status, Account, WebFinger as `WebfingerSerializer` writes it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import respx
import time_machine

from directory.platforms.base import LinkRef
from directory.platforms.http import build_client
from directory.platforms.mastodon import MastodonAdapter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mastodon"
HOST = "https://mastodon.social"
ACCOUNT_ID = "109302136"
NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client():
    with build_client(allow_private=False) as c:
        yield c


def status(status_id: str, created: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": status_id,
        "created_at": created,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "visibility": "public",
        "uri": f"{HOST}/users/riverwrites/statuses/{status_id}",
        "url": f"{HOST}/@riverwrites/{status_id}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "reblog": None,
        "account": load("account"),
    }
    return {**base, **fields}


def fetch(client, statuses: list[dict], url: str = f"{HOST}/@riverwrites"):
    respx.get(f"{HOST}/api/v1/accounts/lookup").respond(json=load("account"))
    respx.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(json=statuses)
    return MastodonAdapter().fetch(LinkRef(platform="mastodon", url=url), client, window_days=90)


@respx.mock
def test_a_reply_whose_parent_was_deleted_is_not_a_post(client):
    # The parent was deleted: Mastodon nulls in_reply_to_id and keeps in_reply_to_account_id.
    orphan = status(
        "114740000000000002",
        "2025-06-27T10:00:00.000Z",
        in_reply_to_account_id="110000301",
        favourites_count=9,
        replies_count=2,
    )
    own = status("114740000000000001", "2025-06-26T10:00:00.000Z", favourites_count=1)

    m = fetch(client, [orphan, own]).measurements

    assert m.posts_in_window == 1
    assert m.likes_in_window == 1
    assert m.comments_in_window == 0
    assert m.replies_to_others_in_window == 1


# WebFinger on a custom domain whose account lives on a Mastodon 4.4 server: the actor URL ends
# in the numeric id, the user name is in the profile page link and the subject.
WEBFINGER_44 = {
    "subject": "acct:river@river.example",
    "aliases": [f"{HOST}/@riverwrites", f"{HOST}/ap/users/{ACCOUNT_ID}"],
    "links": [
        {
            "rel": "http://webfinger.net/rel/profile-page",
            "type": "text/html",
            "href": f"{HOST}/@riverwrites",
        },
        {
            "rel": "self",
            "type": "application/activity+json",
            "href": f"{HOST}/ap/users/{ACCOUNT_ID}",
        },
        {
            "rel": "http://ostatus.org/schema/1.0/subscribe",
            "template": f"{HOST}/authorize_interaction?uri={{uri}}",
        },
    ],
}


def _custom_domain(webfinger: dict) -> None:
    respx.get("https://river.example/api/v1/accounts/lookup").respond(
        404, html="<html><body>Not Found</body></html>"
    )
    respx.get("https://river.example/.well-known/webfinger").respond(
        json=webfinger, headers={"Content-Type": "application/jrd+json"}
    )
    respx.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}/statuses").respond(json=[])


@respx.mock
def test_a_custom_domain_on_a_numeric_actor_server_finds_the_user_name(client):
    _custom_domain(WEBFINGER_44)
    lookup = respx.get(f"{HOST}/api/v1/accounts/lookup", params={"acct": "riverwrites"}).respond(
        json=load("account")
    )

    result = MastodonAdapter().fetch(
        LinkRef(platform="mastodon", url="https://river.example/@river"), client, window_days=90
    )

    assert lookup.called
    assert result.handle == "riverwrites@river.example"
    assert result.measurements.followers == 1204


@respx.mock
def test_with_only_a_numeric_actor_the_account_is_looked_up_by_id(client):
    links = [link for link in WEBFINGER_44["links"] if link["rel"] == "self"]
    _custom_domain({"subject": f"acct:{ACCOUNT_ID}@river.example", "links": links})
    respx.get(f"{HOST}/api/v1/accounts/lookup").respond(404, json={"error": "Record not found"})
    by_id = respx.get(f"{HOST}/api/v1/accounts/{ACCOUNT_ID}").respond(json=load("account"))

    result = MastodonAdapter().fetch(
        LinkRef(platform="mastodon", url="https://river.example/@river"), client, window_days=90
    )

    assert by_id.called
    assert result.measurements.followers == 1204


@respx.mock
def test_when_no_thread_could_be_read_thread_figures_are_unknown(client):
    post = status("114740000000000001", "2025-06-26T10:00:00.000Z", replies_count=4)
    respx.get(f"{HOST}/api/v1/statuses/114740000000000001/context").respond(
        404, json={"error": "Record not found"}
    )

    result = fetch(client, [post])

    m = result.measurements
    assert m.comments_in_window == 4  # from the reply counter
    assert (m.unique_commenters_in_window, m.posts_with_comments) == (None, None)
    assert (m.creator_replies_in_window, m.posts_with_creator_reply) == (None, None)
    assert "conversations read on 0 of 1 commented posts" in result.notes
