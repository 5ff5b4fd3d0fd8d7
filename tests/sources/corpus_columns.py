"""The headers of each delimited export that the damaged-file corpus damages.

Each `TextColumns` gives a header that finds the header row, the headers renamed, dropped
and duplicated one by one, those a re-export may lack, and a numeric, a date and a text
column to fill with bad values (`tests/sources/corpus.py`, and for the LinkedIn workbook
`tests/sources/corpus_workbook.py`). `ORDERS_OPTIONS`: how the generic CSV connector
reads `orders.csv`.
"""

from __future__ import annotations

from outcomes.sources import ReadOptions
from tests.sources.corpus import TextColumns

SALESFORCE = TextColumns(
    header="Opportunity ID",
    important=("Opportunity ID", "Amount", "Close Date"),
    optional=(
        "Opportunity Owner",
        "Account Name",
        "Lead Source",
        "Primary Campaign Source",
        "Type",
        "Is Won",
        "Created Date",
    ),
    numeric="Amount",
    date="Close Date",
    text="Opportunity Name",
    ids="Opportunity ID",
)
CONTACTS = TextColumns(
    header="Record ID",
    important=("Record ID", "Create Date", "Original Source"),
    optional=(
        "Lifecycle Stage",
        "Contact Owner",
        "Original Source Drill-Down 1",
        "Original Source Drill-Down 2",
        "Became a Customer Date",
        "First Conversion Date",
    ),
    numeric="Record ID",
    date="Create Date",
    text="Contact Owner",
    ids="Record ID",
)
DEALS = TextColumns(
    header="Deal Stage",
    important=("Deal Stage", "Amount", "Close Date"),
    optional=("Deal Owner", "Associated Contact IDs", "Create Date"),
    numeric="Amount",
    date="Close Date",
    text="Deal Name",
    ids="Record ID",
)
META = TextColumns(
    header="Post ID",
    important=("Post ID", "Reactions", "Description"),
    optional=(
        "Page name",
        "Title",
        "Permalink",
        "Views",
        "Reach",
        "Comments",
        "Shares",
        "Total clicks",
    ),
    numeric="Reactions",
    date="Publish time",
    text="Description",
    ids="Post ID",
)
LINKEDIN = TextColumns(
    header="Post link",
    important=("Date", "Impressions", "Post title"),
    optional=(
        "Post link",
        "Published by",
        "Campaign name",
        "Views (excluding off-site video views)",
        "Clicks",
        "Likes",
        "Comments",
        "Reposts",
    ),
    numeric="Impressions",
    date="Date",
    text="Post title",
)
MAILCHIMP = TextColumns(
    header="Unique Opens",
    important=("Send Date", "Title", "Unique Opens"),
    optional=(
        "Unique Id",
        "Total Recipients",
        "Successful Deliveries",
        "Total Opens",
        "Unique Clicks",
        "Total Clicks",
        "Unsubscribes",
        "Hard Bounces",
    ),
    numeric="Unique Opens",
    date="Send Date",
    text="Title",
    ids="Unique Id",
)
META_ADS = TextColumns(
    header="Reporting starts",
    important=("Day", "Campaign name", "Amount spent (EUR)"),
    optional=(
        "Campaign ID",
        "Impressions",
        "Reach",
        "Link clicks",
        "Clicks (all)",
        "Results",
        "Result indicator",
    ),
    numeric="Impressions",
    date="Day",
    text="Campaign name",
    ids="Campaign ID",
)
LINKEDIN_ADS = TextColumns(
    header="Start Date (in UTC)",
    important=("Start Date (in UTC)", "Campaign Name", "Total Spent"),
    optional=(
        "Campaign ID",
        "Account Name",
        "Campaign Group Name",
        "Currency",
        "Impressions",
        "Clicks",
        "Conversions",
        "Leads",
        "Reach",
    ),
    numeric="Impressions",
    date="Start Date (in UTC)",
    text="Campaign Name",
    ids="Campaign ID",
)
YOUTUBE = TextColumns(
    header="Content",
    important=("Content", "Video publish time", "Views"),
    optional=(
        "Video title",
        "Likes",
        "Comments added",
        "Shares",
        "Impressions",
        "Watch time (hours)",
    ),
    numeric="Views",
    date="Video publish time",
    text="Video title",
)
PATHS = TextColumns(
    header="path",
    important=("path", "total_conversion_value"),
    optional=("total_null",),
    numeric="total_conversions",
    date="total_null",
    text="path",
)
ORDERS = TextColumns(
    header="Order",
    important=("Order", "Date", "Amount"),
    optional=("Currency", "Customer"),
    numeric="Amount",
    date="Date",
    text="Customer",
)
ORDERS_OPTIONS = ReadOptions(
    table="conversions",
    mapping={
        "ts": "Date",
        "type": "Kind",
        "value": "Amount",
        "currency": "Currency",
        "customer_id": "Customer",
    },
    key=("Order",),
)
