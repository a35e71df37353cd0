"""Small helpers shared by bench sections (`python -m bench.<name> --size N`)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from typing import Any


def section_args(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", type=int, required=True, help="creators in the bench database")
    return parser.parse_args(argv)


def django_setup() -> None:
    """Django configured from the environment bench/run.py passes (DATABASE_URL, REDIS_URL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    import django

    django.setup()


def emit(result: dict[str, Any]) -> None:
    """Print a section's result: one JSON object, the last line on stdout."""
    sys.stdout.flush()
    print(json.dumps(result, sort_keys=True), flush=True)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB of this process (or RUSAGE_CHILDREN: its waited-for children)."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)
