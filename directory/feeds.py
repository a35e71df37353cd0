"""Atom feeds of creators newly added to the directory: everyone (`/feeds/new/`) and per topic
(`/feeds/topics/<slug>/`). Only listed creators; links are absolute from settings.SITE_URL."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Creator, Topic

FEED_ITEMS = 30


class NewCreatorsFeed(Feed):
    feed_type = Atom1Feed
    title = "Mental Health Voices: new in the directory"
    subtitle = "People who speak openly about mental health, newly listed."

    def link(self) -> str:
        return settings.SITE_URL + reverse("directory:creator_list")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("directory:feed_new")

    def items(self) -> QuerySet[Creator]:
        return Creator.objects.listed().order_by("-created_at", "-pk")[:FEED_ITEMS]

    def item_title(self, creator: Creator) -> str:
        return creator.name

    def item_description(self, creator: Creator) -> str:
        return creator.bio

    def item_link(self, creator: Creator) -> str:
        return settings.SITE_URL + creator.get_absolute_url()

    def item_pubdate(self, creator: Creator):  # noqa: ANN201
        return creator.created_at

    def item_updateddate(self, creator: Creator):  # noqa: ANN201
        return creator.created_at


class TopicCreatorsFeed(NewCreatorsFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Topic:  # type: ignore[override]
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic: Topic) -> str:  # type: ignore[override]
        return f"Mental Health Voices: new voices on {topic.name}"

    def link(self, topic: Topic) -> str:  # type: ignore[override]
        return f"{settings.SITE_URL}{reverse('directory:creator_list')}?topic={topic.slug}"

    def feed_url(self, topic: Topic) -> str:  # type: ignore[override]
        return settings.SITE_URL + reverse("directory:feed_topic", args=[topic.slug])

    def items(self, topic: Topic) -> QuerySet[Creator]:  # type: ignore[override]
        return (
            Creator.objects.listed()
            .filter(topics=topic)
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )
