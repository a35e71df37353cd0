"""`manage.py refresh_stats [--creator SLUG] [--platform NAME] [--sync]`: refresh stats now.

Without --sync the links are enqueued for the Celery worker. With --sync each link is fetched
in this process (no retries: a temporary failure is left for the scheduled refresh) and one
line per link says what happened.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import timezone

from directory.models import Creator, Platform, PlatformLink
from directory.services.enqueue import links_send
from directory.services.refresh import RefreshOutcome, link_refresh

# The numbers shown per link, in this order (label, measurement field).
KEY_NUMBERS = (
    ("followers", "followers"),
    ("posts", "posts_in_window"),
    ("comments", "comments_in_window"),
    ("creator_replies", "creator_replies_in_window"),
    ("replies_to_others", "replies_to_others_in_window"),
)


class Command(BaseCommand):
    help = "Refresh platform statistics now: enqueue them, or fetch in this process with --sync."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creator", metavar="SLUG", help="only this creator's links")
        parser.add_argument(
            "--platform",
            metavar="NAME",
            help=f"only links on this platform ({', '.join(Platform.values)})",
        )
        parser.add_argument(
            "--sync", action="store_true", help="fetch now in this process and report each link"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        links = list(self._links(options).fetchable())
        if not links:
            self.stdout.write("No links to refresh (demo and no-API links are never fetched).")
            return
        if options["sync"]:
            self._refresh_here(links)
        else:
            self._enqueue(links)

    def _links(self, options: dict[str, Any]) -> QuerySet[PlatformLink]:
        links = PlatformLink.objects.select_related("creator").order_by("creator__slug", "pk")
        if options["creator"]:
            slug = options["creator"]
            if not Creator.objects.filter(slug=slug).exists():
                raise CommandError(f"No creator with the slug {slug!r}.")
            links = links.filter(creator__slug=slug)
        if options["platform"]:
            platform = options["platform"].lower()
            if platform not in Platform.values:
                raise CommandError(
                    f"Unknown platform {options['platform']!r}; "
                    f"choose one of: {', '.join(Platform.values)}."
                )
            links = links.filter(platform=platform)
        return links

    def _refresh_here(self, links: list[PlatformLink]) -> None:
        failures = 0
        for link in links:
            outcome = link_refresh(link_id=link.pk, final_attempt=False)
            failures += outcome.status in ("retry", "failed", "disabled")
            self.stdout.write(self._line(link, outcome))
        self.stdout.write(f"{len(links)} link(s) refreshed, {failures} with problems.")

    def _line(self, link: PlatformLink, outcome: RefreshOutcome) -> str:
        head = f"{link.platform:<10} {outcome.status:<12} {link.creator.slug} {link.url}"
        if outcome.error:
            return f"{head}  {outcome.error}"
        numbers = outcome.measurements
        if numbers is None:
            return head
        shown = []
        for label, field in KEY_NUMBERS:
            value = getattr(numbers, field)
            shown.append(f"{label}={'unknown' if value is None else value}")
        return f"{head}  {' '.join(shown)}"

    def _enqueue(self, links: list[PlatformLink]) -> None:
        ids = [link.pk for link in links]
        now = timezone.now()
        PlatformLink.objects.filter(pk__in=ids).update(enqueued_at=now)
        sent = links_send((link_id, 0) for link_id in ids)
        if sent < len(ids):
            raise CommandError(
                f"Enqueued {sent} of {len(ids)} link(s): the task broker is not reachable. "
                "The rest will be picked up by the scheduled refresh; "
                "or run again with --sync to fetch in this process."
            )
        self.stdout.write(f"Enqueued {sent} link(s) for the worker.")
