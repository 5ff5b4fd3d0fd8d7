"""The damaged-file corpus's cases: one per connector, a good export and the damages done to it.

Each `Case` names the connector, where its good file (a fixture, or a workbook or zip built
from fixtures) is written with the files beside it, the damages of its family
(`tests/sources/corpus.py` for delimited text, `corpus_workbook.py` for workbooks and
zips, `corpus_json.py` for JSON, `corpus_outbox.py` for the Mastodon archive) and the
warehouse columns each header or field feeds. The delimited exports' headers are in
`tests/sources/corpus_columns.py`; `tests/sources/test_damaged_corpus.py` runs the cases.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outcomes.sources import ReadOptions
from tests.sources import corpus, corpus_json, corpus_outbox, corpus_workbook
from tests.sources.corpus import Mutation
from tests.sources.corpus_columns import (
    CONTACTS,
    DEALS,
    LINKEDIN,
    LINKEDIN_ADS,
    MAILCHIMP,
    META,
    META_ADS,
    ORDERS,
    ORDERS_OPTIONS,
    PATHS,
    SALESFORCE,
    YOUTUBE,
)
from tests.sources.corpus_json import JsonShape

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    """A connector, a good export, and the damages done to it."""

    name: str
    source: str
    filename: str
    """Where the file is written, relative to a fresh folder (the folder name may matter)."""
    good: bytes
    mutations: list[Mutation]
    feeds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Header or field → the `table.column`s it feeds: unchanged when a file lacks it."""
    options: ReadOptions = field(default_factory=ReadOptions)
    siblings: dict[str, bytes] = field(default_factory=dict)
    """Files written beside it (an X archive's account.js)."""

    def write(self, folder: Path, data: bytes, mutation: Mutation | None = None) -> Path:
        path = folder / self.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        for name, content in self.beside(mutation).items():
            (path.parent / name).write_bytes(content)
        path.write_bytes(data)
        return path

    def beside(self, mutation: Mutation | None) -> dict[str, bytes]:
        """The files written beside it, as `mutation` (if any) damaged them."""
        found = dict(self.siblings)
        for name, change in mutation.beside if mutation else ():
            if change is None:
                found.pop(name, None)
            else:
                found[name] = change(found.get(name, b""))
        return found


def fixture(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def _counts(*columns: str) -> dict[str, tuple[str, ...]]:
    return {
        header: (f"activities.{column}",)
        for header, column in zip(columns[::2], columns[1::2], strict=True)
    }


def _sheet_rows(relative: str) -> list[list[Any]]:
    """A CSV fixture's rows as a workbook holds them: whole numbers as numbers."""
    text = fixture(relative).decode("utf-8")
    found: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text)):
        found.append([int(c) if c.isdigit() else (c or None) for c in row])
    return found


def _linkedin_workbook() -> bytes:
    return corpus_workbook.xlsx_bytes(
        {
            "All posts": _sheet_rows("linkedin/northwind-ltd_content_1769904000000.csv"),
            "New followers": _sheet_rows("linkedin/new_followers.csv"),
        }
    )


def _mastodon_archive_zip() -> bytes:
    return corpus_workbook.zip_bytes(
        {
            name: fixture(f"mastodon_archive/{name}")
            for name in ("outbox.json", "actor.json", "likes.json")
        }
    )


def _changing(good: bytes, mutations: list[Mutation]) -> list[Mutation]:
    """The damages that change these bytes (a one-line outbox has no line ending to switch)."""
    return [m for m in mutations if m.beside or m(good) != good]


def _x_archive_zip() -> bytes:
    return corpus_workbook.zip_bytes(
        {
            "data/account.js": fixture("x_archive/account.js"),
            "data/tweets.js": fixture("x_archive/tweets.js"),
        }
    )


TWEETS = JsonShape(lines=False, wrapper="tweet")
TWEET_FIELDS = (
    "id_str",
    "created_at",
    "full_text",
    "favorite_count",
    "retweet_count",
    "entities",
    "in_reply_to_status_id",
)
TWEET_OPTIONAL = ("favorite_count", "retweet_count", "entities", "in_reply_to_status_id")
TWEET_FEEDS = {
    "favorite_count": ("activities.reactions",),
    "retweet_count": ("activities.shares",),
    "entities": ("activities.campaign",),
}


def _tweet_mutations() -> list[Mutation]:
    return [
        *corpus_json.json_mutations(
            TWEETS, TWEET_FIELDS, TWEET_OPTIONAL, text="full_text", number="favorite_count"
        ),
        corpus_json.given_twice(
            "'created_at' given twice, with two values",
            TWEETS,
            "created_at",
            "Wed Jan 01 00:00:00 +0000 2031",
        ),
    ]


