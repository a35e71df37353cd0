"""`manage.py score_correlation`: Spearman rank correlation of score and followers.

Over listed (approved) creators that have both a score and a known follower total. A value near
0 means the ranking is not a follower ranking in disguise; docs/scoring.md publishes the figure
for the demo data (`--markdown` prints the line to paste there).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from directory.models import Creator
from directory.scoring.stats import spearman


class Command(BaseCommand):
    help = "Print the Spearman rank correlation between interactivity score and followers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--markdown", action="store_true", help="Print one line ready for docs/scoring.md."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = list(
            Creator.objects.listed()
            .filter(interactivity_score__isnull=False, followers_total__isnull=False)
            .values_list("interactivity_score", "followers_total")
        )
        rho = spearman([r[0] for r in rows], [float(r[1]) for r in rows])
        if rho is None:
            self.stdout.write(
                f"Not enough data: {len(rows)} listed creators with a score and a follower "
                "total (need at least 2, with some spread)."
            )
            return
        if options["markdown"]:
            self.stdout.write(
                f"Spearman rank correlation between score and followers: **{rho:.2f}** "
                f"over {len(rows)} listed creators."
            )
            return
        self.stdout.write(
            f"Spearman rank correlation between interactivity score and followers over "
            f"{len(rows)} listed creators: {rho:.3f}"
        )
