"""The production deployment files: docker-compose.yml, Dockerfile and .dockerignore.

There is no Docker engine where the suite runs, so these parse the files and check the
promises docs/deployment.md makes about them."""

import re
import shlex
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
INTERPOLATION = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def interpolate(value: str) -> str:
    """What compose substitutes for `${NAME}`, `${NAME:-default}` and `${NAME:?error}`
    when the required variables are set (to a placeholder) and the optional ones are not."""
    return INTERPOLATION.sub(lambda m: m.group(3) if m.group(2) == "-" else "placeholder", value)


def command_words(service: dict) -> list[str]:
    command = service["command"]
    words = shlex.split(command) if isinstance(command, str) else command
    return [interpolate(str(word)) for word in words]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuations joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def test_compose_defines_the_production_services(services):
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= services.keys()


def test_web_runs_gunicorn_on_port_8000(services):
    words = command_words(services["web"])
    assert words[:2] == ["gunicorn", "cmo_portal.wsgi"]
    assert "0.0.0.0:8000" in words
    assert services["web"]["build"] == "."


def test_worker_runs_a_celery_worker(services):
    words = command_words(services["worker"])
    assert words[:4] == ["celery", "-A", "cmo_portal", "worker"]
    assert "--beat" not in words and "-B" not in words  # beat is its own, single service


def test_beat_runs_celery_beat_with_the_database_scheduler(services):
    words = command_words(services["beat"])
    assert words[:4] == ["celery", "-A", "cmo_portal", "beat"]
    scheduler = words[words.index("--scheduler") + 1]
    assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_worker_can_be_scaled(services):
    worker = services["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker


def test_migrations_run_once_before_the_app_starts(services):
    assert command_words(services["migrate"])[:3] == ["python", "manage.py", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ["web", "worker", "beat"]:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_environment_points_at_the_compose_services(services, name):
    environment = {
        key: interpolate(str(value)) for key, value in services[name]["environment"].items()
    }
    database = urlparse(environment["DATABASE_URL"])
    assert database.scheme in ("postgres", "postgresql")
    assert (database.hostname, database.path) == ("postgres", "/cmo_portal")
    redis = urlparse(environment["REDIS_URL"])
    assert (redis.scheme, redis.hostname) == ("redis", "redis")
    assert environment["DEBUG"].lower() == "false"
    for variable in ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "EMAIL_HOST", "DEFAULT_FROM_EMAIL"]:
        assert environment[variable], variable


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_reads_its_secrets_from_mounted_files(compose, services, name):
    service = services[name]
    environment = service["environment"]
    assert "SECRET_KEY" not in environment  # never in the compose file or its `.env`
    for variable in ["SECRET_KEY_FILE", "EMAIL_HOST_PASSWORD_FILE"]:
        secret = environment[variable].removeprefix("/run/secrets/")
        assert secret in service["secrets"], variable
        assert secret in compose["secrets"], variable


def test_database_password_is_required_not_defaulted(services):
    assert "${POSTGRES_PASSWORD:?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert "${POSTGRES_PASSWORD:?" in services["web"]["environment"]["DATABASE_URL"]


def test_postgres_and_redis_have_healthchecks_and_named_volumes(compose, services):
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    for name in ["postgres", "redis"]:
        volume = services[name]["volumes"][0].split(":")[0]
        assert volume in compose["volumes"], name


def test_web_and_worker_share_the_media_volume(compose, services):
    media_root = services["web"]["environment"]["MEDIA_ROOT"]
    for name in ["web", "worker"]:
        assert f"media:{media_root}" in services[name]["volumes"], name
    assert "media" in compose["volumes"]


def test_web_port_is_published_on_loopback_only(services):
    assert [interpolate(port) for port in services["web"]["ports"]] == ["127.0.0.1:8000:8000"]


def test_dockerfile_builds_from_python_slim_without_dev_extras(dockerfile):
    assert dockerfile[0] == ("FROM", "python:3.11-slim")
    runs = [arguments for keyword, arguments in dockerfile if keyword == "RUN"]
    assert any("pip install ." in run for run in runs)
    assert not any("[dev]" in run for run in runs)
    assert any("collectstatic" in run for run in runs)


def test_dockerfile_runs_gunicorn_as_a_non_root_user(dockerfile):
    users = [arguments for keyword, arguments in dockerfile if keyword == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    command = [arguments for keyword, arguments in dockerfile if keyword == "CMD"][-1]
    words = yaml.safe_load(command)  # the exec form is a JSON list
    assert words[:2] == ["gunicorn", "cmo_portal.wsgi"]
    assert "0.0.0.0:8000" in words


def test_dockerfile_health_check_requests_healthz(dockerfile):
    healthchecks = [arguments for keyword, arguments in dockerfile if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1
    assert "/healthz" in healthchecks[0]


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv", "var/", "secrets/"} <= ignored
