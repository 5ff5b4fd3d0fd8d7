"""The plan: business goals → strategies → tactics, each tactic with its implementation plan.

These models are the contract of `shared/spec/plan-format.md` (version 1). They check shape
and types only; references between elements, dates and duplicate ids are checked by
:mod:`outcomes.plan.references`, and judgement calls (is this a random act of social?) are
lint rules. Keys the spec lets users leave out, where a lint rule reports the omission,
default to empty here so the linter can say so instead of validation refusing the plan.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from outcomes.catalog.metrics import BUILTIN_METRICS

ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
HOURS_IN_A_WEEK = 168

# Bounds on the plan's numbers (docs/plan-format.md, "Numbers"); every number must also be
# finite (`allow_inf_nan=False`). The implementation plan, the report and the dashboard
# multiply and add them (hours a week × weeks × hourly cost, summed over every tactic) and
# print them grouped to the unit or the cent. Each bound sits far above any real plan, yet
# keeps those products and sums many orders of magnitude below float overflow (1.8e308),
# so that `check` refuses what the reports could not print.
#
# Money: a trillion units. Above any tactic's budget in any currency in use (a trillion
# Indonesian rupiah or Vietnamese dong is tens of millions of euros), and small enough that
# the amount in cents (1e14) is a whole number a float holds exactly (below 2**53, ~9e15).
MAX_MONEY: Final = 1e12
# Goal and benchmark values, in their metric's unit (money, counts, minutes, ratios): a
# quadrillion either way, above the yearly revenue of nearly any company in any currency,
# and still below 2**53, so that a value is held and printed exact to the unit. Negative
# values are allowed: margins, net promoter scores and changes can be below zero.
MAX_METRIC_VALUE: Final = 1e15
# A team's hours are its members' total: a million hours a week is some 25,000 people full
# time, more than any team a plan names. A single person is held to the hours in a week.
MAX_TEAM_HOURS: Final = 1_000_000
# Hours a week one tactic asks for: some 250 people full time.
MAX_TACTIC_HOURS: Final = 10_000
# A cadence of a million a day is more than ten activities a second around the clock; below
# once per hundred days, weeks or months there is no rhythm to keep, and the two decimals
# the reports write a cadence with would round it to nothing.
MAX_CADENCE_COUNT: Final = 1_000_000
MIN_CADENCE_COUNT: Final = 0.01

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="Lower-case id: a letter, then letters, digits, '-' or '_'."),
]
Channel = Literal[
    "linkedin", "x", "facebook", "instagram", "youtube", "tiktok", "pinterest", "mastodon",
    "blog", "community", "email", "website", "webinar", "event", "trade-show", "direct-mail",
    "paid-search", "other",
]  # fmt: skip
Mode = Literal[
    "publish", "listen", "respond", "advertise", "advocate", "outreach", "event", "other"
]
Function = Literal[
    "marketing", "sales", "service", "product", "talent", "employees", "executive", "other"
]
Source = Literal[
    "x-archive", "linkedin", "meta", "youtube", "mastodon", "hubspot", "salesforce", "ga4",
    "csv", "paths", "mastodon-archive", "meta-ads", "linkedin-ads", "mailchimp", "checkin",
]  # fmt: skip
ActivityKind = Literal["post", "reply", "repost", "message", "mention", "comment", "message_in"]
ConversionType = Literal[
    "lead", "qualified_lead", "demo_request", "meeting", "opportunity", "new_customer",
    "order", "deal_won", "deal_lost", "hire", "ticket_deflected",
]  # fmt: skip
GoalDirection = Literal["increase", "decrease", "at_least", "at_most"]
MetricClassName = Literal["vanity", "activity", "engagement", "pipeline", "business"]
UnitName = Literal["count", "currency", "ratio", "percent", "minutes", "days", "score"]
BenchmarkWindow = Literal["week", "month", "quarter", "period"]


def _as_list(value: Any) -> Any:
    """Let a single value stand for a one-element list (`accountable: sam`)."""
    return [value] if isinstance(value, str) else value


_ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN}


def _one_or_many(item: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [item, {"type": "array", "items": item}]})


IdList = Annotated[list[Id], BeforeValidator(_as_list), _one_or_many(_ID_SCHEMA)]
TextList = Annotated[list[str], BeforeValidator(_as_list), _one_or_many({"type": "string"})]
MetricRef = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    WithJsonSchema(
        {
            "anyOf": [{"enum": sorted(BUILTIN_METRICS)}, _ID_SCHEMA],
            "description": "A built-in metric or one of the plan's `metrics`.",
        }
    ),
]


def _not_a_truth_value(value: Any) -> Any:
    """Refuse true and false where a number belongs: pydantic would read them as 1 and 0."""
    if isinstance(value, bool):
        raise ValueError(
            f"expected a number, got {str(value).lower()}; YAML reads a bare yes, no, on, off, "
            "true or false as true or false"
        )
    return value


# The bounds come before the validator so that pydantic writes them into the JSON Schema
# as `minimum` and `maximum`; after it, they would come out as pydantic's own `ge` and `le`.
_A_NUMBER = BeforeValidator(_not_a_truth_value)
Money = Annotated[float, Field(ge=0, le=MAX_MONEY), _A_NUMBER]
MetricValue = Annotated[float, Field(ge=-MAX_METRIC_VALUE, le=MAX_METRIC_VALUE), _A_NUMBER]
MIN_HOURS: Final = 0.01
"""The least time a week (36 seconds) a plan can give, other than none."""


def _none_or_measurable(hours: float) -> float:
    """Refuse a positive time too small to mean anything: dividing by 1e-309 hours gives
    an infinite load, which the capacity table would print as "inf"."""
    if 0 < hours < MIN_HOURS:
        raise ValueError(f"give 0 or at least {MIN_HOURS} hours a week, not {hours:g}")
    return hours


_MEASURABLE = AfterValidator(_none_or_measurable)
Hours = Annotated[float, Field(ge=0), _A_NUMBER, _MEASURABLE]
TacticHours = Annotated[float, Field(ge=0, le=MAX_TACTIC_HOURS), _A_NUMBER, _MEASURABLE]
CadenceCount = Annotated[float, Field(ge=MIN_CADENCE_COUNT, le=MAX_CADENCE_COUNT), _A_NUMBER]


class _Element(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock_time(value: Any) -> Any:
    """`"09:00"` as written; YAML 1.1 reads an unquoted `17:30` as the number 1050."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 24 * 60:
        return value
    if value < 24:  # `open: 9` means nine o'clock
        return f"{value:02d}:00"
    return f"{value // 60:02d}:{value % 60:02d}"


