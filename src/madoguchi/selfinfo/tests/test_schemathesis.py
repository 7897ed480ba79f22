"""Schemathesis against /api/v1/self/{category}: generated categories and tokens never cause a
5xx, every answer matches the schema, and every error is problem+json."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from madoguchi.api.tests.test_schemathesis import errors_are_problem_details

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_self_information_endpoint_never_fails_and_answers_problems(live_server, demo):
    schema: Any = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/").include(
        path_regex=r"^/api/v1/self/"
    )
    [operation] = [result.ok() for result in schema.get_all_operations()]
    checks = [not_a_server_error, response_schema_conformance, errors_are_problem_details]
    base_url = schema.config.base_url or ""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        case.call_and_validate(
            base_url=base_url, headers={"Authorization": "Bearer made-up"}, checks=checks
        )

    run()
