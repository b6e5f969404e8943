"""Settings read from the environment. Settings are evaluated once, at import, so each case
imports them in a fresh interpreter with an environment built from nothing (a developer's
`.env` is not read either)."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from cmo_portal.settings import Env

ROOT = Path(__file__).resolve().parents[2]

# Imports the settings module and prints the named settings as JSON.
PROBE = """
import json, sys
import environ
environ.Env.read_env = lambda *args, **kwargs: None
from cmo_portal import settings
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))
"""

# Runs a management command with the same isolation.
MANAGE = """
import sys
import environ
environ.Env.read_env = lambda *args, **kwargs: None
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""

SETTING_READ = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
EXAMPLE_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def run(script: str, environment: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "cmo_portal.settings",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_under(environment: dict[str, str], *names: str) -> dict:
    result = run(PROBE, environment, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def example_variables() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if match := EXAMPLE_LINE.match(line):
            values[match[1]] = match[2].strip().strip('"')
    return values


@pytest.fixture(scope="module")
def default_settings() -> dict:
    return settings_under(
        {"SECRET_KEY": "x" * 50},
        "DATABASES",
        "VAR_DIR",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CACHES",
        "DEBUG",
    )


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory) -> dict:
    key_file = tmp_path_factory.mktemp("secrets") / "secret_key"
    key_file.write_text("key-from-a-docker-secret\n")
    return settings_under(
        {
            "SECRET_KEY_FILE": str(key_file),
            "DATABASE_URL": "postgres://cmo:pw@db.internal:6543/cmo_portal",
            "REDIS_URL": "redis://cache.internal:6379/2",
            "ALLOWED_HOSTS": "cmo.example.com,cmo-portal.example.com",
        },
        "DATABASES",
        "SECRET_KEY",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CACHES",
        "ALLOWED_HOSTS",
    )


def test_database_defaults_to_sqlite_under_var(default_settings):
    database = default_settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == os.path.join(default_settings["VAR_DIR"], "cmo_portal.sqlite3")


def test_debug_defaults_to_false(default_settings):
    assert default_settings["DEBUG"] is False


def test_celery_falls_back_to_the_filesystem_broker_without_redis(default_settings):
    assert default_settings["CELERY_BROKER_URL"] == "filesystem://"
    assert default_settings["CELERY_RESULT_BACKEND"].startswith("file://")
    assert default_settings["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_postgres_database_url_is_parsed(production_settings):
    database = production_settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"]) == (
        "cmo_portal",
        "db.internal",
        6543,
    )
    assert (database["USER"], database["PASSWORD"]) == ("cmo", "pw")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_celery_and_cache_use_redis_url_when_set(production_settings):
    assert production_settings["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"
    assert production_settings["CELERY_RESULT_BACKEND"] == "redis://cache.internal:6379/2"
    assert production_settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"


def test_secret_key_is_read_from_secret_key_file(production_settings):
    assert production_settings["SECRET_KEY"] == "key-from-a-docker-secret"


def test_allowed_hosts_is_a_comma_separated_list(production_settings):
    assert production_settings["ALLOWED_HOSTS"] == ["cmo.example.com", "cmo-portal.example.com"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("EMAIL_USE_TLS", "si"),
        ("SECURE_SSL_REDIRECT", ""),
        ("EMAIL_PORT", "abc"),
        ("SESSION_COOKIE_AGE", "8h"),
        ("SECURE_HSTS_SECONDS", "1.5"),
    ],
)
def test_bad_value_fails_at_start_up_naming_the_variable(variable, value):
    result = run(PROBE, {"SECRET_KEY": "x" * 50, variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"{variable}: invalid value {value!r}" in last_line


@pytest.mark.parametrize(
    "value", ["true", "True", "yes", "on", "1", "false", "FALSE", "no", "off", "0"]
)
def test_bool_accepts_the_usual_spellings(value):
    env = Env()
    env.ENVIRON = {"FLAG": value}  # the class reads os.environ; this instance reads the dict
    assert env.bool("FLAG", default=None) is (value.lower() in ("true", "yes", "on", "1"))


def test_missing_secret_key_with_debug_off_fails_naming_secret_key():
    result = run(PROBE, {"DEBUG": "false"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY: must be set" in result.stderr


def test_unreadable_secret_key_file_fails_naming_the_file_variable(tmp_path):
    result = run(PROBE, {"SECRET_KEY_FILE": str(tmp_path / "missing")})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY_FILE: cannot read" in result.stderr


def test_env_example_lists_every_variable_settings_reads():
    read = set(SETTING_READ.findall((ROOT / "cmo_portal" / "settings.py").read_text()))
    assert {"DEBUG", "DATABASE_URL", "CELERY_RESULT_BACKEND", "EMAIL_PORT"} <= read  # parser ok
    assert read - example_variables().keys() == set()


def test_env_example_comments_every_variable():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for previous, line in zip(lines, lines[1:], strict=False):
        if EXAMPLE_LINE.match(line):
            assert previous.startswith("# "), f"no comment above {line}"


def test_env_example_values_are_accepted_by_settings():
    values = settings_under(example_variables(), "EMAIL_PORT", "DEBUG", "DEFAULT_FROM_EMAIL")
    assert values == {
        "EMAIL_PORT": 587,
        "DEBUG": False,
        "DEFAULT_FROM_EMAIL": "CMO Portal <cmo-portal@example.com>",
    }


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run(
        MANAGE,
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "cmo-portal.example.com",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