def _cases() -> list[Case]:
    sf = {
        "Amount": ("conversions.value", "conversions.currency"),
        "Opportunity Owner": ("conversions.owner",),
        "Account Name": ("conversions.customer_id",),
        "Lead Source": ("conversions.channel", "conversions.campaign"),
        "Primary Campaign Source": ("conversions.campaign",),
        "Stage": ("conversions.stage",),
        "Close Date": ("conversions.ts",),
        "Created Date": ("conversions.ts",),
    }
    origin = ("touchpoints.channel", "conversions.channel")
    campaign = ("touchpoints.utm_campaign", "conversions.campaign")
    contacts = {
        "Contact Owner": ("conversions.owner",),
        "Lifecycle Stage": ("conversions.stage",),
        "Original Source": origin + campaign,
        "Original Source Drill-Down 1": origin,
        "Original Source Drill-Down 2": campaign,
        "Create Date": ("touchpoints.ts",),
        "Became a Customer Date": ("conversions.ts",),
        "First Conversion Date": ("conversions.ts",),
    }
    deals = {
        "Amount": ("conversions.value", "conversions.currency"),
        "Deal Owner": ("conversions.owner",),
        "Associated Contact IDs": ("conversions.customer_id", "conversions.journey_id"),
        "Close Date": ("conversions.ts",),
        "Create Date": ("conversions.ts",),
    }
    meta = {
        **_counts(
            "Reactions",
            "reactions",
            "Comments",
            "comments",
            "Shares",
            "shares",
            "Total clicks",
            "clicks",
            "Views",
            "views",
            "Reach",
            "reach",
            "Page name",
            "account",
            "Permalink",
            "url",
        ),
        "Description": ("activities.text", "activities.campaign"),
        "Title": ("activities.text", "activities.campaign"),
    }
    linkedin = {
        **_counts(
            "Published by",
            "author",
            "Impressions",
            "impressions",
            "Views (excluding off-site video views)",
            "views",
            "Clicks",
            "clicks",
            "Likes",
            "reactions",
            "Comments",
            "comments",
            "Reposts",
            "shares",
            "Campaign name",
            "campaign",
        ),
        "Post title": ("activities.text", "activities.campaign"),
    }
    youtube = {
        **_counts(
            "Video title",
            "text",
            "Views",
            "views",
            "Likes",
            "reactions",
            "Comments added",
            "comments",
            "Shares",
            "shares",
            "Impressions",
            "impressions",
        )
    }
    mastodon_fields = (
        "id",
        "created_at",
        "content",
        "visibility",
        "favourites_count",
        "reblogs_count",
        "replies_count",
        "account",
        "reblog",
        "in_reply_to_id",
        "url",
        "mentions",
    )
    mastodon_optional = (
        "favourites_count",
        "reblogs_count",
        "replies_count",
        "url",
        "spoiler_text",
        "mentions",
    )
    ga4_fields = (
        "event_date",
        "event_timestamp",
        "event_name",
        "event_params",
        "user_pseudo_id",
        "user_id",
        "collected_traffic_source",
        "traffic_source",
    )
    youtube_file = "Content 2026-02-01_2026-02-28 Northwind Studio/Table data.csv"
    linkedin_file = "northwind-ltd_content_1769904000000.csv"
    tweets_in_zip = corpus_workbook.in_zip_member("data/tweets.js", _tweet_mutations()[:30])
    account_damage = [
        m
        for m in corpus_workbook.in_zip_member("data/account.js", _tweet_mutations())
        if "cut" in m.name
    ][:4]
    return [
        Case(
            "csv",
            "csv",
            "orders.csv",
            fixture("csv/orders.csv"),
            corpus.text_mutations(ORDERS),
            {
                "Amount": ("conversions.value",),
                "Currency": ("conversions.currency",),
                "Customer": ("conversions.customer_id",),
            },
            ORDERS_OPTIONS,
        ),
        Case(
            "hubspot-contacts",
            "hubspot",
            "contacts.csv",
            fixture("hubspot/contacts.csv"),
            corpus.text_mutations(CONTACTS),
            contacts,
        ),
        Case(
            "hubspot-deals",
            "hubspot",
            "deals.csv",
            fixture("hubspot/deals.csv"),
            corpus.text_mutations(DEALS),
            deals,
        ),
        Case(
            "hubspot-deals-xlsx",
            "hubspot",
            "deals.xlsx",
            corpus_workbook.xlsx_bytes({"Deals": _sheet_rows("hubspot/deals.csv")}),
            corpus_workbook.workbook_mutations(DEALS),
            deals,
        ),
        Case(
            "salesforce",
            "salesforce",
            "opportunities.csv",
            fixture("salesforce/opportunities.csv"),
            corpus.text_mutations(SALESFORCE),
            sf,
        ),
        Case(
            "meta",
            "meta",
            "facebook_2026-01.csv",
            fixture("meta/facebook_2026-01.csv"),
            corpus.text_mutations(META),
            meta,
        ),
        Case(
            "linkedin-csv",
            "linkedin",
            linkedin_file,
            fixture(f"linkedin/{linkedin_file}"),
            corpus.text_mutations(LINKEDIN),
            linkedin,
        ),
        Case(
            "linkedin-xlsx",
            "linkedin",
            "northwind-ltd_content_1769904000000.xlsx",
            _linkedin_workbook(),
            corpus_workbook.workbook_mutations(LINKEDIN),
            linkedin,
        ),
        Case(
            "mailchimp",
            "mailchimp",
            "campaigns.csv",
            fixture("mailchimp/campaigns.csv"),
            corpus.text_mutations(MAILCHIMP),
        ),
        Case(
            "meta-ads",
            "meta-ads",
            "Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv",
            fixture("meta_ads/Northwind-Campaigns-Mar-2-2026-Mar-4-2026.csv"),
            corpus.text_mutations(META_ADS),
        ),
        Case(
            "linkedin-ads",
            "linkedin-ads",
            "campaign_performance_report.csv",
            fixture("linkedin_ads/campaign_performance_report.csv"),
            corpus.text_mutations(LINKEDIN_ADS),
        ),
        Case(
            "youtube",
            "youtube",
            youtube_file,
            fixture(f"youtube/{youtube_file}"),
            corpus.text_mutations(YOUTUBE),
            youtube,
        ),
        Case(
            "paths",
            "paths",
            "paths.csv",
            fixture("paths/paths.csv"),
            corpus.text_mutations(PATHS),
            {
                "total_conversion_value": ("journey_paths.value",),
                "total_null": ("journey_paths.nulls",),
            },
        ),
        Case(
            "ga4",
            "ga4",
            "events.jsonl",
            fixture("ga4/events.jsonl"),
            [
                *corpus_json.json_mutations(
                    JsonShape(lines=True),
                    ga4_fields,
                    ("user_id", "user_pseudo_id", "traffic_source", "event_params"),
                    text="user_pseudo_id",
                    number="event_timestamp",
                ),
                corpus_json.given_twice(
                    "'event_timestamp' given twice, with two values",
                    JsonShape(lines=True),
                    "event_timestamp",
                    "1930000000000000",
                ),
            ],
            {"user_id": ("touchpoints.customer_id", "conversions.customer_id")},
        ),
        Case(
            "mastodon",
            "mastodon",
            "statuses.json",
            fixture("mastodon/statuses.json"),
            [
                *corpus_json.json_mutations(
                    JsonShape(lines=False),
                    mastodon_fields,
                    mastodon_optional,
                    text="content",
                    number="favourites_count",
                ),
                corpus_json.given_twice(
                    "'created_at' given twice, with two values",
                    JsonShape(lines=False),
                    "created_at",
                    "2031-01-01T00:00:00.000Z",
                ),
                corpus_json.given_twice(
                    "'account.acct' given twice, with two values",
                    JsonShape(lines=False),
                    "account.acct",
                    "someone@other.example",
                ),
            ],
            {
                "favourites_count": ("activities.reactions",),
                "reblogs_count": ("activities.shares",),
                "replies_count": ("activities.comments",),
                "url": ("activities.url",),
            },
            siblings={"account.json": fixture("mastodon/account.json")},
        ),
        Case(
            "mastodon-archive",
            "mastodon-archive",
            "outbox.json",
            fixture("mastodon_archive/outbox.json"),
            _changing(fixture("mastodon_archive/outbox.json"), corpus_outbox.outbox_mutations()),
            corpus_outbox.FEEDS,
            siblings={"actor.json": fixture("mastodon_archive/actor.json")},
        ),
        Case(
            "mastodon-archive-zip",
            "mastodon-archive",
            "archive-20251211.zip",
            _mastodon_archive_zip(),
            _changing(_mastodon_archive_zip(), corpus_outbox.zip_mutations()),
            corpus_outbox.FEEDS,
        ),
        Case(
            "x-archive-js",
            "x-archive",
            "tweets.js",
            fixture("x_archive/tweets.js"),
            _tweet_mutations(),
            TWEET_FEEDS,
            siblings={"account.js": fixture("x_archive/account.js")},
        ),
        Case(
            "x-archive-zip",
            "x-archive",
            "archive.zip",
            _x_archive_zip(),
            [
                *corpus_workbook.zip_mutations(),
                *tweets_in_zip,
                *account_damage,
                corpus_workbook.without_zip_member("data/account.js"),
            ],
            TWEET_FEEDS,
        ),
    ]


CASES = {case.name: case for case in _cases()}
