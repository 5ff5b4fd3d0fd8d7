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


def test_shape_and_reference_problems_are_reported_in_one_run() -> None:
    text = (
        example_text("northwind")
        .replace("sponsor: dana", "sponsr: dana", 1)
        .replace(
            "serves: social-selling\n    channel: linkedin",
            "serves: social-seling\n    channel: linkedin",
            1,
        )
        .replace("mode: publish", "mode: tweet", 1)
    )
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if needle in line)

    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert [str(p) for p in caught.value.problems] == [
        f"plan.yaml:{line_of('sponsr: dana')}:5: goals[0].sponsr: unknown key 'sponsr' "
        "(did you mean 'sponsor'?)",
        f"plan.yaml:{line_of('social-seling')}:13: tactics[0].serves: no strategy "
        "'social-seling' (did you mean 'social-selling'?)",
        f"plan.yaml:{line_of('mode: tweet')}:11: tactics[1].mode: unknown mode 'tweet' "
        "(did you mean 'event'?)",
    ]


def test_references_to_an_unreadable_element_are_not_reported_as_missing() -> None:
    text = example_text("northwind").replace(
        "{id: bo, name: Bo Lindqvist,", "{id: Bo, name: Bo Lindqvist,", 1
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    [problem] = caught.value.problems
    assert "people[5].id: 'Bo' is not a valid id" in str(problem)


def _with_hours(hours: str) -> str:
    return example_text("northwind").replace(
        "currency: EUR", f"currency: EUR\n  business_hours: {hours}", 1
    )


def test_business_hours_default_to_weekdays_nine_to_five_utc() -> None:
    hours = load_plan_text(example_text("northwind")).plan.organisation.business_hours
    assert (hours.time_zone, hours.days, hours.open, hours.close) == (
        "UTC", ["mon", "tue", "wed", "thu", "fri"], "09:00", "17:00"
    )  # fmt: skip


def test_unquoted_clock_times_read_as_written() -> None:
    # YAML 1.1 reads `17:30` as the number 1050 and `8` as eight o'clock is what people mean.
    text = _with_hours("{time_zone: Europe/Amsterdam, open: 8, close: 17:30, days: [mon, sat]}")
    hours = load_plan_text(text).plan.organisation.business_hours
    assert (hours.time_zone, hours.days, hours.open, hours.close) == (
        "Europe/Amsterdam", ["mon", "sat"], "08:00", "17:30"
    )  # fmt: skip


def test_an_unknown_time_zone_and_closing_before_opening_are_both_reported() -> None:
    with pytest.raises(PlanError) as caught:
        load_plan_text(_with_hours('{time_zone: Europe/Amsterdm, open: "18:00", close: "09:00"}'))
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        "organisation.business_hours.time_zone: unknown time zone 'Europe/Amsterdm'; "
        "write an IANA name such as Europe/Amsterdam",
        "organisation.business_hours.close: closes at 09:00, not after it opens at 18:00",
    ]
