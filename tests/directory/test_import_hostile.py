"""Import files that used to end in a traceback now end in a message naming the problem.

Deep nesting raised RecursionError, a 601-character URL a database DataError, and a repeated key
was silently applied last-wins. Nothing is written in any of these cases.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from directory.models import Creator, PlatformLink
from directory.services import import_readers
from directory.services.imports import ImportValidationError, creators_import, load_document

pytestmark = pytest.mark.django_db


def _creator(url: str = "https://calm.blog.org/", **fields) -> dict:
    return {
        "slug": "rowan",
        "name": "Rowan",
        "status": "pending",
        "links": [{"platform": "blog", "url": url}],
        **fields,
    }


def _problems(text: str | bytes) -> list[str]:
    with pytest.raises(ImportValidationError) as info:
        creators_import(load_document(text))
    return [str(problem) for problem in info.value.problems]


def test_json_nested_100000_deep_is_refused_with_a_message():
    assert _problems("[" * 100_000 + "]" * 100_000) == [
        "(document): nested too deeply to be an import file"
    ]


def test_a_repeated_key_is_refused_with_its_path():
    text = (
        '{"format": "mhvoices/1", "creators": [{"slug": "rowan", "name": "Rowan", '
        '"status": "pending", "status": "approved", "links": []}]}'
    )
    assert _problems(text) == ["creators[0].status: appears more than once in this object"]
    assert not Creator.objects.exists()


def test_a_repeated_top_level_key_is_named_too():
    text = '{"format": "mhvoices/1", "format": "mhvoices/1", "creators": []}'
    assert _problems(text) == ["format: appears more than once in this object"]


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(import_readers, "MAX_DOCUMENT_BYTES", 100)
    assert _problems(" " * 101) == ["(document): too large (at most 100 bytes)"]


def test_the_command_reads_no_more_than_the_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(import_readers, "MAX_DOCUMENT_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"format": "mhvoices/1", "creators": [], "pad": "x" * 1000}))
    with pytest.raises(CommandError, match="too large"):
        call_command("import_creators", str(big))


def test_the_command_reports_deep_nesting_without_a_traceback(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError, match="nested too deeply"):
        call_command("import_creators", str(deep))


def test_a_url_of_601_characters_is_stored():
    """It used to pass validation and then overflow the 500-character column."""
    url = "https://calm.blog.org/" + "p" * (601 - 22)
    creators_import({"format": "mhvoices/1", "creators": [_creator(url)]})
    assert len(PlatformLink.objects.get().url) == 601


def test_a_url_over_2048_characters_is_refused_with_its_path():
    url = "https://calm.blog.org/" + "p" * 2048
    problems = _problems(json.dumps({"format": "mhvoices/1", "creators": [_creator(url)]}))
    assert problems == ["creators[0].links[0].url: too long (at most 2,048 characters)"]


@pytest.mark.parametrize("field", ["name", "bio"])
def test_a_nul_character_is_refused_with_its_place_and_nothing_is_written(field):
    document = json.dumps(
        {"format": "mhvoices/1", "creators": [_creator(**{field: "Row\u0000an"})]}
    )
    problems = _problems(document)
    assert any(f"creators[0].{field}" in p and "NUL character" in p for p in problems), problems
    assert not Creator.objects.exists()
