"""Schemathesis against the app's own OpenAPI: whatever a client sends, no 5xx, and every
response matches what the schema documents."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

OPERATIONS = ["createSessionHold", "confirmSession", "getSession", "cancelSession", "getAssignmentContext"]


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_no_server_errors(app, client, floor, tokens, operation_id):
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    operation = schema.find_operation_by_id(operation_id)
    headers = tokens["Hana Host"]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance])

    run()
