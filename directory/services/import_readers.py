"""Typed readers for the import validator: each checks one JSON value and, when it is wrong,
records an `ImportProblem` with its path and returns None, so validation carries on and can
report every problem in the document at once. The Clean* dataclasses are what validation
hands to the import.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from directory.models import COUNT_FIELDS, StatsSnapshot

# Largest value each count column holds on every database we support.
INT_MAX = 2**31 - 1  # the largest count an integer column holds
_BIG_MAX = 2**63 - 1
_BIG_COUNTS = frozenset(
    f.name
    for f in StatsSnapshot._meta.get_fields()
    if f.name in COUNT_FIELDS and f.get_internal_type() == "BigIntegerField"
)


# What validation hands to the import: the document's creators, links and snapshots, checked.
@dataclass
class CleanSnapshot:
    captured_at: dt.datetime
    source: str
    values: dict[str, Any]  # every measurement field (None = unknown) and "notes"


@dataclass
class CleanLink:
    path: str
    platform: str
    url: str
    fields: dict[str, Any]  # handle, external_id, verified, is_public when given
    snapshots: list[CleanSnapshot] = field(default_factory=list)


@dataclass
class CleanCreator:
    path: str
    slug: str
    fields: dict[str, Any]  # scalar Creator fields the file gives (name always)
    topics: list[str] | None = None
    languages: list[str] | None = None
    links: list[CleanLink] = field(default_factory=list)


@dataclass(frozen=True)
class ImportProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ImportValidationError(Exception):
    """The document cannot be imported; `problems` lists every reason, each with its path."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def choices_text(values: Any) -> str:
    return ", ".join(sorted(str(v) for v in values))


class FieldReader:
    """Collects problems; the readers below never raise."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(ImportProblem(path, message))

    # -- small typed readers; each returns None after reporting a problem ---------------------
    def check_keys(self, obj: dict, allowed: frozenset[str], path: str) -> None:
        for key in obj:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.error(where, f"unknown field (allowed: {choices_text(allowed)})")

    def text(self, value: Any, path: str, limit: int) -> str | None:
        if not isinstance(value, str):
            self.error(path, "must be a string")
            return None
        value = value.strip()
        if "\x00" in value:  # PostgreSQL cannot store it: refuse it here, with its place
            self.error(path, "contains a NUL character (\\u0000), which cannot be stored")
            return None
        if len(value) > limit:
            self.error(path, f"too long ({len(value)} characters; at most {limit})")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.error(path, "must be true or false")
            return None
        return value

    def choice(self, value: Any, path: str, choices: Any, what: str) -> str | None:
        allowed = [str(c) for c in choices]
        if not isinstance(value, str) or value not in allowed:
            self.error(path, f"unknown {what} {value!r} (one of: {choices_text(allowed)})")
            return None
        return value

    def datetime(self, value: Any, path: str, *, nullable: bool) -> tuple[bool, dt.datetime | None]:
        """(ok, value): ISO 8601 with a time zone, e.g. 2025-03-01T12:00:00Z."""
        if value is None and nullable:
            return True, None
        parsed = None
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
        if parsed is None or timezone.is_naive(parsed):
            self.error(
                path, "not an ISO 8601 date-time with a time zone (e.g. 2025-03-01T12:00:00Z)"
            )
            return False, None
        return True, parsed

    def count(self, value: Any, path: str, name: str) -> tuple[bool, int | None]:
        if value is None:
            return True, None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.error(path, "must be a whole number or null")
                return False, None
        if value < 0:
            self.error(path, "must not be negative")
            return False, None
        if value > (_BIG_MAX if name in _BIG_COUNTS else INT_MAX):
            self.error(path, "is too large")
            return False, None
        if name == "window_days" and value == 0:
            self.error(path, "must be at least 1 day")
            return False, None
        return True, value

    def string_list(self, value: Any, path: str) -> list[str] | None:
        if not isinstance(value, list):
            self.error(path, "must be a list of strings")
            return None
        result: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{path}[{index}]", "must be a non-empty string")
                continue
            result.append(item.strip())
        return result


# --- the JSON text itself ----------------------------------------------------------------------

# Far above any real directory export; a larger file is almost surely a mistake.
MAX_DOCUMENT_BYTES = 20_000_000
_DOCUMENT = "(document)"


class _RepeatedKeys(dict):
    """An object in which some key appeared more than once (json keeps only the last)."""

    __slots__ = ("repeated",)
    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result  # the usual case: a plain dict, nothing extra kept per object
    repeated = _RepeatedKeys(result)
    repeated.repeated = []
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen and key not in repeated.repeated:
            repeated.repeated.append(key)
        seen.add(key)
    return repeated


def read_document_bytes(stream: BinaryIO) -> bytes:
    """At most one byte more than MAX_DOCUMENT_BYTES: enough to refuse an oversized file
    without reading all of it."""
    return stream.read(MAX_DOCUMENT_BYTES + 1)


def read_json_document(text: str | bytes) -> Any:
    """Parse an import file, refusing what json.loads would accept but a reviewer would misread.

    A repeated key is refused with its path: `json` keeps the last value silently, so a reviewer
    reading `"status": "pending"` could see "approved" applied. Also refused with a message
    rather than a traceback: a file over MAX_DOCUMENT_BYTES, and nesting too deep to parse.
    """
    if len(text) > MAX_DOCUMENT_BYTES:
        raise ImportValidationError(
            [ImportProblem(_DOCUMENT, f"too large (at most {MAX_DOCUMENT_BYTES:,} bytes)")]
        )
    repeats: list[_RepeatedKeys] = []

    def on_object(pairs: list[tuple[str, Any]]) -> dict:
        result = _object(pairs)
        if type(result) is _RepeatedKeys:
            repeats.append(result)
        return result

    try:
        data = json.loads(text, object_pairs_hook=on_object)
    except RecursionError:
        raise ImportValidationError(
            [ImportProblem(_DOCUMENT, "nested too deeply to be an import file")]
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportValidationError([ImportProblem(_DOCUMENT, f"not valid JSON ({exc})")]) from None
    if not repeats:
        return data  # the usual case: no need to walk the document for their paths
    problems = [
        ImportProblem(f"{path}.{key}" if path else key, "appears more than once in this object")
        for path, value in _repeated_keys(data)
        for key in value.repeated
    ]
    if problems:
        raise ImportValidationError(problems)
    return data


def _repeated_keys(data: Any) -> list[tuple[str, _RepeatedKeys]]:
    """(path, object) of every object with a repeated key, sorted by path.

    Iterative (a deep document must not recurse), and it keeps only what it reports: paths are
    made for objects and lists, which are far fewer than the values in a large document."""
    found: list[tuple[str, _RepeatedKeys]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _RepeatedKeys):
            found.append((path, value))
        if isinstance(value, dict):
            stack.extend(
                (f"{path}.{k}" if path else str(k), v)
                for k, v in value.items()
                if isinstance(v, dict | list)
            )
        elif isinstance(value, list):
            stack.extend(
                (f"{path}[{i}]", v) for i, v in enumerate(value) if isinstance(v, dict | list)
            )
    found.sort(key=lambda item: item[0])
    return found
