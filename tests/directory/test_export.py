"""Export, the export→import round trip, and the import/export commands."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from directory.demo import build_demo_document
from directory.models import Creator, CreatorStatus, Language, PlatformLink
from directory.services.imports import creators_export, creators_import
from tests.factories import (
    CreatorFactory,
    LanguageFactory,
    PlatformLinkFactory,
    StatsSnapshotFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
NOW = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)


def wipe() -> None:
    Creator.objects.all().delete()
    Language.objects.all().delete()


def assert_round_trip_lossless() -> dict:
    first = creators_export()
    wipe()
    creators_import(json.loads(json.dumps(first)))
    second = creators_export()
    assert second == first
    return first


@time_machine.travel(NOW, tick=False)
def test_round_trip_of_the_demo_directory_is_lossless():
    creators_import(build_demo_document(NOW))
    exported = assert_round_trip_lossless()
    assert len(exported["creators"]) > 50


def test_round_trip_keeps_every_field_including_unusual_ones():
    creator = CreatorFactory(
        slug="edge",
        name="Édith Exampleton",
        about="Line one\nLine two",
        content_notes="discusses grief",
        status=CreatorStatus.HIDDEN,
        is_demo=True,
        on_break_until=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        topics=[TopicFactory(slug="grief")],
        languages=[LanguageFactory(code="fr", name="French")],
        country="FR",
    )
    link = PlatformLinkFactory(
        creator=creator,
        platform="mastodon",
        url="https://mastodon.example/@edith",
        handle="@edith@mastodon.example",
        external_id="10987",
        verified=True,
        is_public=False,
    )
    StatsSnapshotFactory(
        link=link,
        captured_at=dt.datetime(2025, 1, 1, 12, 30, 15, 123456, tzinfo=dt.UTC),
        source="moderator",
        followers=None,
        notes="comments disabled",
    )
    exported = assert_round_trip_lossless()
    [item] = exported["creators"]
    assert item["status"] == "hidden" and item["is_demo"] is True
    assert item["links"][0]["is_public"] is False
    assert item["links"][0]["snapshots"][0]["captured_at"] == "2025-01-01T12:30:15.123456Z"
    assert item["links"][0]["snapshots"][0]["notes"] == "comments disabled"
    assert item["links"][0]["snapshots"][0]["followers"] is None


def test_export_filters_by_status():
    CreatorFactory(slug="ok")
    CreatorFactory(slug="wait", status=CreatorStatus.PENDING)
    CreatorFactory(slug="gone", status=CreatorStatus.REMOVED)
    assert [c["slug"] for c in creators_export()["creators"]] == ["gone", "ok", "wait"]
    pending = creators_export(statuses=["pending", "removed"])
    assert [c["slug"] for c in pending["creators"]] == ["gone", "wait"]


# -- commands --------------------------------------------------------------------------------


def test_export_command_writes_a_file_with_status_filter(tmp_path):
    CreatorFactory(slug="ok")
    CreatorFactory(slug="wait", status=CreatorStatus.PENDING)
    target = tmp_path / "out.json"
    err = io.StringIO()
    call_command("export_creators", "--output", str(target), "--status", "approved", stderr=err)
    data = json.loads(target.read_text())
    assert data["format"] == "mhvoices/1"
    assert [c["slug"] for c in data["creators"]] == ["ok"]
    assert "Exported 1 creator to" in err.getvalue()


def test_export_command_writes_json_to_stdout():
    CreatorFactory(slug="ok")
    out = io.StringIO()
    call_command("export_creators", stdout=out)
    assert [c["slug"] for c in json.loads(out.getvalue())["creators"]] == ["ok"]


def test_export_command_refuses_an_unknown_status():
    with pytest.raises(CommandError):
        call_command("export_creators", "--status", "famous")


def test_import_command_prints_a_summary_then_reports_unchanged(tmp_path):
    out = io.StringIO()
    call_command("import_creators", str(FIXTURES / "valid.json"), stdout=out)
    assert "Creators: 3 created, 0 updated, 0 unchanged" in out.getvalue()
    out = io.StringIO()
    call_command("import_creators", str(FIXTURES / "valid.json"), stdout=out)
    assert "Creators: 0 created, 0 updated, 3 unchanged" in out.getvalue()


def test_import_command_lists_every_problem_and_writes_nothing():
    with pytest.raises(CommandError) as info:
        call_command("import_creators", str(FIXTURES / "invalid.json"))
    message = str(info.value)
    assert message.startswith("24 problems found; nothing was imported:")
    assert "creators[3].links[0].url: not a valid http(s) URL" in message
    assert Creator.objects.count() == 0


def test_import_command_dry_run_writes_nothing():
    out = io.StringIO()
    call_command("import_creators", "--dry-run", str(FIXTURES / "valid.json"), stdout=out)
    assert "Dry run" in out.getvalue() and "3 created" in out.getvalue()
    assert PlatformLink.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "cannot read"), ("{not json", "(document): not valid JSON")],
)
def test_import_command_reports_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError) as info:
        call_command("import_creators", str(path))
    assert expected in str(info.value)


def test_import_command_exits_non_zero_with_messages_on_stderr(tmp_path):
    """The real process: exit status and stderr, as a shell script would see them."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage = Path(__file__).resolve().parents[2] / "manage.py"

    def manage_py(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
            [sys.executable, str(manage), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    assert manage_py("migrate", "--noinput", "-v0").returncode == 0
    result = manage_py("import_creators", str(FIXTURES / "invalid.json"))
    assert result.returncode != 0
    assert "creators[0].name: is required" in result.stderr
    assert result.stdout == ""
