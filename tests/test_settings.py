import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_url


def test_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", default=False)


def test_bad_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("FETCH_INTERVAL_HOURS", "daily")
    with pytest.raises(ImproperlyConfigured, match="FETCH_INTERVAL_HOURS"):
        env_int("FETCH_INTERVAL_HOURS", 24)


def test_bad_database_url_scheme_names_the_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql2://x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_url("DATABASE_URL", None, schemes=("sqlite", "postgres"))


def test_production_refuses_to_start_without_secret_key(tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DEBUG": "false", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent),
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
