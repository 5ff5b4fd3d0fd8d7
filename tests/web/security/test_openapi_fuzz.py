"""schemathesis over the JSON API's OpenAPI document, signed in with a session.

Each operation of `/api/openapi.json` (read from the app, so a new operation is fuzzed
when it is added) is called with generated parameters on the real server, `EXAMPLES`
calls in all, and every answer is checked: no 5xx, and the status codes, content types,
headers and bodies the document declares. The calls are few so it stays in `make test`;
it needs the measured demo, so `make test-fast` leaves it out (slow).
"""

from __future__ import annotations

from typing import Any, Final

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from outcomes.web.auth import SESSION_COOKIE
from tests.web.test_team import Team

pytestmark = pytest.mark.slow

EXAMPLES: Final = 150
"""Generated calls in all, over the operations (about 8 each): a few seconds."""
GENERATE: Final = (Phase.explicit, Phase.generate, Phase.shrink)
"""No replaying of a database: each run generates afresh (database=None)."""


@pytest.fixture(scope="module")
def session(team: Team) -> dict[str, str]:
    """A viewer's session cookie: the API's least role, so every operation is open to it."""
    token = team.sign_in("viewer").http.cookies.get(SESSION_COOKIE)
    assert token
    return {SESSION_COOKIE: token}


def operations(team: Team) -> list[APIOperation[Any, Any, Any, Any]]:
    """Every operation of the app's OpenAPI document (a broken one fails the test)."""
    document = schemathesis.openapi.from_dict(team.app.openapi())
    found = []
    for result in document.get_all_operations():
        assert isinstance(result, Ok), result
        found.append(result.ok())
    return found


def test_the_api_answers_as_its_openapi_document_says(team: Team, session: dict[str, str]) -> None:
    # Hypothesis by hand rather than schemathesis' pytest plugin: its lazy schemas
    # (`from_fixture`, for a document read from a fixture's app) raise AttributeError
    # '_nodeid' with pytest 9.2 (schemathesis 4.32).
    found = operations(team)
    assert len(found) >= 16

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow], phases=GENERATE)  # fmt: skip
    @given(data=st.data())
    def answers_as_declared(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(found), label="operation")
        case = data.draw(operation.as_strategy(), label="case")
        response = case.call(base_url=team.served.base_url, cookies=session)
        # A well-formed quarter the data does not cover is refused 400: the document can
        # give the form of a period, not which quarters the measured data has.
        exempt = [positive_data_acceptance] if operation.path == "/api/attribution" else []
        case.validate_response(response, excluded_checks=exempt)

    answers_as_declared()
