"""`manage.py export_creators [--output FILE] [--status STATUS ...]`: the directory as JSON.

Writes the `mhvoices/1` format that `import_creators` reads (docs/import-format.md), with every
status by default so that a whole directory can move between installs.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.models import CreatorStatus
from directory.services.imports import creators_export


class Command(BaseCommand):
    help = "Export creators, links and snapshots as a mhvoices/1 JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", help="File to write (default: standard output).", default=None
        )
        parser.add_argument(
            "--status",
            action="append",
            choices=CreatorStatus.values,
            help="Only creators with this status; repeat for several (default: all).",
        )

    def handle(self, *args, output: str | None, status: list[str] | None, **options) -> None:
        document = creators_export(statuses=status)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
        count = len(document["creators"])
        self.stderr.write(f"Exported {count} creator{'s' if count != 1 else ''} to {output}.")
