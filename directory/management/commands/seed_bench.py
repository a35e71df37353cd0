"""`manage.py seed_bench --creators N`: a large realistic directory for `make bench`.

See directory/services/bench_seed.py for what is loaded and how. PostgreSQL only; refuses a
directory that already has creators unless --append (add to them) or --force (delete them).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from directory.services.bench_seed import SEED, BenchSeedError, directory_seed_bench


class Command(BaseCommand):
    help = (
        "Load N approved bench creators (about 3 links each, 30 snapshots per link over 90 days)"
        " into PostgreSQL and score them. For `make bench`, never for a real directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creators", type=int, required=True, metavar="N")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--append", action="store_true", help="Add to a directory that already has creators."
        )
        group.add_argument(
            "--force",
            action="store_true",
            help="Delete every creator (links, snapshots, history) first.",
        )
        parser.add_argument(
            "--seed", type=int, default=SEED, help="Random seed (default %(default)s)."
        )
        parser.add_argument(
            "--no-scores", action="store_true", help="Skip the score recompute at the end."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        if connection.vendor == "postgresql":
            # Loading and scoring 100,000 creators runs statements longer than a web request's
            # timeout (DATABASE_STATEMENT_TIMEOUT); this session only.
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        try:
            summary = directory_seed_bench(
                creators=options["creators"],
                seed=options["seed"],
                append=options["append"],
                force=options["force"],
                score=not options["no_scores"],
                progress=(lambda m: self.stdout.write(m)) if verbose else (lambda m: None),
            )
        except BenchSeedError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.creators} creators, {summary.links} links and"
                f" {summary.snapshots} snapshots in {summary.load_seconds:.1f} s;"
                f" scored in {summary.score_seconds:.1f} s."
            )
        )
