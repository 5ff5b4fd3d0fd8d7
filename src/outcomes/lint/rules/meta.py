"""Rules about the plan's own suppressions."""

from __future__ import annotations

from collections.abc import Iterator

from outcomes.lint.context import LintContext
from outcomes.lint.rule import Hit, Severity, rule

UNUSED_IGNORE = "unused-ignore"


@rule(
    code="X001",
    name=UNUSED_IGNORE,
    severity=Severity.WARNING,
    summary="An `ignore` entry that matches no finding",
    fix="Remove the entry, or correct its `rule` and `id`",
    what=(
        "An entry of the plan's `ignore:` list whose rule (by name or code) and id match no "
        "finding, including entries naming a rule that does not exist."
    ),
    why=(
        "Suppressions outlive the reason they were written for. An entry that no longer "
        "matches hides nothing today, but would silently hide a new problem tomorrow."
    ),
    example="""\
ignore:
  - {rule: push-without-listening, id: li-company-guides, reason: replies handled elsewhere}
# … while li-company-guides' channel does have a respond tactic""",
    instead="""\
ignore: []""",
)
def unused_ignore(ctx: LintContext) -> Iterator[Hit]:
    # Found by the engine, which alone sees which entries matched; registered for its docs.
    yield from ()
