"""Fictional demo data for `manage.py seed_demo`, built as an import document (`mhvoices/1`).

About sixty clearly fictional creators (surnames such as "Exampleton", organisations on reserved
example domains) with six months of fortnightly snapshots and a deliberate spread of behaviour,
so the ranking has something to show: large accounts that rarely reply and large ones that
answer, small ones that answer nearly everyone and small ones that rarely reply, medium ones,
inactive ones, people taking a break, self-reported Instagram and TikTok numbers, hidden counts,
and a few creators that are not listed (pending or hidden).

Everything comes from one seeded `random.Random`, so the same `now` gives the same document.
Links use reserved example domains (RFC 2606/6761) where the platform allows any host; platforms
bound to their own host (YouTube, Instagram, …) get "mhvdemo" handles. The importer marks every
link of an `is_demo` creator as never to be fetched. Bios follow safe-messaging guidance: calm,
hopeful, no method detail.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.text import slugify

from .models import PLATFORMS_WITHOUT_API, CreatorStatus, CreatorType, Platform
from .services.import_validation import FORMAT

SEED = 20250601
SNAPSHOT_EVERY = dt.timedelta(days=14)
SNAPSHOT_COUNT = 13  # about six months
# The archetypes below describe 30 days of behaviour; snapshots cover the scorer's own window
# (settings.SCORING_WINDOW_DAYS, the one source of truth), with counts scaled to its length, so a
# demo profile never says "last 30 days" beside a method that says 90.
ARCHETYPE_DAYS = 30

FIRST_NAMES = (
    "Ada", "Bea", "Cal", "Dev", "Eli", "Fen", "Gus", "Hana", "Ines", "Jun", "Kai", "Lior",
    "Mara", "Nico", "Oona", "Pia", "Quinn", "Remy", "Sami", "Tove", "Uma", "Vik", "Wren",
    "Xavi", "Yara", "Zeb", "Alba", "Bo", "Cleo", "Dara", "Emre", "Fola", "Gio", "Hal", "Isla",
    "Jude", "Kit", "Luz", "Mo", "Noor", "Ola", "Pax", "Rhea", "Sol", "Tam", "Ula", "Vera",
    "Wim", "Yuki", "Zara", "Ari", "Ezra", "Lina", "Omar", "Rosa", "Ivo",
)  # fmt: skip
SURNAMES = (
    "Exampleton", "Samplewood", "Placeholm", "Demoford", "Fictley", "Mockridge", "Testwell",
    "Proxley", "Sketchbury", "Draftmoor",
)  # fmt: skip
ORGANISATIONS = (
    "Example Valley Peer Network",
    "Lantern House Sample Collective",
    "Harbour Lights Demo Circle",
    "Placeholder Bay Recovery Café",
)

TOPIC_PHRASES = {
    "anxiety": "living with anxiety",
    "depression": "the slow work of recovery from depression",
    "bipolar": "life with bipolar disorder",
    "ptsd-trauma": "healing after trauma",
    "eating-disorders": "recovery from an eating disorder",
    "ocd": "living well with OCD",
    "adhd": "adult ADHD",
    "autism-neurodivergence": "autistic and neurodivergent life",
    "psychosis": "recovery after psychosis",
    "addiction-recovery": "addiction recovery, one day at a time",
    "grief": "grief and remembering",
    "self-harm-recovery": "recovery and finding support",
    "suicide-prevention": "hope, connection and where to find support",
    "perinatal": "mental health around pregnancy and early parenthood",
    "lgbtq": "LGBTQ+ mental health",
    "mens-mental-health": "men talking about mental health",
    "bipoc-mental-health": "mental health in BIPOC communities",
    "chronic-illness": "chronic illness and mental health",
    "caregiving": "looking after yourself while caring for others",
    "general-wellbeing": "everyday wellbeing",
}
CONTENT_NOTES = {
    "grief": "discusses bereavement",
    "eating-disorders": "discusses eating disorder recovery (no numbers)",
    "self-harm-recovery": "discusses self-harm recovery",
    "suicide-prevention": "discusses suicidal feelings and recovery",
    "ptsd-trauma": "discusses trauma",
}
BIOS = {
    CreatorType.LIVED_EXPERIENCE: "Writes about {phrase} from lived experience, and what helps.",
    CreatorType.PEER_SUPPORTER: "Peer supporter sharing {phrase} and answering readers' questions.",
    CreatorType.PROFESSIONAL: "Licensed therapist with plain-language notes on {phrase}.",
    CreatorType.ORGANISATION: "A peer-led group hosting gentle conversations about {phrase}.",
}
ABOUT = (
    "This is a fictional demo profile for trying out Mental Health Voices; the person and the "
    "numbers are invented. If you are struggling right now, the crisis resources page lists "
    "people you can talk to."
)
COUNTRIES = (
    ("GB", ["en"]), ("IE", ["en", "ga"]), ("US", ["en"]), ("US", ["en", "es"]),
    ("CA", ["en", "fr"]), ("AU", ["en"]), ("NZ", ["en"]), ("DE", ["de"]), ("FR", ["fr"]),
    ("ES", ["es"]),
    ("NL", ["nl", "en"]), ("SE", ["sv"]), ("ZA", ["en"]), ("IN", ["en", "hi"]), ("NG", ["en"]),
    ("KE", ["en", "sw"]), ("BR", ["pt"]), ("MX", ["es"]),
)  # fmt: skip


@dataclass(frozen=True)
class Archetype:
    """How a kind of account behaves over 30 days (scaled to the scoring window)."""

    name: str
    count: int
    followers: tuple[int, int]
    posts: tuple[int, int]
    comments_per_post: tuple[float, float]
    reply_share: tuple[float, float]  # share of commented posts where the creator replied
    replies_to_others: tuple[int, int]
    days_since_post: tuple[int, int] = (0, 6)


ARCHETYPES = (
    Archetype("large_silent", 6, (100_000, 650_000), (15, 40), (20, 120), (0.0, 0.05), (0, 2)),
    # Large accounts that do answer their community: the score must not read "anti-followers".
    # They reply nearly everywhere and join others' threads, so they rank near the top: the demo
    # shows that a big audience that converses ranks high, not that small is better.
    Archetype("large_responsive", 5, (100_000, 400_000), (12, 30), (15, 60), (0.85, 1.0), (20, 45)),
    Archetype("small_responsive", 9, (200, 1_500), (4, 12), (2, 9), (0.85, 1.0), (8, 40)),
    # Small accounts that post but rarely reply: being small earns nothing by itself.
    Archetype("small_quiet", 5, (300, 1_600), (4, 15), (1, 5), (0.0, 0.15), (0, 2)),
    Archetype("medium", 16, (5_000, 60_000), (6, 20), (4, 25), (0.1, 0.85), (1, 20)),
    Archetype("medium_responsive", 3, (5_000, 60_000), (8, 20), (5, 20), (0.85, 1.0), (15, 40)),
    Archetype("inactive", 6, (800, 30_000), (2, 8), (1, 6), (0.2, 0.6), (0, 5), (100, 170)),
    Archetype("on_break", 4, (600, 15_000), (3, 10), (2, 8), (0.6, 0.95), (2, 12), (40, 75)),
    Archetype("self_reported", 6, (2_000, 120_000), (8, 25), (5, 40), (0.1, 0.8), (0, 10)),
)
API_PLATFORMS = [p for p in Platform.values if p not in PLATFORMS_WITHOUT_API]
NO_API_PLATFORMS = [p for p in Platform.values if p in PLATFORMS_WITHOUT_API]
NOT_LISTED = {3: CreatorStatus.PENDING, 17: CreatorStatus.PENDING, 29: CreatorStatus.HIDDEN}


def demo_url(platform: str, handle: str) -> str:
    """A URL the platform detection accepts but that never reaches a real account."""
    under = handle.replace("-", "_")
    return {
        "blog": f"https://{handle}.example.org/",
        "wordpress": f"https://{handle}.example.net/",
        "substack": f"https://newsletter.{handle}.example/",
        "medium": f"https://{handle}.example.com/",
        "podcast": f"https://podcast.{handle}.example/feed.xml",
        "youtube": f"https://www.youtube.com/@mhvdemo-{handle}",
        "mastodon": f"https://mastodon.example/@{under}",
        "bluesky": f"https://bsky.app/profile/{handle}.example.com",
        "instagram": f"https://www.instagram.com/mhvdemo_{under}",
        "tiktok": f"https://www.tiktok.com/@mhvdemo_{under}",
        "x": f"https://x.com/mhvdemo_{under}",
        "facebook": f"https://www.facebook.com/mhvdemo.{under}",
        "threads": f"https://www.threads.net/@mhvdemo_{under}",
        "reddit": f"https://www.reddit.com/user/mhvdemo_{under}",
        "other": f"https://{handle}.example/",
    }[platform]


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class _Builder:
    def __init__(self, now: dt.datetime) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
        # Whole hours, so that two runs within the same hour produce the same snapshots.
        self.now = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        self.platform_cycle = 0
        self.archetypes: dict[str, str] = {}

    def names(self, count: int) -> list[str]:
        people = [f"{first} {SURNAMES[i % len(SURNAMES)]}" for i, first in enumerate(FIRST_NAMES)]
        self.rng.shuffle(people)
        return list(ORGANISATIONS) + people[: count - len(ORGANISATIONS)]

    def platforms_for(self, archetype: Archetype) -> list[str]:
        if archetype.name == "self_reported":
            return [self.rng.choice(["instagram", "tiktok"])]
        count = self.rng.choice([1, 2, 2, 3])
        # Cycle through every API platform first so each one appears, then mix in the rest.
        chosen = [API_PLATFORMS[self.platform_cycle % len(API_PLATFORMS)]]
        self.platform_cycle += 1
        pool = [p for p in Platform.values if p not in chosen]
        chosen += self.rng.sample(pool, count - 1)
        return chosen

    def snapshots(
        self, archetype: Archetype, platform: str, index: int, *, first: bool
    ) -> list[dict[str, Any]]:
        rng = self.rng
        no_api = platform in PLATFORMS_WITHOUT_API
        source = "self_reported" if no_api and index % 4 else ("moderator" if no_api else "api")
        followers = rng.randint(*archetype.followers)
        growth = rng.uniform(-0.002, 0.02)
        # A hidden subscriber count, never on a creator's first link: every demo person keeps a
        # known audience size, so the size-based lists (Emerging voices) stay consistent.
        hide_followers = not first and platform == "youtube" and index % 3 == 0
        has_following = platform in {"mastodon", "bluesky", "x", "threads", "instagram", "tiktok"}
        count = 4 if archetype.name == "self_reported" else SNAPSHOT_COUNT
        every = SNAPSHOT_EVERY * (3 if archetype.name == "self_reported" else 1)
        last_post = self.now - dt.timedelta(days=rng.randint(*archetype.days_since_post))
        window_days = settings.SCORING_WINDOW_DAYS
        scale = window_days / ARCHETYPE_DAYS
        window = dt.timedelta(days=window_days)
        result = []
        for step in range(count):
            captured = self.now - every * (count - 1 - step) - dt.timedelta(hours=1 + index % 5)
            followers = max(0, int(followers * (1 + growth)))
            if captured >= last_post:
                post_at = last_post
            else:  # still posting at the time of this snapshot
                post_at = captured - dt.timedelta(hours=rng.randint(2, 120))
            # Nothing posted inside the window once the last post is older than the window.
            posts = (
                round(rng.randint(*archetype.posts) * scale) if captured - post_at <= window else 0
            )
            commented = min(posts, round(posts * rng.uniform(0.7, 1.0)))
            comments = round(posts * rng.uniform(*archetype.comments_per_post))
            with_reply = min(commented, round(commented * rng.uniform(*archetype.reply_share)))
            replies = round(with_reply * rng.uniform(1.0, 2.5))
            snapshot: dict[str, Any] = {
                "captured_at": _iso(captured),
                "source": source,
                "followers": None if hide_followers else followers,
                "following": rng.randint(50, 900) if has_following else None,
                "posts_total": 40 + step * 10 + posts,
                "window_days": window_days,
                "posts_in_window": posts,
                "comments_in_window": comments,
                "unique_commenters_in_window": (
                    None if no_api else round(comments * rng.uniform(0.4, 0.8))
                ),
                "posts_with_comments": commented,
                "creator_replies_in_window": replies,
                "posts_with_creator_reply": with_reply,
                "replies_to_others_in_window": (
                    None
                    if no_api or not posts
                    else round(rng.randint(*archetype.replies_to_others) * scale)
                ),
                "likes_in_window": None if index % 7 == 0 else posts * rng.randint(5, 400),
                "shares_in_window": None if no_api else posts * rng.randint(0, 20),
                "last_post_at": _iso(post_at),
            }
            if hide_followers:
                snapshot["notes"] = "subscriber count hidden by the channel"
            result.append(snapshot)
        return result

    def creator(self, index: int, name: str, archetype: Archetype) -> dict[str, Any]:
        rng = self.rng
        is_org = name in ORGANISATIONS
        creator_type = (
            CreatorType.ORGANISATION
            if is_org
            else rng.choice(
                [CreatorType.LIVED_EXPERIENCE] * 3
                + [CreatorType.PEER_SUPPORTER, CreatorType.PROFESSIONAL]
            )
        )
        # One or two topics, and the bio and content notes say exactly those: a profile never
        # writes about one subject under another subject's content note.
        topics = rng.sample(sorted(TOPIC_PHRASES), rng.randint(1, 2))
        country, languages = rng.choice(COUNTRIES)
        slug = slugify(name)
        data: dict[str, Any] = {
            "name": name,
            "slug": slug,
            "bio": BIOS[creator_type].format(phrase=" and ".join(TOPIC_PHRASES[t] for t in topics)),
            "about": ABOUT,
            "content_notes": "; ".join(CONTENT_NOTES[t] for t in topics if t in CONTENT_NOTES),
            "creator_type": creator_type.value,
            "topics": topics,
            "languages": languages,
            "country": country,
            "status": NOT_LISTED.get(index, CreatorStatus.APPROVED).value,
            "is_demo": True,
            "links": [
                {
                    "platform": platform,
                    "url": demo_url(platform, slug),
                    "verified": rng.random() < 0.3,
                    "snapshots": self.snapshots(archetype, platform, index + n, first=n == 0),
                }
                for n, platform in enumerate(self.platforms_for(archetype))
            ],
        }
        if archetype.name == "on_break":
            data["on_break_until"] = _iso(self.now + dt.timedelta(days=rng.randint(20, 120)))
        return data

    def document(self) -> dict[str, Any]:
        total = sum(a.count for a in ARCHETYPES)
        names = self.names(total)
        kinds = [a for a in ARCHETYPES for _ in range(a.count)]
        self.rng.shuffle(kinds)
        creators = [self.creator(i, name, kinds[i]) for i, name in enumerate(names)]
        self.archetypes = {c["slug"]: kinds[i].name for i, c in enumerate(creators)}
        return {"format": FORMAT, "creators": creators}


def build_demo_document(now: dt.datetime) -> dict[str, Any]:
    """The demo directory as an import document, with snapshots up to `now`."""
    return _Builder(now).document()


def demo_archetypes(now: dt.datetime) -> dict[str, str]:
    """slug → behaviour ("large_silent", "small_responsive", …) of the document for `now`."""
    builder = _Builder(now)
    builder.document()
    return builder.archetypes
