"""`manage.py recompute_scores [--creator SLUG]`: recompute and store interactivity scores."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.models import Creator
from directory.services.scores import creators_rescore


class Command(BaseCommand):
    help = "Recompute the interactivity score of every creator, or of one (--creator SLUG)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creator", metavar="SLUG", help="Only this creator.")

    def handle(self, *args: Any, **options: Any) -> None:
        creator_ids = None
        if slug := options.get("creator"):
            pk = Creator.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if pk is None:
                raise CommandError(f"No creator with the slug {slug!r}.")
            creator_ids = [pk]
        try:
            result = creators_rescore(creator_ids=creator_ids)
        except ImproperlyConfigured as exc:  # e.g. bad SCORING_WEIGHTS: say so, no traceback
            raise CommandError(str(exc)) from None
        noun = "creator" if result.scored == 1 else "creators"
        self.stdout.write(
            self.style.SUCCESS(
                f"Scored {result.scored} {noun}. {result.written} changed and were written."
            )
        )
