"""Production settings come from the environment and pass Django's deploy checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-for-tests-0123456789",
    "ALLOWED_HOSTS": "intranet.example.com,portal.example.com",
    "DATABASE_URL": "postgres://portal:secret@db.example.com:5432/portal",
    "REDIS_URL": "redis://cache.example.com:6379/0",
    "ELASTICSEARCH_URL": "http://search.example.com:9200",
    "PORTAL_PLUGINS_EXCLUDE": "",
}


def run(code_or_args, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_services_are_configured_from_the_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
        "'host': s.DATABASES['default']['HOST'], 'hosts': s.ALLOWED_HOSTS, "
        "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'cache': s.CACHES['default']['BACKEND'], "
        "'search': s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], 'debug': s.DEBUG}))"
    )
    result = run(code, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "db": "django.db.backends.postgresql",
        "host": "db.example.com",
        "hosts": ["intranet.example.com", "portal.example.com"],
        "layer": "channels_redis.core.RedisChannelLayer",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "search": "wagtail.search.backends.elasticsearch8",
        "debug": False,
    }


def test_a_missing_secret_key_stops_the_start_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run("import django; django.setup()", env)
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment for production." in result.stderr


def test_missing_allowed_hosts_stops_the_start():
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": ""}
    result = run("import django; django.setup()", env)
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_the_redis_layer_keeps_idle_sockets_and_a_big_conversation():
    """With redis-py's defaults idle sockets die after 5 s and a 100-member broadcast loses
    messages (see portal/settings/production.py); the production layer avoids both."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.CHANNEL_LAYERS['default']['CONFIG']))"
    )
    result = run(code, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    (host,) = config["hosts"]
    assert host["address"] == PRODUCTION_ENV["REDIS_URL"]
    assert host["socket_timeout"] > 5 and host["max_connections"] >= 500
    assert config["capacity"] > 100
