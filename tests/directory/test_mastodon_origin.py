"""Issue #7, bug 5: a Mastodon URL keeps its scheme and port where local hosts are allowed.

Mastodon's own development server runs at http://127.0.0.1:3000; with
FETCH_ALLOW_PRIVATE_HOSTS it must be stored and fetched as such. Production still refuses
non-standard ports and keeps the https canonical form.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from directory.platforms.base import LinkRef
from directory.platforms.http import build_client
from directory.platforms.mastodon import MastodonAdapter
from directory.services.links import link_normalise
from tests.directory.local_server import Reply, local_server

ACCOUNT = {
    "id": "7",
    "username": "alice",
    "acct": "alice",
    "uri": "http://127.0.0.1/users/alice",
    "display_name": "Alice",
    "followers_count": 3,
    "following_count": 1,
    "statuses_count": 0,
}


def test_a_local_instance_keeps_its_scheme_and_port(settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    assert link_normalise(url="http://127.0.0.1:3000/@Alice") == (
        link_normalise(url="http://127.0.0.1:3000/@alice/with_replies")
    )
    normalised = link_normalise(url="http://127.0.0.1:3000/@Alice")
    assert (normalised.platform, normalised.url) == ("mastodon", "http://127.0.0.1:3000/@alice")


def test_a_local_instance_is_fetched_where_it_runs(settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    with local_server() as server:
        server.routes["/api/v1/accounts/lookup?acct=alice"] = Reply(
            body=json.dumps(ACCOUNT).encode(), headers={"Content-Type": "application/json"}
        )
        server.routes["/api/v1/accounts/7/statuses?limit=40&exclude_reblogs=true"] = Reply(
            body=b"[]", headers={"Content-Type": "application/json"}
        )
        url = link_normalise(url=f"{server.url}/@alice").url
        with build_client(allow_private=True) as client:
            result = MastodonAdapter().fetch(
                LinkRef(platform="mastodon", url=url), client, window_days=30
            )
    assert url == f"{server.url}/@alice"
    assert [hit.path.split("?")[0] for hit in server.hits] == [
        "/api/v1/accounts/lookup",
        "/api/v1/accounts/7/statuses",
    ]
    assert result.measurements.followers == 3
    assert result.handle == f"alice@127.0.0.1:{server.port}"


def test_production_still_refuses_non_standard_ports(settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(ValidationError, match="standard ports"):
        link_normalise(url="http://mastodon.social:3000/@alice")


def test_production_stores_the_https_form(settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = False
    assert link_normalise(url="http://mastodon.social/@alice").url == (
        "https://mastodon.social/@alice"
    )
