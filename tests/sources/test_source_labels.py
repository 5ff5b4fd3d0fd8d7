"""Source labels to plan channels: the table, `[channels]`, unknown labels, offline events."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes.catalog import CHANNELS
from outcomes.catalog.source_labels import CLASSES, KNOWN, LABELS, SOCIAL, label_channel
from outcomes.examples import example_path
from outcomes.measure.mapping import mapped_touchpoints
from outcomes.measure.unplanned import find_unplanned
from outcomes.plan import load_plan
from outcomes.sources import ReadOptions, Row
from outcomes.sources.docs import sources_markdown
from outcomes.sources.fields import channel_from_source
from outcomes.sources.hubspot import HubSpot
from outcomes.warehouse.connection import Warehouse
from outcomes.warehouse.load import IngestResult, ingest_file
from outcomes.workspace.config import ConfigError, load_config
from outcomes.workspace.ingest import FileSettings, ingest_files

HUBSPOT = Path(__file__).parent / "fixtures" / "hubspot"
TRAFFIC = HUBSPOT / "contacts_traffic_source.csv"


def first_touches(options: ReadOptions | None = None) -> dict[str, str | None]:
    parsed = HubSpot().read(TRAFFIC, options or ReadOptions())
    return {
        p.values["journey_id"]: p.values["channel"]
        for p in parsed
        if isinstance(p, Row) and p.table == "touchpoints" and p.values["event"] == "first_touch"
    }


def test_every_label_means_a_plan_channel_a_class_or_a_network_named_elsewhere() -> None:
    assert set(CLASSES) <= KNOWN and set(CHANNELS) <= KNOWN
    for entry in LABELS:
        assert entry.channel in KNOWN or entry.channel == SOCIAL, entry
    for system in ("HubSpot", "GA4", "Salesforce"):
        assert any(e.system == system for e in LABELS)


@pytest.mark.parametrize(
    ("label", "channel"),
    [
        ("Direct traffic", "direct"),
        ("DIRECT_TRAFFIC", "direct"),
        ("Organic Search", "organic-search"),
        ("Referrals", "referral"),
        ("Email marketing", "email"),
        ("Offline Sources", "offline"),
        ("Other campaigns", "other"),
        ("Paid Search", "paid-search"),
        ("Unassigned", "other"),
        ("Partner Referral", "referral"),
        ("Trade Show", "trade-show"),
        ("Word of mouth", "referral"),
        ("Organic social", SOCIAL),
        ("Carrier pigeon", None),
    ],
)
def test_the_table(label: str, channel: str | None) -> None:
    assert label_channel(label) == channel


def test_overrides_win_and_extend() -> None:
    overrides = {"trade show": "event", "Carrier pigeon": "direct-mail"}
    assert label_channel("Trade Show", overrides) == "event"
    assert label_channel("Carrier Pigeon", overrides) == "direct-mail"
    assert channel_from_source("Trade Show", labels=overrides) == "event"
    assert channel_from_source("Organic social") is None  # the network is named elsewhere


def test_hubspot_stores_plan_channels_and_classes_not_its_labels() -> None:
    assert first_touches() == {
        "hubspot:401": "linkedin",
        "hubspot:402": "facebook",
        "hubspot:403": "offline",
        "hubspot:404": "direct",  # drill-down 1 is a page URL naming linkedin: not read
        "hubspot:405": "organic-search",
        "hubspot:406": "referral",
        "hubspot:407": "email",
        "hubspot:408": "other",
    }


def test_the_workspace_channels_table_reaches_the_connector(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "outcomes.toml").write_text(
        '[channels]\n"Offline Sources" = "trade-show"\n"Other campaigns" = "mastodon"\n',
        encoding="utf-8",
    )
    workspace = FileSettings(root, load_config(root))

    [result] = ingest_files(warehouse, "hubspot", [TRAFFIC], workspace=workspace)

    assert isinstance(result, IngestResult) and result.rejected == 0
    stored = dict(
        warehouse.duckdb.execute(
            "SELECT journey_id, channel FROM touchpoints WHERE event = 'first_touch'"
        ).fetchall()
    )
    assert stored["hubspot:403"] == "trade-show"
    assert stored["hubspot:408"] == "mastodon"
    assert stored["hubspot:404"] == "direct"  # the built-in table still holds


def test_the_channels_table_reaches_a_mapped_csv_too(tmp_path: Path, warehouse: Warehouse) -> None:
    # A loyalty scheme's sign-up sheet says where each rider joined in its own words. The
    # unplanned list tells the user to say what a label means in [channels]; once said, a
    # mapped CSV's channel cells must follow it, as a CRM's labels do.
    root = tmp_path / "workspace"
    (root / "exports").mkdir(parents=True)
    sheet = root / "exports" / "signups.csv"
    sheet.write_text(
        "Joined,Customer no.,Where joined\n"
        "06/09/2026,C4120,Saturday ride\n"
        "16/09/2026,C2231,In shop\n"
        "11/10/2026,C1099,Instagram\n",
        encoding="utf-8",
    )
    (root / "outcomes.toml").write_text(
        '[channels]\n"Saturday ride" = "event"\n"In shop" = "offline"\n\n'
        '[csv.signups]\nfiles = ["exports/signups.csv"]\ntable = "conversions"\n'
        'key = ["Customer no."]\n'
        '[csv.signups.columns]\nts = "Joined"\ncustomer_id = "Customer no."\n'
        'channel = "Where joined"\n'
        '[csv.signups.values]\ntype = "new_customer"\n',
        encoding="utf-8",
    )
    workspace = FileSettings(root, load_config(root))

    [result] = ingest_files(warehouse, "csv", [sheet], workspace=workspace)

    assert isinstance(result, IngestResult) and result.loaded == 3
    stored = dict(
        warehouse.duckdb.execute("SELECT customer_id, channel FROM conversions").fetchall()
    )
    assert stored == {"C4120": "event", "C2231": "offline", "C1099": "instagram"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[channels]\n"Trade Show" = "booth"\n', "'Trade Show' = 'booth': the channel must be"),
        ('channels = "direct"\n', "[channels] must map source labels to channels"),
        ("[channels]\nWeb = 3\n", "'Web' = 3: the channel must be a plan channel or one of"),
    ],
)
def test_a_channels_table_naming_no_channel_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "outcomes.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="Trade Show") as refused:
        load_config(tmp_path)
    assert message in str(refused.value)


def test_unplanned_lists_the_labels_no_table_knows_with_their_counts(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    text = TRAFFIC.read_text(encoding="utf-8").replace('"Referrals"', '"Podcast ads"')
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    ingest_file(warehouse, HubSpot(), path)
    plan = load_plan(example_path("northwind")).plan

    report = find_unplanned(
        plan,
        warehouse.table("activities"),
        warehouse.table("touchpoints"),
        warehouse.table("conversions"),
    )

    found = {(u.table, u.source, u.label): u.count for u in report.labels}
    # contact 406's first touch; its lead conversion has no channel (HubSpot gives a
    # conversion only a channel it knows)
    assert found == {("touchpoints", "hubspot", "Podcast ads"): 1}


def test_an_offline_contact_reaches_the_trade_show_tactic_through_its_import_name(
    warehouse: Warehouse,
) -> None:
    ingest_file(warehouse, HubSpot(), TRAFFIC)
    plan = load_plan(example_path("northwind")).plan
    trade_show = next(t for t in plan.tactics if t.id == "trade-show")
    assert trade_show.measurement is not None and trade_show.measurement.match is not None
    assert "logifair-2026" in trade_show.measurement.match.utm_campaign

    mapped = mapped_touchpoints(plan, warehouse.table("touchpoints"))
    rows = mapped.select("key", "tactic").to_pyarrow().to_pylist()
    tactics = {row["key"]: row["tactic"] for row in rows}

    assert tactics["hubspot|contact|403"] == "trade-show"
    assert tactics["hubspot|contact|401"] == "li-rep-insights"
    assert tactics["hubspot|contact|404"] is None


def test_the_sources_reference_documents_the_table() -> None:
    page = sources_markdown()
    assert "\n## Channel labels\n" in page
    for entry in LABELS:
        assert f"| {entry.system} | {entry.label} | `{entry.channel}` |" in page
