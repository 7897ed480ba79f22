"""The settings refuse configurations that would expose residents' data."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from madoguchi.core import env

CHECK = "import django; django.setup(); print('started')"


def start(**overrides):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "MADOGUCHI_ENV"}
    }
    environment.update(overrides, DJANGO_SETTINGS_MODULE="madoguchi.config.settings")
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_development_defaults_start():
    result = start(MADOGUCHI_VAR_DIR="/tmp/madoguchi-settings-test")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_debug_on_a_public_host_is_refused():
    result = start(DEBUG="1", ALLOWED_HOSTS="madoguchi.example.jp")
    assert result.returncode != 0
    assert "DEBUG is on while ALLOWED_HOSTS contains non-local hosts" in result.stderr


def test_production_without_a_secret_key_is_refused():
    result = start(MADOGUCHI_ENV="production", ALLOWED_HOSTS="madoguchi.example.jp")
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def identifier_key_files(tmp_path):
    """Own identifier keys, as *_FILE secrets (production refuses the development ones)."""
    keys = tmp_path / "identifier-keys"
    keys.write_text(Fernet.generate_key().decode() + "," + Fernet.generate_key().decode() + "\n")
    hash_key = tmp_path / "identifier-hash-key"
    hash_key.write_text("h" * 48 + "\n")
    return {"IDENTIFIER_ENCRYPTION_KEYS_FILE": str(keys), "IDENTIFIER_HASH_KEY_FILE": str(hash_key)}


def test_production_with_a_secret_file_starts(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x" * 64 + "\n")
    result = start(
        MADOGUCHI_ENV="production",
        ALLOWED_HOSTS="madoguchi.example.jp",
        SECRET_KEY_FILE=str(secret),
        MADOGUCHI_VAR_DIR=str(tmp_path),
        **identifier_key_files(tmp_path),
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_development_identifier_keys(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x" * 64)
    base = {
        "MADOGUCHI_ENV": "production",
        "ALLOWED_HOSTS": "madoguchi.example.jp",
        "SECRET_KEY_FILE": str(secret),
        "MADOGUCHI_VAR_DIR": str(tmp_path),
    }
    result = start(**base)
    assert result.returncode != 0
    assert "IDENTIFIER_ENCRYPTION_KEYS (or IDENTIFIER_ENCRYPTION_KEYS_FILE) must be set" in (
        result.stderr
    )
    own = identifier_key_files(tmp_path)
    result = start(**base, IDENTIFIER_ENCRYPTION_KEYS_FILE=own["IDENTIFIER_ENCRYPTION_KEYS_FILE"])
    assert result.returncode != 0
    assert "IDENTIFIER_HASH_KEY (or IDENTIFIER_HASH_KEY_FILE) must be set" in result.stderr
    result = start(**base, IDENTIFIER_ENCRYPTION_KEYS="not-a-key", IDENTIFIER_HASH_KEY="k" * 40)
    assert result.returncode != 0
    assert "each key must be a Fernet key" in result.stderr


def test_env_helpers_fail_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env.env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("X_INT", 1)
    monkeypatch.setenv("X_SECRET", "a")
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "s"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env.env_secret("X_SECRET", "")
    monkeypatch.delenv("X_SECRET")
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env.env_secret("X_SECRET", "")
    (tmp_path / "s").write_text("from-file\n")
    assert env.env_secret("X_SECRET", "") == "from-file"
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]


# --- bench and demo switches ----------------------------------------------------------------------


def production(tmp_path, **overrides):
    secret = tmp_path / "secret"
    secret.write_text("y" * 64)
    environment = {
        "MADOGUCHI_ENV": "production",
        "ALLOWED_HOSTS": "madoguchi.example.jp",
        "SECRET_KEY_FILE": str(secret),
        "MADOGUCHI_VAR_DIR": str(tmp_path),
        **identifier_key_files(tmp_path),
    }
    environment.update(overrides)
    return start(**environment)


@pytest.mark.parametrize("switch", ["BENCH_FLOOR_ENABLED", "IDP_ENABLED"])
def test_a_bench_or_demo_switch_is_refused_in_production(tmp_path, switch):
    result = production(tmp_path, **{switch: "1"})
    assert result.returncode != 0
    assert f"{switch} is a bench or demo switch and is refused" in result.stderr
    assert "started" not in result.stdout


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_any_environment_not_named_for_benchmarks_refuses_the_floor(tmp_path, environment):
    result = production(tmp_path, MADOGUCHI_ENV=environment, BENCH_FLOOR_ENABLED="true")
    assert result.returncode != 0
    assert "MADOGUCHI_ENV=" + repr(environment) in result.stderr


def test_the_benchmark_environment_mounts_the_floor_with_production_defaults(tmp_path):
    check = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.urls import reverse; "
        "print(reverse('core:bench-floor'), s.DEBUG, s.SESSION_COOKIE_SECURE)"
    )
    secret = tmp_path / "secret"
    secret.write_text("y" * 64)
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "MADOGUCHI_ENV"}
    }
    environment.update(
        MADOGUCHI_ENV="benchmark",
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY_FILE=str(secret),
        MADOGUCHI_VAR_DIR=str(tmp_path),
        BENCH_FLOOR_ENABLED="1",
        DJANGO_SETTINGS_MODULE="madoguchi.config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/bench/floor", "False", "True"]


def test_production_without_the_switches_does_not_mount_the_floor(tmp_path):
    result = production(tmp_path, BENCH_FLOOR_ENABLED="0", IDP_ENABLED="false")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
