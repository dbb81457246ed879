"""Settings come from the environment; production mode is strict."""

import os
import subprocess
import sys

from tests.processes import ROOT

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    "DJANGO_DEBUG": "0",
    "ALLOWED_HOSTS": "helpdesk.example.com",
}


def run_django(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our interpreter, our manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_django("check", env={**PRODUCTION_ENV, "HELPDESK_VAR_DIR": str(tmp_path)})

    assert result.returncode != 0
    assert "SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


def test_the_migrations_check_needs_no_environment_in_a_fresh_checkout(tmp_path):
    """`manage.py makemigrations --check` only reads the source: no SECRET_KEY, no DJANGO_DEBUG."""
    env = {"PATH": os.environ["PATH"], "HELPDESK_VAR_DIR": str(tmp_path)}

    checked = run_django("makemigrations", "--check", "--dry-run", env=env)
    served = run_django("check", env=env)

    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    assert served.returncode != 0  # anything else still refuses without a secret key


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "HELPDESK_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "x7#kQ2!vLm9@pR4$wT6^yU8&iO0*aS3(dF5)gH1_jK2+lZ4=xC6-vB8~nM0",
    }
    result = run_django("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def print_settings(*names: str, env: dict[str, str]) -> list[str]:
    code = "from django.conf import settings\n" + "".join(f"print(settings.{name})\n" for name in names)
    result = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "helpdesk.settings", **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_debug_is_off_unless_asked_for(tmp_path):
    env = {"SECRET_KEY": "k" * 50, "HELPDESK_VAR_DIR": str(tmp_path)}

    assert print_settings("DEBUG", "SESSION_COOKIE_SECURE", env=env) == ["False", "True"]
    assert print_settings("DEBUG", env={**env, "DJANGO_DEBUG": "1"}) == ["True"]


def test_embedded_defaults_need_no_services(tmp_path):
    # Without DATABASE_URL or a broker URL: SQLite under var/ and the filesystem broker.
    values = print_settings(
        "DATABASES['default']['ENGINE']",
        "DATABASES['default']['NAME']",
        "CELERY_BROKER_URL",
        env={"DJANGO_DEBUG": "1", "HELPDESK_VAR_DIR": str(tmp_path)},
    )

    assert values == ["django.db.backends.sqlite3", str(tmp_path / "helpdesk.sqlite3"), "filesystem://"]
    assert (tmp_path / "broker" / "queue").is_dir()


def test_passwords_are_hashed_with_argon2_in_production():
    from helpdesk import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_content_security_policy_allows_no_inline_script_or_style(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in str(directives)
