"""`manage.py import_creators FILE`: import creators from a `mhvoices/1` JSON file.

Every problem in the file is printed (with its path) and nothing is written unless the whole file
is valid. The format is described in docs/import-format.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.services.import_readers import read_document_bytes
from directory.services.imports import ImportValidationError, creators_import, load_document


class Command(BaseCommand):
    help = "Import creators, links and snapshots from a mhvoices/1 JSON file (all or nothing)."
    # The system checks import every URL and view (~0.5 s a run) and say nothing about a data
    # file; `manage.py check` and deploys run them. Bulk imports run this once per file.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the JSON file, or '-' to read standard input.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would change, then write nothing.",
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            if file == "-":
                text = read_document_bytes(sys.stdin.buffer)
            else:
                with Path(file).open("rb") as handle:
                    text = read_document_bytes(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        try:
            summary = creators_import(load_document(text), dry_run=dry_run)
        except ImportValidationError as exc:
            count = len(exc.problems)
            lines = [f"{count} problem{'s' if count != 1 else ''} found; nothing was imported:"]
            lines += [f"  {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from None
        prefix = "Dry run, nothing written. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + summary.line()))
