"""Model rules beyond types: exact format version, a person's week, channel aliases."""

from __future__ import annotations

import pytest

from outcomes.examples import example_text
from outcomes.plan import PlanError, load_plan_text


def _problem(old: str, new: str) -> str:
    with pytest.raises(PlanError) as caught:
        load_plan_text(example_text("northwind").replace(old, new, 1))
    [problem] = caught.value.problems
    return str(problem)


@pytest.mark.parametrize(("written", "shown"), [("yes", "true"), ("1.0", "1.0")])
def test_version_must_be_written_1(written: str, shown: str) -> None:
    message = _problem("version: 1", f"version: {written}")
    assert message == f"plan.yaml:3:10: version: the plan format version is written 1, not {shown}"


def test_a_person_has_168_hours_a_week() -> None:
    message = _problem("hours_per_week: 40}", "hours_per_week: 169}")
    assert message.endswith(
        "people[3].hours_per_week: a person has 168 hours in a week; for a team, add `members`"
    )


def test_a_team_may_give_more_than_168_hours() -> None:
    text = example_text("northwind").replace(
        "members: [], hours_per_week: 30", "members: [], hours_per_week: 400"
    )
    assert load_plan_text(text).plan.people[8].hours_per_week == 400


def test_channel_alias_suggests_the_channel() -> None:
    assert _problem("channel: x\n", "channel: Twitter\n").endswith(
        "tactics[3].channel: unknown channel 'Twitter' (did you mean 'x'?)"
    )
