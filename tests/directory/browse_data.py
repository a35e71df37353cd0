"""Builders for the browse-page tests: a directory big enough to expose N+1 queries."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from directory.models import Creator, Language, Platform, ScoreHistory, Topic
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

PLATFORMS = [Platform.WORDPRESS, Platform.MASTODON, Platform.YOUTUBE, Platform.INSTAGRAM]


def breakdown(score: float, why: str = "Replies in most conversations") -> dict:
    """A score breakdown in the schema the scoring helper writes."""
    return {
        "version": "1",
        "score": score,
        "raw_score": score + 2,
        "confidence": 0.8,
        "stale": False,
        "why": why,
        "components": [
            {
                "key": "responsiveness",
                "label": "Responsiveness",
                "value": 0.91,
                "weight": 0.30,
                "effective_weight": 0.33,
                "explanation": "Replied in 11 of 12 conversations in the last 90 days",
            },
            {
                "key": "reciprocity",
                "label": "Reciprocity",
                "value": None,
                "weight": 0.10,
                "effective_weight": 0.0,
                "explanation": "This platform does not show who an account follows",
            },
        ],
        "links": [],
    }


def build_directory(count: int = 36, links_each: int = 3, snapshots_each: int = 2) -> list[Creator]:
    """`count` approved creators, each with topics, languages, links, snapshots and history."""
    topics = list(Topic.objects.all()[:4])
    languages = [
        Language.objects.get_or_create(code="en", defaults={"name": "English"})[0],
        Language.objects.get_or_create(code="es", defaults={"name": "Spanish"})[0],
    ]
    now = timezone.now()
    creators = []
    for i in range(count):
        creator = CreatorFactory(
            name=f"Bulk creator {i:03d}",
            slug=f"bulk-{i:03d}",
            interactivity_score=float(90 - i),
            score_confidence=0.8,
            followers_total=1000 + i * 500,
            last_active_at=now - dt.timedelta(days=i),
            score_breakdown=breakdown(float(90 - i)),
            score_week_delta=float(i % 5 - 2),
            topics=topics[i % 4 : i % 4 + 2],
            languages=languages,
        )
        for j in range(links_each):
            link = PlatformLinkFactory(
                creator=creator,
                platform=PLATFORMS[j % len(PLATFORMS)],
                url=f"https://example.org/{i}/{j}/",
            )
            for k in range(snapshots_each):
                StatsSnapshotFactory(link=link, captured_at=now - dt.timedelta(days=k * 7 + j))
        ScoreHistory.objects.bulk_create(
            ScoreHistory(
                creator=creator, date=(now - dt.timedelta(days=d)).date(), score=50.0 + d % 7
            )
            for d in range(10)
        )
        creators.append(creator)
    return creators