ClockTime = Annotated[
    str,
    StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$"),
    BeforeValidator(_clock_time),
    Field(description='A time of day, "HH:MM" (24-hour).'),
]


class BusinessHours(_Element):
    """When the organisation is at work: business-hours response times count only this time."""

    time_zone: str = Field("UTC", description="IANA time zone, e.g. Europe/Amsterdam.")
    days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]), min_length=1, description="Working days."
    )
    open: ClockTime = "09:00"
    close: ClockTime = "17:00"

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {zone!r}; write an IANA name such as Europe/Amsterdam"
            ) from None
        return zone

    @field_validator("close")
    @classmethod
    def _after_opening(cls, close: str, info: ValidationInfo) -> str:
        opening = info.data.get("open")
        if opening is not None and close <= opening:
            raise ValueError(f"closes at {close}, not after it opens at {opening}")
        return close


class Organisation(_Element):
    """Who the plan is for, and the money units used throughout."""

    name: str = Field(min_length=1)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        description="ISO 4217 code, e.g. EUR."
    )
    hourly_cost: Money = Field(
        0, description="Loaded cost of one person-hour in the plan currency, for ROI."
    )
    business_hours: BusinessHours = Field(
        default_factory=BusinessHours,
        description="Working days and hours, for response times in business hours.",
    )
    brand_terms: TextList = Field(
        default_factory=list,
        description="Words that name the organisation or its products, for content focus; "
        "by default the words of `name` less its category words (physio, clinic, software, "
        "…) and `generic_terms`.",
    )
    generic_terms: TextList = Field(
        default_factory=list,
        description="Words never counted as brand talk, such as the category words in the "
        "organisation's name (physio, clinic, software).",
    )


