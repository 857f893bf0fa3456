"""The settings a deployment relies on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "afterschool.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-used-only-by-this-test-7b1f9c2e4d",
    "DJANGO_ALLOWED_HOSTS": "afterschool.example.cn",
    "DATABASE_URL": "postgres://afterschool@db.internal:5432/afterschool",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def _manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deploy_check_with_the_documented_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_keeps_database_connections_open():
    code = "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    result = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert int(result.stdout.strip()) > 0, result.stderr


def test_defaults_are_chinese_and_shanghai_time(settings):
    from afterschool.settings import base

    assert base.LANGUAGE_CODE == "zh-hans"
    assert base.TIME_ZONE == "Asia/Shanghai"
    assert base.USE_TZ is True


def test_nothing_configured_means_sqlite_and_local_memory():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'], "
        "settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"DJANGO_SETTINGS_MODULE": "afterschool.settings.dev"},
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
    ], result.stderr


def test_database_url_and_redis_url_switch_to_postgresql_and_redis():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'], "
        "settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "afterschool.settings.dev",
        "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"],
        "REDIS_URL": PRODUCTION_ENV["REDIS_URL"],
    }
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        PRODUCTION_ENV["REDIS_URL"],
        "False",
    ], result.stderr


def test_the_cjk_font_check_names_the_package_to_install(monkeypatch):
    from afterschool import checks

    monkeypatch.setattr(checks, "installed_cjk_fonts", lambda: [])
    (warning,) = checks.cjk_font_check(None)
    assert "fonts-noto-cjk" in warning.hint


def test_the_deploy_check_warns_without_a_shared_cache():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "afterschool.W002" in result.stderr + result.stdout


def test_an_account_cap_at_or_below_one_clients_allowance_is_refused(settings):
    from afterschool import checks

    settings.AXES_ACCOUNT_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT
    assert [e.id for e in checks.login_limits_check(None)] == ["afterschool.E001"]
    settings.AXES_ACCOUNT_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT * 4
    assert checks.login_limits_check(None) == []


def test_the_proxy_count_is_read_in_every_settings_module():
    code = "from django.conf import settings; print(settings.CLIENT_IP_PROXY_COUNT)"
    for module in ("dev", "production"):
        env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": f"afterschool.settings.{module}"}
        result = _manage("shell", "--no-imports", "-c", code, env={**env, "AXES_PROXY_COUNT": "1"})
        assert result.stdout.strip() == "1", result.stderr
