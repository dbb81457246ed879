"""The project's shape: layout, migrations, docker-compose."""

import yaml
from django.core.management import call_command

from tests.processes import ROOT


def test_the_top_level_layout_is_as_the_design_says():
    for name in [
        "manage.py",
        "pyproject.toml",
        "docker-compose.yml",
        "README.md",
        "Makefile",
        "Procfile",
        ".ci/run",
        ".gitignore",
        "helpdesk",
        "tickets",
        "customers",
        "backoffice",
        "templates",
        "static",
        "tests",
    ]:
        assert (ROOT / name).exists(), name


def test_models_and_migrations_are_in_step(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_docker_compose_runs_the_production_shape_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ["postgres", "redis", "web", "worker", "beat", "relay"]:
        assert "healthcheck" in services[name], name
    assert "postgres-data" in compose["volumes"]
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")


def test_the_procfile_starts_web_worker_beat_and_relay():
    processes = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line)

    assert set(processes) == {"web", "worker", "beat", "relay"}
    assert "-Q default,routing,sla,notify,ingest" in processes["worker"]