class Person(_Element):
    """A person or, with `members`, a team."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"not": {"required": ["members"]}},
            "then": {"properties": {"hours_per_week": {"maximum": HOURS_IN_A_WEEK}}},
            "else": {"properties": {"hours_per_week": {"maximum": MAX_TEAM_HOURS}}},
        }
    )

    id: Id
    name: str = Field(min_length=1)
    title: str | None = None
    executive: bool = False
    function: Function | None = None
    members: IdList | None = Field(None, description="Person ids; makes this entry a team.")
    hours_per_week: Hours | None = Field(
        None, description="Hours a week this person (or team, in total) gives the plan."
    )

    @field_validator("hours_per_week")
    @classmethod
    def _within_a_week(cls, hours: float | None, info: ValidationInfo) -> float | None:
        # A team's hours are its members' total, so only a single person is held to 168;
        # the upper bound is checked here, not in Field, so that a person hears about 168.
        if hours is None:
            return hours
        if info.data.get("members") is None and hours > HOURS_IN_A_WEEK:
            raise ValueError(
                f"a person has {HOURS_IN_A_WEEK} hours in a week; for a team, add `members`"
            )
        if hours > MAX_TEAM_HOURS:
            raise ValueError(f"out of range: a team gives at most {MAX_TEAM_HOURS:,} hours a week")
        return hours

    @property
    def is_team(self) -> bool:
        """An entry with `members` (even an empty list) is a team."""
        return self.members is not None


class MetricDefinition(_Element):
    """A metric added to the built-in catalogue."""

    id: Id
    name: str = Field(min_length=1)
    metric_class: MetricClassName = Field(alias="class")
    unit: UnitName
    direction: Literal["higher", "lower"] = "higher"
    returns: Literal["sales", "support", "hiring", "retention"] | None = Field(
        default=None,
        description=(
            "What kind of business outcome the metric measures, so that a tactic's return on "
            "a goal measured by it is valued as that family's (support: contacts saved × the "
            "goal's value_per_unit)."
        ),
    )

    model_config = ConfigDict(populate_by_name=True)


class GoalScope(_Element):
    """Which records count for a goal: every key given must hold, any of its values may.

    A goal without a scope counts every record of its metric; "revenue from employer
    contracts" is `{metric: revenue, scope: {pipelines: [employers]}}`.
    """

    conversion_types: list[ConversionType] = Field(
        default_factory=list, description="Conversion types, as in the warehouse's `type`."
    )
    pipelines: TextList = Field(default_factory=list, description="CRM pipelines.")
    segments: TextList = Field(default_factory=list, description="CRM segments.")
    products: TextList = Field(default_factory=list, description="CRM products.")
    sources: list[Source] = Field(default_factory=list, description="Connector names.")
    channels: list[Channel] = Field(default_factory=list, description="Plan channels.")


class Goal(_Element):
    """A business goal measured by a business metric, with an executive sponsor."""

    id: Id
    title: str = Field(min_length=1)
    metric: MetricRef
    direction: GoalDirection
    baseline: MetricValue
    target: MetricValue
    threshold: MetricValue | None = Field(
        None,
        description="The line a forecast must pass to be on track; short of it the goal is "
        "at risk, and at or worse than the baseline off track.",
    )
    stretch: MetricValue | None = None
    start: dt.date
    due: dt.date
    sponsor: Id | None = Field(None, description="The executive who backs the goal.")
    functions: list[Function] = Field(default_factory=list)
    scope: GoalScope | None = Field(None, description="Which records count for the goal.")
    value_per_unit: Money | None = Field(
        None,
        description="Money one unit of the goal's return is worth, for returns in money: "
        "the cost of one support contact saved (support-cost goals), the value of one hire "
        "(hiring goals).",
    )


class Strategy(_Element):
    """How time and energy will be used to create the outcome the goals ask for."""

    id: Id
    title: str = Field(min_length=1)
    serves: IdList = Field(default_factory=list, description="Goal ids.")
    owner: Id
    audience: str | None = None
    functions: list[Function] = Field(default_factory=list)
    people: str | None = Field(None, description="The change in people: skills, time, roles.")
    process: str | None = Field(None, description="The change in process.")
    technology: str | None = Field(None, description="The change in technology; the smallest part.")


class Cadence(_Element):
    """How often the tactic is carried out."""

    count: CadenceCount
    per: Literal["day", "week", "month"]


class Tool(_Element):
    """A tool the tactic uses, with its cost for the tactic's whole period."""

    name: str = Field(min_length=1)
    cost: Money = 0


