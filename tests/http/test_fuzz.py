"""Schemathesis against the app's own OpenAPI: whatever a client sends, no 5xx, and every
response matches what the schema documents."""

from dataclasses import replace
from uuid import uuid4

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance


@pytest.fixture
def settings(settings):
    """schemathesis runs the app in a lifespan of its own, in a thread of its own. The app's pool
    draws from the global `random` whenever it opens a connection (its expiry jitter), and a
    connection opened while Hypothesis draws a case makes Hypothesis warn that the strategy used
    `random`. So the pool has one connection, opened before the first draw, and never grows."""
    return replace(settings, pool_min_size=1, pool_max_size=1)


OPERATIONS = [
    "createSessionHold",
    "confirmSession",
    "getSession",
    "cancelSession",
    "getAssignmentContext",
    "getMe",
    "legacyGetContext",
    "legacyValidate",
    "legacyHold",
    "legacyConfirm",
    "legacyReleaseHold",
]


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_no_server_errors(app, floor, tokens, operation_id):
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    operation = schema.find_operation_by_id(operation_id)
    headers = tokens["Hana Host"]
    # The pool's one connection opens now, before the first draw (see the settings fixture).
    warm_up = schema.find_operation_by_id("getSession").Case(path_parameters={"session_id": str(uuid4())})
    assert warm_up.call(headers=headers).status_code == 404

    @fuzz_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance])

    run()
