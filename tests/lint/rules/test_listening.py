"""Listening (L): a channel pushed on is also listened to."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.lint.rules.conftest import Case, Plan, assert_fires, tactic


def _no_listening(p: Plan) -> None:
    tactic(p, "answer-mentions")["channel"] = "x"


CASES: list[Case] = [
    (
        "push without listening",
        _no_listening,
        {("push-without-listening", "rep-posts")},
        "pushes on linkedin",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_fires_on_the_offending_element(
    clean_plan: Plan, change: Callable[[Plan], None], expected: set[tuple[str, str]], text: str
) -> None:
    assert_fires(clean_plan, change, expected, text)
