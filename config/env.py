"""Small typed readers for settings that come from environment variables.

Every reader fails loudly with a message naming the variable, so a typo in a deployment's
environment stops start-up instead of silently running with a default.
"""

from __future__ import annotations

import math
import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}.")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}.") from None
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name} must be a finite number, got {raw!r}.")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum:g}, got {value:g}.")
    return value


def env_choice(name: str, default: str, *, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words, compared case-insensitively and returned upper case."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {raw!r}.")
    return value


# DRF reads a rate as "<requests>/<period>" and looks only at the period's first letter.
_RATE = re.compile(r"^(\d+)/(s|sec|second|m|min|minute|h|hour|d|day)$", re.IGNORECASE)


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as `120/min`. Checked here because DRF only parses it on the first
    request, where a typo would make every API request fail instead of stopping start-up."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().replace(" ", "")
    if not _RATE.match(value):
        raise ImproperlyConfigured(
            f"{name} must be a rate like 120/min (periods: s, min, hour, day); got {raw!r}."
        )
    return value.lower()


def env_mapping_of_floats(name: str) -> dict[str, float]:
    """`key=number` pairs separated by commas, e.g. `reach=0.05,outreach=0.2`; empty when unset."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return {}
    result: dict[str, float] = {}
    for item in raw.split(","):
        key, sep, value = item.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            result[key.strip()] = float(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be key=number pairs separated by commas (like reach=0.05,"
                f"outreach=0.2); {item.strip()!r} is not."
            ) from None
    return result


_HOST_RATE = re.compile(r"^[1-9][0-9]*/[0-9]*\.?[0-9]+$")


def env_host_rates(name: str) -> dict[str, str]:
    """`host=requests/seconds` pairs, e.g. `mastodon.social=300/300,*=120/60`; empty when unset."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return {}
    result: dict[str, str] = {}
    for item in raw.split(","):
        host, _, rate = (part.strip() for part in item.partition("="))
        if not host or not _HOST_RATE.match(rate) or float(rate.split("/")[1]) <= 0:
            raise ImproperlyConfigured(
                f"{name} must be host=requests/seconds pairs separated by commas (like "
                f"mastodon.social=300/300,*=120/60); {item.strip()!r} is not."
            )
        result[host.lower()] = rate
    return result


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


# Schemes written without "//" (mailto:ops@example.org); every other URL is scheme://...
_OPAQUE_SCHEMES = frozenset({"mailto"})


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
    raw = env_str(name, default)
    if raw is None or raw == "":
        return default
    scheme, sep, rest = raw.partition(":")
    scheme = scheme.lower()
    opaque = scheme in _OPAQUE_SCHEMES
    if scheme not in schemes or not sep or (not opaque and not rest.startswith("//")) or not rest:
        prefixes = ", ".join(s + (":" if s in _OPAQUE_SCHEMES else "://") for s in schemes)
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {prefixes}; got {raw.split('@')[-1]!r}."
        )
    return raw


def load_dotenv(path) -> None:
    """Read KEY=VALUE lines from a local `.env` file into os.environ, without overriding.

    Only for development convenience (`make run` writes one from `.env.example`); real
    deployments set the environment directly.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=VALUE, got {line!r}.")
        key, value = line.split("=", 1)
        value = value.strip().strip("'\"")
        os.environ.setdefault(key.strip(), value)


_URL_PATH = re.compile(r"^(?:[A-Za-z0-9._~-]+/)+$")


def env_url_path(name: str, default: str) -> str:
    """A site-relative path prefix such as `admin/` or `staff/moderation/`: no leading slash,
    one trailing slash, only URL-safe characters (a typo must not mount a page somewhere odd)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if not _URL_PATH.match(value) or "/./" in f"/{value}" or "/../" in f"/{value}":
        raise ImproperlyConfigured(
            f"{name} must be a path like admin/ (letters, digits, . _ ~ -, ending in /, no "
            f"leading /); got {raw!r}."
        )
    return value
