"""The API schema and the HTML filter form share `CreatorFilter`: generating one must not change
the other (issue #12 item 4: dropdowns turned into "---------" after `/api/schema/`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_list_dropdowns_keep_their_labels_after_the_schema_is_generated(client):
    assert client.get("/api/schema/").status_code == 200
    html = client.get(reverse("directory:creator_list")).content.decode()
    assert "---------" not in html
    assert "Any platform" in html
    assert "Any type" in html
