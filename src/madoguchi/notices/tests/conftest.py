from __future__ import annotations

from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from madoguchi.notices.registry import template_register

CHIYODA = "131016"
YOKOHAMA = "141003"

# A template of the tests' own (plain strings, not msgids: the text comes back as is).
template_register(
    "tests.hello",
    subject="Hello {name}",
    body="Your amount is {amount} yen.",
    variables=["name", "amount"],
    samples={"name": "山田", "amount": "70,000"},
)


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def failing_mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "madoguchi.notices.tests.conftest.FailingBackend"
