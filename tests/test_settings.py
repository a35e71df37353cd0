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


def _run_python(tmp_path, code: str, **env: str):
    """Run `code` in a clean process with only these variables (and no .env)."""
    import pathlib
    import subprocess
    import sys

    return subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        cwd=str(pathlib.Path(__file__).resolve().parent.parent),
        check=False,
    )


def _import_settings(tmp_path, **env: str):
    """Import config.settings in a clean process with only these variables (and no .env)."""
    code = "import config.settings as s; print(s.REST_FRAMEWORK)"
    return _run_python(tmp_path, code, **{"DEBUG": "true", **env})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        # DRF parses rates on the first request: unchecked, every API call answered 500.
        ("API_THROTTLE_ANON", "lots"),
        ("API_THROTTLE_USER", "5/fortnight"),
        ("API_THROTTLE_ANON", "/min"),
        # logging.config raised "Unable to configure root logger", naming nothing.
        ("LOG_LEVEL", "LOUD"),
        ("SITE_URL", "mhvoices.example"),
        ("FETCH_TIMEOUT_SECONDS", "0"),
        ("FETCH_TIMEOUT_SECONDS", "nan"),
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    result = _import_settings(tmp_path, **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} must be" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("reach", "SCORING_WEIGHTS must be key=number pairs"),
        ("reach=lots", "SCORING_WEIGHTS must be key=number pairs"),
        ("kindness=0.2", "SCORING_WEIGHTS is invalid: unknown scoring weight 'kindness'"),
        ("reach=0.9", "SCORING_WEIGHTS is invalid: reach may carry at most 15%"),
        ("outreach=-1", "SCORING_WEIGHTS is invalid: scoring weight 'outreach' must be"),
    ],
)
def test_bad_scoring_weights_stop_start_up(tmp_path, value, message):
    """Found only at recompute time, a bad override would quietly stop scores updating."""
    result = _import_settings(tmp_path, SCORING_WEIGHTS=value)
    assert result.returncode != 0
    assert message in result.stderr


def test_scoring_weights_are_read_from_the_environment(tmp_path):
    import pathlib
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.SCORING_WEIGHTS)"],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "DEBUG": "true",
            "SCORING_WEIGHTS": "reach=0.05, outreach=0.2",
        },
        capture_output=True,
        text=True,
        cwd=str(pathlib.Path(__file__).resolve().parent.parent),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'reach': 0.05, 'outreach': 0.2}"


@pytest.mark.parametrize("value", ["mastodon.social", "*=fast", "x.example=0/60", "=300/300"])
def test_bad_host_rate_limits_stop_start_up(tmp_path, value):
    result = _import_settings(tmp_path, FETCH_RATE_LIMITS=value)
    assert result.returncode != 0
    assert "FETCH_RATE_LIMITS must be host=requests/seconds pairs" in result.stderr


def test_host_rate_limits_reach_the_rate_limiter(monkeypatch, settings):
    from config.env import env_host_rates
    from directory.platforms.ratelimit import Rate, rate_for

    monkeypatch.setenv("FETCH_RATE_LIMITS", "Social.Example=30/60, *=5/1")
    settings.FETCH_RATE_LIMITS = env_host_rates("FETCH_RATE_LIMITS")
    assert rate_for("social.example") == Rate(30, 60.0)
    assert rate_for("blog.example.net") == Rate(5, 1.0)


def test_good_rates_and_log_level_are_accepted_in_any_case(tmp_path):
    result = _import_settings(
        tmp_path, API_THROTTLE_ANON="30/Hour", API_THROTTLE_USER="5/s", LOG_LEVEL="warning"
    )
    assert result.returncode == 0, result.stderr
    assert "'anon': '30/hour'" in result.stdout
    assert "'user': '5/s'" in result.stdout


