"""HubSpot's columns: the headers each logical column may have, and the optional ones
whose absence changes what a contacts or deals export measures (see
:mod:`outcomes.sources.absent_columns`).
"""

from __future__ import annotations

from typing import Final

from outcomes.sources.absent_columns import Consequence
from outcomes.sources.hubspot_deals import DEAL_FIELDS
from outcomes.sources.tabular import Columns

# Exports label the source "Original Traffic Source" since 2024 and "Original Source" before.
SOURCE_ALIASES: Final = {
    "source": (
        "Original Traffic Source",
        "Original Source",
        "Original Source Type",
        "hs_analytics_source",
    ),
    "drill1": (
        "Original Traffic Source Drill-Down 1",
        "Original Source Drill-Down 1",
        "hs_analytics_source_data_1",
    ),
    "drill2": (
        "Original Traffic Source Drill-Down 2",
        "Original Source Drill-Down 2",
        "hs_analytics_source_data_2",
    ),
}
LATEST_ALIASES: Final = {
    "latest_source": ("Latest Traffic Source", "Latest Source", "hs_latest_source"),
    "latest_drill1": (
        "Latest Traffic Source Drill-Down 1",
        "Latest Source Drill-Down 1",
        "hs_latest_source_data_1",
    ),
    "latest_drill2": (
        "Latest Traffic Source Drill-Down 2",
        "Latest Source Drill-Down 2",
        "hs_latest_source_data_2",
    ),
    "latest_date": (
        "Latest Traffic Source Date",
        "Latest Traffic Source Timestamp",
        "Latest Source Timestamp",
        "hs_latest_source_timestamp",
    ),
}


def _entered(stage: str, internal: str) -> tuple[str, ...]:
    """The headers of the date a contact entered a lifecycle stage, newest labels last.

    "Became a … Date" (older exports, and `hs_lifecyclestage_*_date`), then the stage
    pipeline's `Date entered "Lead (Lifecycle Stage Pipeline)"` and its `hs_v2_date_entered_*`.
    """
    return (
        f"Became a {stage} Date",
        f"hs_lifecyclestage_{internal}_date",
        f'Date entered "{stage} (Lifecycle Stage Pipeline)"',
        f"hs_v2_date_entered_{internal}",
        f"hs_date_entered_{internal}",
    )


CONTACT_COLUMNS = Columns(
    {
        "record_id": ("Record ID", "Contact ID", "hs_object_id", "vid"),
        "lifecycle": ("Lifecycle Stage", "lifecyclestage"),
        "owner": ("Contact Owner", "hubspot_owner_id"),
        "created": ("Create Date", "createdate"),
        "first_conversion": ("First Conversion Date", "first_conversion_date"),
        "lead_date": _entered("Lead", "lead"),
        "mql_date": _entered("Marketing Qualified Lead", "marketingqualifiedlead"),
        "sql_date": _entered("Sales Qualified Lead", "salesqualifiedlead"),
        "customer_date": _entered("Customer", "customer"),
        **SOURCE_ALIASES,
        **LATEST_ALIASES,
    }
)
DEAL_COLUMNS = Columns({**DEAL_FIELDS, **SOURCE_ALIASES})

CONTACT_CONSEQUENCES: Final = (
    Consequence(
        ("lifecycle",),
        "each contact's current stage is unknown, so only the stages with a filled date "
        "column give conversions (a lead, qualified lead or customer)",
    ),
    Consequence(
        ("lead_date", "mql_date", "sql_date", "customer_date"),
        "a contact's lead, qualified-lead and customer conversions are dated by its "
        "Create Date, not by the day it reached the stage",
        named="of the date a contact entered a stage ('Date entered \"Lead (Lifecycle "
        "Stage Pipeline)\"' and the like; before 2024 'Became a Lead Date')",
    ),
    Consequence(
        ("drill1",),
        "a contact from organic or paid social has no network, so it counts for no social channel",
    ),
    Consequence(
        ("drill2",),
        "a contact's campaign (from social, paid search or an offline import) is "
        "unknown, so no tactic's campaign claims it",
    ),
    Consequence(
        ("owner",), "a tactic's pilot, compared per person, finds no owner of these contacts"
    ),
)
"""A contacts export's optional columns whose absence changes what is measured."""
DEAL_CONSEQUENCES: Final = (
    Consequence(
        ("pipeline",),
        "a goal or tactic scoped to a pipeline counts none of these deals",
    ),
    Consequence(
        ("contact",),
        "no deal joins a contact's journey, so attribution credits them to no channel or tactic",
    ),
    Consequence(("amount",), "the deals have no value: revenue and ROI leave them out"),
    Consequence(
        ("closed",), "closed deals are dated by their Create Date, not by when they closed"
    ),
    Consequence(
        ("created",),
        "open deals cannot be dated and closed ones give no row for the day they were "
        "created, which pipeline goals count",
    ),
    Consequence(("owner",), "a tactic's pilot, compared per person, finds no owner of these deals"),
)
"""A deals export's optional columns whose absence changes what is measured."""
