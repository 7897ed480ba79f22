"""The kernel's one table: generation numbers of cached facts (see `madoguchi.core.generations`)."""

from django.conf import settings
from django.db import models


class CacheGeneration(models.Model):
    """A counter per kind of cached fact; a change bumps it in the changing transaction, and
    every process compares it before trusting what it cached."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "core_cache_generation"

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class LanguagePreference(models.Model):
    """The language a signed-in person last used on resident pages, so that what reaches them
    later without a request — the e-mail when their application changes status — speaks it too
    (core.i18n). Written at most once per session and language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    language = models.CharField(max_length=16)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "core_language_preference"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
