"""`manage.py seed_demo [--if-empty]`: load the fictional demo directory (directory/demo.py).

The data goes through the import service, so seeding exercises the same validation and
idempotent matching as `import_creators`; running it again changes nothing that already exists.
Demo links are never fetched (the importer marks them). Scores are recomputed by the import.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from directory.demo import build_demo_document
from directory.models import Creator
from directory.services.imports import ImportValidationError, creators_import


class Command(BaseCommand):
    help = "Create about 60 fictional demo creators with six months of statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the directory already has any creator (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool, **options) -> None:
        if if_empty and Creator.objects.exists():
            self.stdout.write("The directory already has creators; demo data not loaded.")
            return
        try:
            summary = creators_import(build_demo_document(timezone.now()))
        except ImportValidationError as exc:  # a bug in directory/demo.py, not a user error
            raise CommandError(f"the demo data is invalid:\n{exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. {summary.line()}"))
