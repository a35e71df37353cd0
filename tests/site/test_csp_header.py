"""The Content Security Policy on every page.

The browser tests (tests/browser/test_csp.py) show the pages work under the policy; these pin
what the policy says, so loosening it is a visible, tested decision.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    """`a x y; b z` -> {"a": ["x", "y"], "b": ["z"]}."""
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def creator():
    return CreatorFactory(slug="sam", name="Sam")


@pytest.mark.parametrize("path", ["/", "/emerging/", "/creators/sam/", "/help/", "/about/"])
def test_html_pages_carry_the_strict_policy(client, creator, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy == {
        "default-src": ["'self'"],
        # No nonce: these pages have no inline script or style, so none is offered.
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


def test_no_page_carries_a_style_attribute_or_inline_script(client, creator):
    # The score breakdown's bars used style="width: ..%"; style-src 'self' blocks that.
    from tests.directory.browse_data import build_directory

    build_directory(2, links_each=1, snapshots_each=1)
    assert '<svg class="bar"' in client.get("/creators/bulk-000/").content.decode()
    for path in ["/", "/creators/bulk-000/", "/help/", "/about/", "/about/scoring/"]:
        html = client.get(path).content.decode()
        assert " style=" not in html, path
        # Scripts are files from /static/ (CSP 'self'), or JSON-LD data that never runs.
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/ld+json"' in tag, (path, tag)
            assert 'type="application/ld+json"' not in tag or "src=" not in tag
        assert "<style" not in html, path


def test_api_docs_pages_use_a_fresh_nonce_for_their_inline_blocks(client):
    first = client.get("/api/docs/")
    second = client.get("/api/docs/")
    nonces = []
    for response in (first, second):
        policy = directives(response["Content-Security-Policy"])
        nonce = next(v for v in policy["script-src"] if v.startswith("'nonce-"))
        assert policy["style-src"] == ["'self'", nonce]
        value = nonce.removeprefix("'nonce-").removesuffix("'")
        html = response.content.decode()
        assert f'<script nonce="{value}">' in html and f'<style nonce="{value}">' in html
        assert "<script>" not in html and "<style>" not in html
        nonces.append(value)
    assert nonces[0] != nonces[1]


def test_redoc_gets_its_own_wider_policy_and_no_google_fonts(client):
    response = client.get("/api/docs/redoc/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "fonts.googleapis.com" not in response.content.decode()
    # Only that page: the site's policy is unchanged.
    assert "worker-src" not in client.get("/")["Content-Security-Policy"]
