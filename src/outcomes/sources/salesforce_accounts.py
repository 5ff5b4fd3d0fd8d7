"""How a Salesforce report names its accounts, and whether that agrees with the warehouse.

An opportunity's customer (and journey) is its Account ID, else its Account Name. A
report without the Account ID column names every account by its name; loaded beside
reports that have the column, one account becomes two journeys (`salesforce:001…` and
`salesforce:Acme`), and attribution credits their deals apart. So:

* a report with names alone says so in a notice (a renamed account, or a later report
  with ids, makes a second journey of it);
* loaded into a warehouse that holds this source's accounts by Account ID, such a report
  is **refused**: every account in both would split, nothing after the load could tell
  which journeys are one account, and the fix is one column in the report;
* a report with ids loaded where accounts are stored by name loads (it is the better
  one, and its own opportunities take their ids), and says how many accounts are still
  stored by name, and how to re-key them;
* in a report with the Account ID column, an opportunity whose cell is empty is keyed by
  its Account Name, as before, and the report says how many were (:class:`NameFallbacks`).

An Account ID is told from a name by its shape: 15 or 18 letters and digits starting with
Salesforce's prefix for accounts, `001`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from outcomes.sources.base import Notice, SourceError, StoredRecords, most_common_words

_ACCOUNT_ID: Final = re.compile(r"^001[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$")
_NAMES_ONLY: Final = (
    "no column 'Account ID': each opportunity's account is known by its Account Name, "
    "so a renamed account, or a later report with Account IDs, makes a second journey of "
    "it. Add the column 'Account ID' to the report and export it again"
)


def by_id(customer: str, source: str) -> bool:
    """True for a stored customer id (`salesforce:<account>`) that is an Account ID."""
    return bool(_ACCOUNT_ID.match(customer.removeprefix(f"{source}:")))


def account_notice(
    path: Path, headers: Mapping[str, str], stored: StoredRecords | None, source: str
) -> Notice | None:
    """What the report's naming of accounts means beside the warehouse's: a notice, None,
    or :class:`SourceError` for a report of names where accounts are stored by id."""
    has_id, has_name = "account_id" in headers, "account" in headers
    if not has_id and not has_name:
        return None  # no account at all: `absent_columns` says what that changes
    customers: Sequence[str] = stored.customers_of(source) if stored is not None else ()
    if not has_id:
        ids = sum(by_id(customer, source) for customer in customers)
        if ids:
            raise SourceError(path, _refusal(ids))
        return Notice(_NAMES_ONLY)
    names = sum(not by_id(customer, source) for customer in customers)
    return Notice(_still_by_name(names)) if names else None


def _refusal(ids: int) -> str:
    accounts = "account" if ids == 1 else "accounts"
    return (
        f"the report names accounts by 'Account Name' alone, while the warehouse holds "
        f"{ids:,} Salesforce {accounts} by their Account ID: loaded, every account in both "
        "would be two journeys, and their deals credited apart. Add the column 'Account ID' "
        "to the report and export it again"
    )


def _still_by_name(names: int) -> str:
    accounts = "account was" if names == 1 else "accounts were"
    return (
        f"{names:,} Salesforce {accounts} stored by Account Name before this report (from "
        "reports without "
        "'Account ID'), while this report names accounts by Account ID: an account in both "
        "is two journeys until those reports are exported again with 'Account ID' and "
        "loaded (outcomes forget FILE, then ingest the new export)"
    )


@dataclass
class NameFallbacks:
    """The opportunities of a report with the Account ID column keyed by their Account Name
    for an empty Account ID cell: each account so named is another journey than its id's."""

    accounts: Counter[str] = field(default_factory=Counter)

    def add(self, account: str) -> None:
        self.accounts[account] += 1

    def notice(self) -> Notice | None:
        """One line for the report, or None when every opportunity had its Account ID."""
        total = sum(self.accounts.values())
        if not total:
            return None
        shown = most_common_words(self.accounts, 3, lambda name, _: repr(name))
        opportunities = "opportunity has" if total == 1 else "opportunities have"
        return Notice(
            f"{total:,} {opportunities} an empty 'Account ID' and were keyed by their "
            f"Account Name ({shown}): an account named so and by its id is two journeys. "
            "Fill in the Account ID in Salesforce and export the report again"
        )
