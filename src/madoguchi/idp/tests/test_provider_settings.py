"""The provider's settings: the signing key is generated once, private, or taken from a secret."""

from __future__ import annotations

import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from madoguchi.idp.provider_settings import oauth2_provider_settings


def test_development_generates_one_private_key_and_reuses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_ENV", "development")
    monkeypatch.delenv("IDP_OIDC_RSA_PRIVATE_KEY", raising=False)
    first = oauth2_provider_settings(var_dir=tmp_path)
    key_file = tmp_path / "idp" / "oidc.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["OIDC_RSA_PRIVATE_KEY"].startswith("-----BEGIN PRIVATE KEY-----")
    assert (
        oauth2_provider_settings(var_dir=tmp_path)["OIDC_RSA_PRIVATE_KEY"]
        == (first["OIDC_RSA_PRIVATE_KEY"])
    )
    assert first["PKCE_REQUIRED"] is True
    assert first["COMPLIANT_BCP_RFC9700_PKCE_METHOD"] is True
    assert set(first["SCOPES"]) >= {"openid", "name", "address", "birthdate", "gender"}


def test_key_from_a_secret_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_ENV", "production")
    monkeypatch.setenv("IDP_ENABLED", "true")
    secret = tmp_path / "key.pem"
    secret.write_text("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
    monkeypatch.setenv("IDP_OIDC_RSA_PRIVATE_KEY_FILE", str(secret))
    result = oauth2_provider_settings(var_dir=tmp_path)
    assert "x" in result["OIDC_RSA_PRIVATE_KEY"]
    assert result["ALLOWED_REDIRECT_URI_SCHEMES"] == ["https"]
    assert not (tmp_path / "idp").exists()


def test_production_refuses_an_enabled_idp_without_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_ENV", "production")
    monkeypatch.setenv("IDP_ENABLED", "true")
    monkeypatch.delenv("IDP_OIDC_RSA_PRIVATE_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="IDP_OIDC_RSA_PRIVATE_KEY"):
        oauth2_provider_settings(var_dir=tmp_path)
    monkeypatch.setenv("IDP_ENABLED", "false")
    assert oauth2_provider_settings(var_dir=tmp_path)["OIDC_RSA_PRIVATE_KEY"] == ""
