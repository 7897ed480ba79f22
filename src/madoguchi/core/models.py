"""The kernel's one table: generation numbers of cached facts (see `madoguchi.core.generations`)."""

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
