"""factory_boy factories for the directory's models."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from directory.models import (
    Creator,
    CreatorStatus,
    CreatorType,
    Language,
    Platform,
    PlatformLink,
    SnapshotSource,
    StatsSnapshot,
    Topic,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "en"
    name = "English"


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Creator {n}")
    slug = factory.Sequence(lambda n: f"creator-{n}")
    bio = "Writes about living with anxiety and what helps."
    creator_type = CreatorType.LIVED_EXPERIENCE
    status = CreatorStatus.APPROVED
    country = "GB"

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.add(*extracted)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.add(*extracted)


class PlatformLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformLink

    creator = factory.SubFactory(CreatorFactory)
    platform = Platform.BLOG
    url = factory.Sequence(lambda n: f"https://blog{n}.example.org/")


class StatsSnapshotFactory(factory.django.DjangoModelFactory):
    """A fetched snapshot of a moderately active blog; override any measurement."""

    class Meta:
        model = StatsSnapshot
        skip_postgeneration_save = True

    link = factory.SubFactory(PlatformLinkFactory)
    captured_at = factory.LazyFunction(timezone.now)
    source = SnapshotSource.API
    followers = 1000
    following = 100
    posts_total = 200
    window_days = 90
    posts_in_window = 12
    comments_in_window = 40
    unique_commenters_in_window = 25
    posts_with_comments = 10
    creator_replies_in_window = 20
    posts_with_creator_reply = 8
    replies_to_others_in_window = 6
    likes_in_window = 300
    shares_in_window = 20
    last_post_at = factory.LazyAttribute(lambda o: o.captured_at - dt.timedelta(days=2))

    @factory.post_generation
    def make_latest(self, create, extracted, **kwargs):
        if create:
            PlatformLink.objects.filter(pk=self.link_id).update(latest_snapshot=self)
            self.link.latest_snapshot = self
