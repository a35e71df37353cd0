"""`manage.py seed_demo [--if-empty]`: load the fictional demo directory (directory/demo.py).

The data goes through the import service, so seeding exercises the same validation and
idempotent matching as `import_creators`; running it again changes nothing that already exists.
Demo links are never fetched (the importer marks them). Scores are recomputed by the import;
for newly created demo creators the score history is then filled in week by week from the
demo's past snapshots, so the profile chart and the list's week-on-week movement have
something to show.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from directory.demo import build_demo_document
from directory.models import Creator
from directory.services.imports import ImportValidationError, creators_import
from directory.services.scores import creators_recompute_scores

# Weeks of score history to fill in for new demo creators (the demo has ~6 months of snapshots).
HISTORY_WEEKS = 12


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
        now = timezone.now()
        try:
            summary = creators_import(build_demo_document(now))
        except ImportValidationError as exc:  # a bug in directory/demo.py, not a user error
            raise CommandError(f"the demo data is invalid:\n{exc}") from None
        if summary.creators_created:
            demo_ids = list(Creator.objects.filter(is_demo=True).values_list("pk", flat=True))
            for weeks in range(HISTORY_WEEKS, 0, -1):
                creators_recompute_scores(creator_ids=demo_ids, now=now - dt.timedelta(weeks=weeks))
            # Today's scores last, so the stored score and its week delta are current.
            creators_recompute_scores(creator_ids=demo_ids, now=now)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. {summary.line()}"))