class Resources(_Element):
    """People, money and tools the tactic takes."""

    hours_per_week: TacticHours | None = None
    budget: Money | None = Field(None, description="Money for the whole period.")
    tools: list[Tool] = Field(default_factory=list)


class Benchmark(_Element):
    """A benchmark for success, read in its metric's direction."""

    metric: MetricRef
    baseline: MetricValue | None = None
    threshold: MetricValue | None = None
    target: MetricValue
    stretch: MetricValue | None = None
    per: BenchmarkWindow | None = None


class Match(_Element):
    """Which activity and touchpoints in the data belong to the tactic."""

    utm_campaign: TextList = Field(default_factory=list)
    utm_source: TextList = Field(default_factory=list)
    accounts: TextList = Field(default_factory=list)
    hashtags: TextList = Field(default_factory=list)
    operators: IdList = Field(default_factory=list)
    kinds: list[ActivityKind] = Field(
        default_factory=list,
        description="Activity kinds the tactic claims (post, reply, comment, …); by default "
        "those its mode produces.",
    )


class Measurement(_Element):
    """How the tactic's activity is measured."""

    sources: list[Source] = Field(default_factory=list)
    match: Match | None = None


class Pilot(_Element):
    """A bottom-up proof: `group` runs the tactic, `control` does not."""

    group: IdList
    control: IdList = Field(default_factory=list)
    metric: MetricRef


class Tactic(_Element):
    """A program, with its tactical implementation plan."""

    id: Id
    title: str = Field(min_length=1)
    serves: Id | None = Field(None, description="The strategy this tactic carries out.")
    channel: Channel
    mode: Mode
    operators: IdList = Field(default_factory=list, description="Who operates it (R).")
    accountable: IdList = Field(default_factory=list, description="Who answers for it (A): one.")
    consulted: IdList = Field(default_factory=list)
    informed: IdList = Field(default_factory=list)
    start: dt.date
    end: dt.date
    cadence: Cadence | None = None
    resources: Resources | None = None
    benchmarks: list[Benchmark] = Field(default_factory=list)
    measurement: Measurement | None = None
    pilot: Pilot | None = None


class IgnoreEntry(_Element):
    """A finding deliberately accepted, with the reason."""

    rule: str = Field(min_length=1, description="Rule name (or code).")
    id: Id
    reason: str = Field(min_length=1)


def _exact_version(value: Any) -> Any:
    # Literal[1] would also take `true` and `1.0`; a format version must be written as 1.
    if isinstance(value, bool | float):
        raise ValueError(f"the plan format version is written 1, not {str(value).lower()}")
    return value


class Plan(_Element):
    """A social business strategy plan, version 1."""

    version: Annotated[Literal[1], BeforeValidator(_exact_version)]
    organisation: Organisation
    people: list[Person]
    metrics: list[MetricDefinition] = Field(default_factory=list)
    goals: list[Goal]
    strategies: list[Strategy]
    tactics: list[Tactic]
    ignore: list[IgnoreEntry] = Field(default_factory=list)

    model_config = ConfigDict(
        title="outcomes plan",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )
