"""Serializers of the read-only JSON API (`/api/creators/`).

They read only what `Creator.objects.with_listing_data()` has already loaded (`public_links`
with their `latest_snapshot`, topics, languages), so a page costs a constant number of queries.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directory.scoring.explain import breakdown_for_links

from .models import MEASUREMENT_FIELDS, Creator, PlatformLink, StatsSnapshot

_DATETIME_FIELD = serializers.DateTimeField()


def _datetime(value: Any) -> str | None:
    """A date-time as DRF's DateTimeField writes it (ISO 8601 in the current time zone)."""
    return None if value is None else _DATETIME_FIELD.to_representation(value)


class SnapshotSerializer(serializers.ModelSerializer):
    """The latest statistics of a link; null measurements are unknown, not zero."""

    class Meta:
        model = StatsSnapshot
        # `lower_bounds` names the measurements that are "at least" their value.
        fields = ["captured_at", "source", *MEASUREMENT_FIELDS, "lower_bounds"]
        read_only_fields = fields


class PlatformLinkSerializer(serializers.ModelSerializer):
    followers = serializers.SerializerMethodField()

    class Meta:
        model = PlatformLink
        fields = ["platform", "url", "followers", "verified", "last_fetched_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_followers(self, link: PlatformLink) -> int | None:
        snapshot = link.latest_snapshot
        return snapshot.followers if snapshot is not None else None

    def to_representation(self, link: PlatformLink) -> dict[str, Any]:
        if type(self) is not PlatformLinkSerializer:
            return super().to_representation(link)
        # Written out: the generic field-by-field walk cost more than the page's queries.
        return {
            "platform": link.platform,
            "url": link.url,
            "followers": self.get_followers(link),
            "verified": link.verified,
            "last_fetched_at": _datetime(link.last_fetched_at),
        }


class PlatformLinkDetailSerializer(PlatformLinkSerializer):
    latest_snapshot = SnapshotSerializer(read_only=True, allow_null=True)

    class Meta(PlatformLinkSerializer.Meta):
        fields = [*PlatformLinkSerializer.Meta.fields, "handle", "latest_snapshot"]
        read_only_fields = fields


class CreatorListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Absolute URL of the creator's profile page.")
    interactivity_score = serializers.SerializerMethodField(
        help_text="0–100, rounded to one decimal; null until scored."
    )
    topics = serializers.SerializerMethodField(help_text="Topic slugs.")
    languages = serializers.SerializerMethodField(help_text="Language codes (ISO 639-1).")
    country = serializers.SerializerMethodField(help_text="ISO 3166 alpha-2 code, or null.")
    platforms = serializers.SerializerMethodField()
    on_break = serializers.BooleanField(
        source="is_on_break",
        read_only=True,
        help_text="Taking a break: until the date set, and at most six months after the last post.",
    )

    link_serializer = PlatformLinkSerializer

    class Meta:
        model = Creator
        fields = [
            "slug",
            "name",
            "url",
            "interactivity_score",
            "score_confidence",
            "followers_total",
            "creator_type",
            "topics",
            "languages",
            "country",
            "last_active_at",
            "stats_stale",
            "on_break",
            "platforms",
        ]
        read_only_fields = fields

    def to_representation(self, creator: Creator) -> dict[str, Any]:
        if type(self) is not CreatorListSerializer:
            return super().to_representation(creator)
        # The list's fields written out, in Meta.fields order (a test holds them equal to the
        # generic walk): DRF's field-by-field walk was most of an API page's Python time.
        return {
            "slug": creator.slug,
            "name": creator.name,
            "url": self.get_url(creator),
            "interactivity_score": self.get_interactivity_score(creator),
            "score_confidence": creator.score_confidence,
            "followers_total": creator.followers_total,
            "creator_type": creator.creator_type,
            "topics": self.get_topics(creator),
            "languages": self.get_languages(creator),
            "country": self.get_country(creator),
            "last_active_at": _datetime(creator.last_active_at),
            "stats_stale": creator.stats_stale,
            "on_break": creator.is_on_break,
            "platforms": self.get_platforms(creator),
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, creator: Creator) -> str:
        request = self.context.get("request")
        path = creator.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field({"type": "number", "nullable": True})
    def get_interactivity_score(self, creator: Creator) -> float | None:
        score = creator.interactivity_score
        return None if score is None else round(score, 1)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_topics(self, creator: Creator) -> list[str]:
        return [topic.slug for topic in creator.topics.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, creator: Creator) -> list[str]:
        return [language.code for language in creator.languages.all()]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_country(self, creator: Creator) -> str | None:
        return creator.country.code or None

    @extend_schema_field(PlatformLinkSerializer(many=True))
    def get_platforms(self, creator: Creator) -> list[dict[str, Any]]:
        links = getattr(creator, "public_links", None)
        if links is None:  # not loaded through with_listing_data(): fall back to a query
            links = creator.links.filter(is_public=True).select_related("latest_snapshot")
        # One link serializer per list serializer, not one per creator: building a
        # ModelSerializer's fields is slow, and was nearly half of a 100-creator API page.
        child = self.__dict__.get("_link_child")
        if child is None:
            child = self.__dict__["_link_child"] = self.link_serializer(context=self.context)
        return [child.to_representation(link) for link in links]


class CreatorDetailSerializer(CreatorListSerializer):
    link_serializer = PlatformLinkDetailSerializer

    class Meta(CreatorListSerializer.Meta):
        fields = [
            *CreatorListSerializer.Meta.fields,
            "bio",
            "about",
            "content_notes",
            "score_breakdown",
            "score_version",
            "score_updated_at",
        ]
        read_only_fields = fields

    score_breakdown = serializers.SerializerMethodField(
        help_text="How the score was computed (components and per-link evidence)."
    )

    @extend_schema_field(PlatformLinkDetailSerializer(many=True))
    def get_platforms(self, creator: Creator) -> list[dict[str, Any]]:
        return super().get_platforms(creator)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_score_breakdown(self, creator: Creator) -> Any:
        """The stored breakdown without entries for links that are not public.

        The breakdown is written when the score is computed; a link hidden since then (by a
        moderator, or the account opting out) would otherwise still show until the next
        recompute.
        """
        data = creator.score_breakdown
        if not isinstance(data, dict):
            return {}  # the schema promises an object; anything else is not a breakdown
        if not isinstance(data.get("links"), list):
            return data
        links = getattr(creator, "public_links", None)
        if links is None:
            links = creator.links.filter(is_public=True)
        return breakdown_for_links(creator.score_breakdown, {link.pk for link in links})
