"""YouTube (Data API v3): channel statistics and the conversation under recent videos.

Pasted forms (normalised by `canonical.youtube`): `/channel/UC…` (looked up by `id`), `/@handle`
(`forHandle`), `/user/Name` (`forUsername`), video links `watch?v=`, `youtu.be/`, `/shorts/`,
`/live/` (`videos?id=` → `snippet.channelId`). `/c/Name` addresses have no resolver in the API:
they are refused with a message asking for the channel's @handle. The `UC…` channel id is
stored as the external id and used on later fetches.

Fetching with `settings.YOUTUBE_API_KEY` against `settings.YOUTUBE_API_URL` (the key travels in
the `X-goog-api-key` header, so it never appears in a URL, a log line or a stored error):
1. `channels?part=snippet,statistics,contentDetails` (statistics are strings; a hidden
   subscriber count is unknown, not 0).
2. `playlistItems?part=contentDetails&maxResults=50` on the uploads playlist, by `pageToken`
   until the window is covered (at most `MAX_PLAYLIST_PAGES`).
3. `videos?part=statistics` for the window's videos, 50 ids per call. No `commentCount` means
   comments are turned off: that video is "not applicable", never 0 comments.
4. `commentThreads?part=snippet,replies&maxResults=100` for the newest videos with comments
   (at most `MAX_THREAD_VIDEOS` videos × `MAX_THREAD_PAGES` pages), and
   `comments?part=snippet&parentId=` where `totalReplyCount` exceeds the embedded replies (at
   most `MAX_REPLY_CALLS` per fetch). The channel replied when a reply's
   `snippet.authorChannelId.value` is the channel id.

Every call costs 1 quota unit and is counted first (`quota.spend`); at most
2 + MAX_PLAYLIST_PAGES + ceil(videos/50) + MAX_THREAD_VIDEOS × MAX_THREAD_PAGES +
MAX_REPLY_CALLS units per fetch (about 60). A 403 `quotaExceeded` stops all YouTube fetching
until the daily reset (midnight Pacific) and the link is retried after it.

YouTube does not expose a channel's comments on other channels, so replies to others are
unknown (None); shares are not exposed either. Without an API key the channel's public uploads
feed (`/feeds/videos.xml?channel_id=UC…`) gives activity only, and a note says so.

Operators: YouTube's Developer Policies restrict derived metrics such as our interactivity
score; see docs/deployment.md before enabling the API key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
from django.conf import settings

from . import apicalls, canonical, feeds, quota
from .base import WINDOW_COUNTS, FetchError, FetchResult, LinkRef, Measurements, UnsupportedURL
from .discussion import ThreadTally
from .payload import parse_datetime, to_int
from .urls import check_public_url, host_of

MAX_PLAYLIST_PAGES = 4  # 200 uploads
MAX_THREAD_VIDEOS = 15
MAX_THREAD_PAGES = 2  # 200 top-level comments per video
MAX_REPLY_CALLS = 20
FEED_URL = "https://www.youtube.com/feeds/videos.xml"

_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be"}
)
_CHANNEL_ID = re.compile(r"^UC[\w-]{22}$")
# Operator problems (bad key, API not enabled): retry later, the link itself is fine.
_CONFIG_REASONS = frozenset({"keyInvalid", "keyExpired", "accessNotConfigured", "forbidden"})
_CONFIG_RETRY = 6 * 3600.0


class _CommentsDisabled(Exception):
    pass


def lookup_of(url: str) -> tuple[str, str]:
    """("id" | "forHandle" | "forUsername" | "video", value) for a pasted YouTube URL."""
    if host_of(url) not in _HOSTS:
        raise UnsupportedURL("not a YouTube address")
    canonical_form = canonical.youtube(url)
    parts = urlsplit(canonical_form)
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[0] == "watch":
        return "video", parse_qs(parts.query)["v"][0]
    if segments and segments[0] == "channel":
        return "id", segments[1]
    if segments and segments[0].startswith("@"):
        return "forHandle", segments[0]
    return "forUsername", segments[1]


class YouTubeAdapter:
    platform: ClassVar[str] = "youtube"

    def matches(self, url: str) -> bool:
        return host_of(url) in _HOSTS

    def normalise(self, url: str) -> str:
        url = check_public_url(url)
        lookup_of(url)  # refuses /c/ and other non-channel addresses with a clear message
        return canonical.youtube(url)

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        start = apicalls.window_start(window_days)
        kind, value = lookup_of(link.url)
        if _CHANNEL_ID.match(link.external_id):
            kind, value = "id", link.external_id
        if not settings.YOUTUBE_API_KEY:
            return self._from_feed(client, kind, value, window_days)

        if kind == "video":
            videos = self._api(client, "videos", {"part": "snippet", "id": value})
            items = videos.get("items") or []
            if not items:
                raise FetchError("YouTube: the video is private or was removed", permanent=True)
            kind, value = "id", str(items[0]["snippet"]["channelId"])
        found = self._api(
            client, "channels", {"part": "snippet,statistics,contentDetails", kind: value}
        )
        channels = found.get("items") or []
        if not channels:
            raise FetchError("YouTube: no such channel", permanent=True)
        channel = channels[0]
        channel_id = str(channel["id"])
        stats = channel.get("statistics") or {}
        snippet = channel.get("snippet") or {}

        uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get(
            "uploads"
        )
        published, covered = self._uploads(client, uploads, start) if uploads else ({}, True)
        in_window = [vid for vid, when in published.items() if when >= start]
        statistics = self._video_statistics(client, in_window)
        notes: list[str] = []
        if not covered:
            notes.append(f"only the latest {len(published)} uploads were read")

        conversation = _Conversation(
            channel_id=channel_id, start=start, reply_calls_left=MAX_REPLY_CALLS
        )
        threads = conversation.threads
        partly_read = 0
        # Newest first, so the cap keeps the videos that matter most for a recent window.
        open_videos = [v for v in in_window if "commentCount" in statistics.get(v, {})]
        commented = [v for v in open_videos if to_int(statistics[v]["commentCount"])]
        unread_comments = unread_videos = read = 0
        for video in commented:
            if read >= MAX_THREAD_VIDEOS:
                # Past the cap the video's own counter stands in for the comments.
                unread_comments += to_int(statistics[video]["commentCount"]) or 0
                unread_videos += 1
                continue
            try:
                partly_read += not self._read_comments(client, video, conversation)
            except _CommentsDisabled:
                open_videos.remove(video)
                continue
            read += 1
        if unread_videos:
            notes.append(f"comments read on {read} of {read + unread_videos} videos with comments")
        if partly_read:
            notes.append(
                f"comments only partly read on {partly_read} videos (page or reply cap): "
                "comment counts are at least these"
            )
        lower = set(threads.lower_bounds(unread=unread_videos))
        if partly_read:
            lower.update(("comments_in_window", *threads.figures()))
        if not covered:
            lower.update(WINDOW_COUNTS)

        comments_known = bool(open_videos) or not in_window
        if in_window and not open_videos:
            notes.append("comments are turned off on the recent videos")
        measurements = Measurements(
            followers=(
                None if stats.get("hiddenSubscriberCount") else to_int(stats.get("subscriberCount"))
            ),
            following=None,
            posts_total=to_int(stats.get("videoCount")),
            window_days=window_days,
            posts_in_window=len(in_window),
            comments_in_window=(threads.comments + unread_comments) if comments_known else None,
            **(
                threads.figures(unread=unread_videos)
                if comments_known
                else dict.fromkeys(threads.figures())
            ),
            replies_to_others_in_window=None,  # YouTube does not expose it
            likes_in_window=(
                apicalls.sum_known(
                    [to_int(statistics.get(v, {}).get("likeCount")) for v in in_window]
                )
                if in_window
                else 0
            ),
            shares_in_window=None,
            last_post_at=max(published.values(), default=None),
        )
        return FetchResult(
            measurements=measurements,
            handle=str(snippet.get("customUrl") or ""),
            external_id=channel_id,
            display_name=str(snippet.get("title") or ""),
            avatar_url=str((snippet.get("thumbnails") or {}).get("default", {}).get("url") or ""),
            notes=tuple(notes),
            lower_bounds=tuple(name for name in WINDOW_COUNTS if name in lower),
        )

    # --- API calls ------------------------------------------------------------------------

    def _api(self, client: httpx.Client, resource: str, params: dict[str, Any]) -> dict[str, Any]:
        quota.spend(1)
        base = str(settings.YOUTUBE_API_URL).rstrip("/")
        what = f"YouTube {resource}"
        response = apicalls.get(
            client,
            f"{base}/{resource}",
            params=params,
            headers={"X-goog-api-key": settings.YOUTUBE_API_KEY},
            what=what,
        )
        if response.status_code in (400, 403, 404):
            reasons = _error_reasons(response)
            if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
                quota.stop_for_today()
                raise quota.QuotaExhausted(
                    "YouTube: the daily API quota is used up (quotaExceeded)",
                    retry_after=quota.seconds_until_reset(),
                )
            if "commentsDisabled" in reasons:
                raise _CommentsDisabled()
            if reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
                raise FetchError(f"{what}: too many requests", permanent=False, retry_after=60.0)
            if reasons & _CONFIG_REASONS:
                raise FetchError(
                    f"{what}: the API key was refused ({', '.join(sorted(reasons))}); "
                    "check YOUTUBE_API_KEY and that the YouTube Data API is enabled",
                    permanent=False,
                    retry_after=_CONFIG_RETRY,
                    status_code=response.status_code,
                )
            if reasons:
                raise FetchError(
                    f"{what}: {', '.join(sorted(reasons))}",
                    permanent=True,
                    status_code=response.status_code,
                )
        apicalls.raise_for_status(response, what=what)
        data = apicalls.json_body(response, what=what)
        if not isinstance(data, dict):
            raise FetchError(f"{what}: unexpected answer", permanent=False)
        return data

    def _uploads(
        self, client: httpx.Client, playlist: str, start: dt.datetime
    ) -> tuple[dict[str, dt.datetime], bool]:
        """{video id: published} newest first, and whether the window was covered."""
        params: dict[str, Any] = {
            "part": "contentDetails",
            "playlistId": playlist,
            "maxResults": 50,
        }
        published: dict[str, dt.datetime] = {}
        for _ in range(MAX_PLAYLIST_PAGES):
            try:
                data = self._api(client, "playlistItems", params)
            except FetchError as error:
                if error.permanent and "playlistNotFound" in error.message:
                    return published, True  # a channel that never uploaded has no playlist
                raise
            dates = []
            for item in data.get("items") or []:
                details = item.get("contentDetails") or {}
                when = parse_datetime(details.get("videoPublishedAt"))
                if when is None or not details.get("videoId"):
                    continue  # private or deleted upload
                published[str(details["videoId"])] = when
                dates.append(when)
            token = data.get("nextPageToken")
            if not token or (dates and min(dates) < start):
                return dict(sorted(published.items(), key=lambda kv: kv[1], reverse=True)), True
            params["pageToken"] = token
        return dict(sorted(published.items(), key=lambda kv: kv[1], reverse=True)), False

    def _video_statistics(self, client: httpx.Client, ids: list[str]) -> dict[str, dict]:
        statistics: dict[str, dict] = {}
        for offset in range(0, len(ids), 50):
            batch = ids[offset : offset + 50]
            data = self._api(client, "videos", {"part": "statistics", "id": ",".join(batch)})
            for item in data.get("items") or []:
                statistics[str(item.get("id"))] = item.get("statistics") or {}
        return statistics

    def _read_comments(
        self,
        client: httpx.Client,
        video: str,
        conversation: _Conversation,
    ) -> bool:
        """Add one video's comments to the conversation; False when a cap left some unread."""
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "videoId": video,
            "maxResults": 100,
            "textFormat": "plainText",
        }
        items: list[dict[str, Any]] = []
        complete = False
        for _ in range(MAX_THREAD_PAGES):
            data = self._api(client, "commentThreads", params)
            items.extend(t for t in data.get("items") or [] if isinstance(t, dict))
            token = data.get("nextPageToken")
            if not token:
                complete = True
                break
            params["pageToken"] = token
        commenters: list[str] = []
        answers = 0
        for thread in items:
            snippet = thread.get("snippet") or {}
            top = snippet.get("topLevelComment") or {}
            if conversation.counts(top) and _author(top) != conversation.channel_id:
                commenters.append(_author(top))
            replies = [
                r
                for r in (thread.get("replies") or {}).get("comments") or []
                if isinstance(r, dict)
            ]
            total = to_int(snippet.get("totalReplyCount")) or 0
            if total > len(replies):
                # Only some replies are embedded; the rest cost calls from the fetch's budget.
                paged, all_read = self._all_replies(client, str(thread.get("id")), conversation)
                replies = paged if len(paged) > len(replies) else replies
                complete = complete and all_read
            for reply in filter(conversation.counts, replies):
                if _author(reply) == conversation.channel_id:
                    answers += 1
                else:
                    commenters.append(_author(reply))
        conversation.threads.add_thread(commenters=commenters, creator_replies=answers)
        return complete

    def _all_replies(
        self, client: httpx.Client, parent: str, conversation: _Conversation
    ) -> tuple[list[dict[str, Any]], bool]:
        """A thread's replies and whether all were read within the reply budget."""
        params: dict[str, Any] = {"part": "snippet", "parentId": parent, "maxResults": 100}
        replies: list[dict[str, Any]] = []
        while conversation.reply_calls_left > 0:
            conversation.reply_calls_left -= 1
            data = self._api(client, "comments", params)
            replies.extend(r for r in data.get("items") or [] if isinstance(r, dict))
            token = data.get("nextPageToken")
            if not token:
                return replies, True
            params["pageToken"] = token
        return replies, False

    # --- no API key -----------------------------------------------------------------------

    def _from_feed(
        self, client: httpx.Client, kind: str, value: str, window_days: int
    ) -> FetchResult:
        if kind != "id":
            raise FetchError(
                "no YouTube API key: an @handle, user or video address cannot be looked up "
                "without one; set YOUTUBE_API_KEY or use the channel's /channel/UC… address",
                permanent=False,
                retry_after=24 * 3600.0,
            )
        feed = feeds.fetch_feed(
            client, f"{FEED_URL}?channel_id={value}", window_days=window_days, discover=False
        )
        # The uploads feed lists only the latest 15 uploads: when all are in the window, the
        # count is a lower bound and must say so.
        truncated = (
            (
                "the uploads feed lists only its latest 15 uploads: at least "
                f"{feed.measurements.posts_in_window} in the window",
            )
            if feed.lower_bounds
            else ()
        )
        return FetchResult(
            measurements=feed.measurements,
            external_id=value,
            display_name=feed.display_name,
            notes=("no YouTube API key: activity only", *truncated),
            lower_bounds=feed.lower_bounds,
        )


@dataclass
class _Conversation:
    """What one fetch has read of the comments under the window's videos."""

    channel_id: str
    start: dt.datetime
    threads: ThreadTally = field(default_factory=ThreadTally)
    reply_calls_left: int = 0

    def counts(self, comment: dict[str, Any]) -> bool:
        """Comments older than the window do not count (a thread lists all of them)."""
        published = parse_datetime((comment.get("snippet") or {}).get("publishedAt"))
        return published is None or published >= self.start


def _author(comment: dict[str, Any]) -> str:
    snippet = comment.get("snippet") or {}
    return str((snippet.get("authorChannelId") or {}).get("value") or "")


def _error_reasons(response: httpx.Response) -> set[str]:
    try:
        data = response.json()
    except ValueError:
        return set()
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return set()
    return {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}


ADAPTER = YouTubeAdapter()
