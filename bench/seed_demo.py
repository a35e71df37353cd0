"""Bench section: how long `manage.py seed_demo` takes on an empty directory.

Runs in its own scratch database (`<bench database>_demo`, dropped afterwards) because the
bench database is full. Moved here from the test suite, where a timed assertion was flaky on a
loaded machine. Result: {"seed_demo": {"seconds", "creators"}}.
"""

from __future__ import annotations

import io
import os
import time

from bench.common import django_setup, emit, section_args
from bench.run import database_url_with_suffix, drop_database, recreate_database


def main() -> None:
    section_args(__doc__.splitlines()[0])
    scratch = database_url_with_suffix(os.environ["DATABASE_URL"], "_demo")
    recreate_database(scratch)
    os.environ["DATABASE_URL"] = scratch
    try:
        django_setup()
        from django.core.management import call_command
        from django.db import connections

        from directory.models import Creator

        call_command("migrate", "--noinput", verbosity=0)
        started = time.monotonic()
        call_command("seed_demo", stdout=io.StringIO())
        seconds = time.monotonic() - started
        creators = Creator.objects.count()
        connections.close_all()
    finally:
        drop_database(scratch)
    emit({"seed_demo": {"seconds": round(seconds, 2), "creators": creators}})


if __name__ == "__main__":
    main()