def test_env_rate_matches_what_drf_can_parse(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    from config.env import env_rate

    for rate in ("1/s", "120/min", "1000/hour", "5/day", "7/Minute"):
        monkeypatch.setenv("API_THROTTLE_ANON", rate)
        parsed = SimpleRateThrottle.parse_rate(None, env_rate("API_THROTTLE_ANON", "1/s"))
        assert parsed[0] == int(rate.split("/")[0])


def test_every_environment_variable_is_documented_in_readme_and_env_example():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    settings_src = (root / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_[a-z]+\(\s*"([A-Z_]+)"', settings_src))
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= read
    readme_table = set(re.findall(r"^\| `([A-Z_]+)`", (root / "README.md").read_text(), re.M))
    readme_table |= set(
        re.findall(r"^\| `[A-Z_]+` / `([A-Z_]+)`", (root / "README.md").read_text(), re.M)
    )
    example = set(re.findall(r"^#? ?([A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    assert read - readme_table == set(), "missing from README's Configuration table"
    assert read - example == set(), "missing from .env.example"


def test_debug_is_refused_next_to_a_public_host_name(tmp_path):
    """A stray DEBUG=true on a real deployment shows settings and tracebacks to anyone."""
    result = _import_settings(tmp_path, ALLOWED_HOSTS="mhvoices.example,localhost")
    assert result.returncode != 0
    assert "DEBUG=true is for local development only" in result.stderr
    assert "mhvoices.example" in result.stderr


def test_importing_pytest_does_not_relax_production_settings(tmp_path):
    """Test mode used to be guessed from "pytest" in sys.modules, dropping the SECRET_KEY
    requirement in any process that imported pytest."""
    result = _run_python(tmp_path, "import pytest, config.settings")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_refresh_task_is_registered_outside_a_worker(tmp_path):
    """A web process never runs Celery's autodiscovery; services.enqueue's lookup by name used
    to fail there, and every send was reported as "broker unavailable"."""
    code = (
        "import django; django.setup(); from celery import current_app; "
        "print('directory.tasks.refresh_link' in current_app.tasks)"
    )
    result = _run_python(tmp_path, code, DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    assert result.stdout.strip() == "True", result.stderr


def test_only_manage_py_reads_dotenv():
    """gunicorn (config.wsgi), Celery (config.celery) and the settings never load `.env`."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    for name in ("config/settings.py", "config/wsgi.py", "config/asgi.py", "config/celery.py"):
        assert "load_dotenv" not in (root / name).read_text(), name
    assert "load_dotenv(" in (root / "manage.py").read_text()


def test_behind_proxy_is_refused_with_what_replaces_it(tmp_path):
    result = _import_settings(tmp_path, BEHIND_PROXY="true")
    assert result.returncode != 0
    assert "set TRUSTED_PROXY_COUNT=1" in result.stderr


def test_trusted_proxies_turn_on_the_forwarded_proto_header(tmp_path):
    code = "import config.settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.TRUSTED_PROXY_COUNT)"
    result = _run_python(tmp_path, code, DEBUG="true", TRUSTED_PROXY_COUNT="1")
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') 1", result.stderr
    result = _run_python(tmp_path, code, DEBUG="true")
    assert result.stdout.strip() == "None 0", result.stderr


def _documented_production_environment() -> dict[str, str]:
    """The block of variables docs/deployment.md promises `check --deploy` is clean with."""
    import pathlib
    import secrets

    text = (pathlib.Path(__file__).resolve().parent.parent / "docs" / "deployment.md").read_text()
    block = text.split("reports nothing", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    env = dict(line.split("=", 1) for line in block.strip().splitlines())
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    code = (
        "import sys, django; from django.core.management import call_command; "
        "sys.argv = ['manage.py']; django.setup(); "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    env = {**_documented_production_environment(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = _run_python(tmp_path, code, **env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_check_works_where_the_sqlite_folder_does_not_exist_yet(tmp_path):
    """A fresh clone has no var/, and `manage.py check` failed: unable to open database file."""
    code = (
        "import django; from django.core.management import call_command; django.setup(); "
        "call_command('check')"
    )
    url = f"sqlite:///{tmp_path}/not-yet/db.sqlite3"
    result = _run_python(
        tmp_path, code, DEBUG="true", DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "not-yet").is_dir()


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://example.org/", "about.html"])
def test_contact_url_must_be_a_web_page_or_an_email_address(tmp_path, value):
    """It lands in an href on /about/."""
    result = _import_settings(tmp_path, CONTACT_URL=value)
    assert result.returncode != 0
    assert "CONTACT_URL must be a URL starting with one of http://, https://, mailto:" in (
        result.stderr
    )


@pytest.mark.parametrize("value", ["https://mhvoices.example/contact/", "mailto:ops@example.org"])
def test_contact_url_accepts_pages_and_addresses(tmp_path, value):
    result = _import_settings(tmp_path, CONTACT_URL=value)
    assert result.returncode == 0, result.stderr


def test_check_deploy_warns_when_rate_limits_are_counted_per_worker(tmp_path):
    code = (
        "import django; from django.core.management import call_command; django.setup(); "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    env = {**_documented_production_environment(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    del env["REDIS_URL"]
    result = _run_python(tmp_path, code, **env)
    assert result.returncode != 0
    assert "directory.W001" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0"),  # no Redis: a worker's change could not reach an in-process cache
        ({"REDIS_URL": "redis://127.0.0.1:6379/9"}, "300"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/9", "LISTING_CACHE_SECONDS": "60"}, "60"),
    ],
)
def test_page_cache_lasts_only_where_every_process_shares_it(tmp_path, env, expected):
    code = "import config.settings as s; print(s.LISTING_CACHE_SECONDS)"
    result = _run_python(tmp_path, code, DEBUG="true", **env)
    assert result.stdout.strip() == expected, result.stderr
