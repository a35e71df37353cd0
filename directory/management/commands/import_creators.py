"""`manage.py import_creators FILE [FILE ...]`: import creators from `mhvoices/1` JSON files.

Every problem in a file is printed (with its path) and nothing of that file is written unless
the whole file is valid. Several files are imported one after the other, each on its own and
all or nothing, in one process (one start-up); the first file with a problem stops the command,
the files before it staying imported. The format is described in docs/import-format.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.services.import_readers import read_document_bytes
from directory.services.imports import (
    ImportSummary,
    ImportValidationError,
    creators_import_checked,
    load_document,
    validate_document,
)


class Command(BaseCommand):
    help = (
        "Import creators, links and snapshots from mhvoices/1 JSON files (each file all or "
        "nothing, in order)."
    )
    # The system checks import every URL and view (~0.5 s a run) and say nothing about a data
    # file; `manage.py check` and deploys run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="JSON file to import, or '-' for standard input; several are imported in turn.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would change, then write nothing.",
        )

    def handle(self, *args, files: list[str], dry_run: bool, **options) -> None:
        if files.count("-") > 1:
            raise CommandError("standard input ('-') can be read only once")
        several = len(files) > 1
        for index, file in enumerate(files):
            try:
                summary = self._import_one(file, dry_run=dry_run)
            except CommandError as exc:
                if not several:
                    raise
                before = ", ".join(files[:index])
                done = f" ({before} imported before it)" if before and not dry_run else ""
                raise CommandError(f"{file}{done}: {exc}") from None
            prefix = "Dry run, nothing written. " if dry_run else ""
            name = f"{file}: " if several else ""
            self.stdout.write(self.style.SUCCESS(name + prefix + summary.line()))

    def _import_one(self, file: str, *, dry_run: bool) -> ImportSummary:
        """One file, read, checked and written all or nothing. Nothing of it is kept after: the
        next file's document is never held at the same time (memory follows one document)."""
        try:
            # The file's bytes and then its parsed form are let go once the next form is
            # made: writing holds only the checked document.
            creators = validate_document(load_document(self._read(file)))
            return creators_import_checked(creators, dry_run=dry_run)
        except ImportValidationError as exc:
            count = len(exc.problems)
            lines = [f"{count} problem{'s' if count != 1 else ''} found; nothing was imported:"]
            lines += [f"  {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from None

    def _read(self, file: str) -> bytes:
        try:
            if file == "-":
                return read_document_bytes(sys.stdin.buffer)
            with Path(file).open("rb") as handle:
                return read_document_bytes(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
