#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Development convenience (`make run` writes .env from .env.example). Only manage.py reads
    # it: gunicorn and Celery never do, so a stray file cannot change a deployment.
    from config.env import load_dotenv

    load_dotenv(Path(__file__).resolve().parent / ".env")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
