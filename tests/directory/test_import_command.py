"""`manage.py import_creators FILE [FILE ...]`: several files in one process, each on its own."""

from __future__ import annotations

import gc
import io
import json
import weakref
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directory.models import Creator, PlatformLink
from directory.services import imports

pytestmark = pytest.mark.django_db


def _write(path: Path, *creators: dict) -> str:
    path.write_text(json.dumps({"format": "mhvoices/1", "creators": list(creators)}))
    return str(path)


def _creator(slug: str, name: str, url: str) -> dict:
    return {"name": name, "slug": slug, "links": [{"platform": "blog", "url": url}]}


def test_several_files_are_imported_in_order_with_a_line_each(tmp_path):
    first = _write(tmp_path / "a.json", _creator("rowan", "Rowan", "https://rowan.blog.org/"))
    second = _write(
        tmp_path / "b.json",
        _creator("rowan", "Rowan Renamed", "https://rowan.blog.org/"),
        _creator("ash", "Ash", "https://ash.blog.org/"),
    )
    out = io.StringIO()
    call_command("import_creators", first, second, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{first}: Creators: 1 created, 0 updated")
    assert lines[1].startswith(f"{second}: Creators: 1 created, 1 updated")
    # The later file wins: it was applied after the first.
    assert Creator.objects.get(slug="rowan").name == "Rowan Renamed"
    assert PlatformLink.objects.count() == 2


def test_a_bad_file_writes_nothing_of_itself_stops_and_keeps_the_files_before(tmp_path):
    good = _write(tmp_path / "good.json", _creator("rowan", "Rowan", "https://rowan.blog.org/"))
    bad = _write(
        tmp_path / "bad.json",
        _creator("ash", "Ash", "https://ash.blog.org/"),
        {"slug": "nameless"},
    )
    later = _write(tmp_path / "later.json", _creator("fern", "Fern", "https://fern.blog.org/"))
    with pytest.raises(CommandError) as info:
        call_command("import_creators", good, bad, later, stdout=io.StringIO())
    message = str(info.value)
    assert message.startswith(f"{bad} ({good} imported before it): 1 problem found;")
    assert "creators[1].name: is required" in message
    assert sorted(Creator.objects.values_list("slug", flat=True)) == ["rowan"]


def test_standard_input_is_read_once_at_most(tmp_path):
    with pytest.raises(CommandError, match="only once"):
        call_command("import_creators", "-", "-")


def test_no_parsed_document_is_held_while_a_file_is_written(tmp_path, monkeypatch):
    """Memory follows one document: while a file is written, neither its parsed form (only the
    checked one is needed) nor an earlier file's is held."""

    class Document(dict):  # a dict that can be watched (plain dicts take no weak reference)
        pass

    parsed: list[weakref.ref] = []
    alive_while_writing: list[bool] = []
    load, write = imports.load_document, imports.creators_import_checked

    def load_document(text):
        document = Document(load(text))
        parsed.append(weakref.ref(document))
        return document

    def creators_import_checked(creators, **kwargs):
        gc.collect()
        alive_while_writing.append(any(ref() is not None for ref in parsed))
        return write(creators, **kwargs)

    command = "directory.management.commands.import_creators"
    monkeypatch.setattr(f"{command}.load_document", load_document)
    monkeypatch.setattr(f"{command}.creators_import_checked", creators_import_checked)
    first = _write(tmp_path / "a.json", _creator("rowan", "Rowan", "https://rowan.blog.org/"))
    second = _write(tmp_path / "b.json", _creator("ash", "Ash", "https://ash.blog.org/"))
    call_command("import_creators", first, second, stdout=io.StringIO())
    assert alive_while_writing == [False, False]
    assert Creator.objects.count() == 2
