"""The Mastodon connector: saved statuses and notifications (arrays, JSON Lines, a folder)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from outcomes.sources import ReadOptions, Rejected, Row, SourceError, get_source
from outcomes.sources.base import Notice, Parsed
from outcomes.sources.mastodon import Mastodon, full_acct, html_to_text, same_account

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
STATUSES = FIXTURES / "statuses.json"
NOTIFICATIONS = FIXTURES / "notifications.json"
ACCOUNT = FIXTURES / "account.json"
LINES = FIXTURES / "statuses.jsonl"
US = "northwind@mastodon.social"
UTC = dt.UTC


def read(path: Path, account: str | None = None) -> list[Parsed]:
    return list(Mastodon().read(path, ReadOptions(account=account)))


def rows(parsed: list[Parsed], table: str = "activities") -> list[dict[str, Any]]:
    return [p.values for p in parsed if isinstance(p, Row) and p.table == table]


def rejections(parsed: list[Parsed]) -> list[Rejected]:
    return [p for p in parsed if isinstance(p, Rejected)]


def lone(tmp_path: Path, source: Path) -> Path:
    """A copy of a fixture in a folder without account.json."""
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- statuses ---------------------------------------------------------------------------


def test_our_statuses_become_posts_replies_and_reposts() -> None:
    parsed = read(STATUSES)

    assert rejections(parsed) == []
    assert rows(parsed, "metric_snapshots") == []
    assert [(r["native_id"], r["kind"], r["in_reply_to"]) for r in rows(parsed)] == [
        ("115670000000000005", "post", None),
        ("115660000000000004", "repost", None),
        ("115655000000000003", "reply", "115654000000000777"),
        ("115652000000000002", "reply", "115651000000000001"),  # a self-thread is a reply
        ("115651000000000001", "post", None),
    ]


def test_a_post_with_html_content_has_every_column() -> None:
    post = rows(read(STATUSES))[-1]

    assert post == {
        "key": "mastodon|https://mastodon.social/users/northwind/statuses/115651000000000001",
        "source": "mastodon",
        "channel": "mastodon",
        "account": US,
        "native_id": "115651000000000001",
        "kind": "post",
        "author": US,
        "in_reply_to": None,
        "ts": dt.datetime(2025, 12, 6, 18, 20, 30, tzinfo=UTC),
        "text": "Listening beats broadcasting.\nA thread 🧵 #SocialBusiness\n\n"
        "Guide: https://northwind.example/guide?utm_source=mastodon&utm_medium=social"
        "&utm_campaign=answer-mentions Q&A <soon>",
        "url": "https://mastodon.social/@northwind/115651000000000001",
        "campaign": "answer-mentions",
        "reactions": 5,
        "shares": 2,
        "comments": 1,
    }


def test_a_reblog_takes_its_text_and_campaign_from_the_reblogged_status() -> None:
    repost = rows(read(STATUSES))[1]

    assert repost["key"] == (
        "mastodon|https://mastodon.social/users/northwind/statuses/115660000000000004/activity"
    )
    assert repost["author"] == US
    assert repost["text"] == (
        "Social selling works when you listen first. "
        "https://partner.example/post?utm_source=mastodon&utm_campaign=listen-first"
    )
    assert repost["campaign"] == "listen-first"
    assert repost["url"] == "https://fosstodon.org/@partner/113600000000000321"
    assert (repost["reactions"], repost["shares"], repost["comments"]) == (0, 0, 0)


def test_a_content_warning_comes_before_the_text_and_mentions_read_as_handles() -> None:
    by_id = {r["native_id"]: r for r in rows(read(STATUSES))}

    assert by_id["115670000000000005"]["text"] == (
        "Long read\n\nWhy we answer every mention, with numbers."
    )
    assert by_id["115655000000000003"]["text"] == "@alice Thanks, fixed & deployed!"


def test_without_account_json_the_owner_is_the_first_statuses_author(tmp_path: Path) -> None:
    got = rows(read(lone(tmp_path, STATUSES)))

    assert {(r["account"], r["author"]) for r in got} == {(US, US)}


def notices(parsed: list[Parsed]) -> list[str]:
    return [p.text for p in parsed if isinstance(p, Notice)]


@pytest.mark.parametrize(
    ("account_json", "said"),
    [
        ('{"acct": "northwind", "url": "https://mastodon.social/@northwind"', "not valid JSON"),
        ('{"acct": "northwind", "acct": "harbour"}', "the key 'acct' is given twice"),
        ('{"display_name": "Northwind"}', "names no account (no 'acct')"),
        (b"\xff\xfe{", "is not UTF-8 text"),
    ],
    ids=["cut", "acct-twice", "no-acct", "not-utf8"],
)
def test_an_account_json_that_cannot_be_read_is_said_not_passed_over(
    tmp_path: Path, account_json: str | bytes, said: str
) -> None:
    # Whose the posts are is then taken from the file (its first status's author), as
    # without an account.json, and the load says so once, after the rows.
    path = lone(tmp_path, STATUSES)
    beside = tmp_path / "account.json"
    if isinstance(account_json, bytes):
        beside.write_bytes(account_json)
    else:
        beside.write_text(account_json, encoding="utf-8")
    parsed = read(path)
    assert {(r["account"], r["author"]) for r in rows(parsed)} == {(US, US)}
    [notice] = notices(parsed)
    assert isinstance(parsed[-1], Notice)
    assert notice.startswith("the account.json beside it ") and said in notice, notice
    assert notice.endswith("fix the account.json, or give --account user@instance")
    # Given --account, the account.json is not read, and there is nothing to say.
    assert notices(read(path, account=US)) == []


def test_an_account_json_that_reads_or_is_absent_gives_no_warning(tmp_path: Path) -> None:
    assert notices(read(STATUSES)) == []  # the fixture's account.json is beside it
    assert notices(read(lone(tmp_path, STATUSES))) == []


def test_the_account_option_names_the_owner_as_given() -> None:
    got = rows(read(STATUSES, account="@northwind"))

    assert {(r["account"], r["author"]) for r in got} == {("northwind", "northwind")}


def test_statuses_of_another_account_are_rejected_unless_they_mention_us() -> None:
    parsed = read(STATUSES, account="alice@other.example")

    # Seen from alice's side, northwind's reply to her is an inbound mention.
    assert [(r["native_id"], r["kind"], r["author"], r["account"]) for r in rows(parsed)] == [
        ("115655000000000003", "mention", US, "alice@other.example"),
    ]
    assert [(r.line, r.column) for r in rejections(parsed)] == [
        (n, "account") for n in (1, 2, 4, 5)
    ]
    assert rejections(parsed)[0].reason == (
        "a status by northwind@mastodon.social, not by alice@other.example and not mentioning it"
    )


def test_our_direct_status_is_a_message(tmp_path: Path) -> None:
    statuses = json.loads(STATUSES.read_text(encoding="utf-8"))
    statuses[2]["visibility"] = "direct"

    got = rows(read(write_json(tmp_path / "s.json", statuses)))

    assert got[2]["kind"] == "message"


# --- notifications ----------------------------------------------------------------------


def test_mention_notifications_become_inbound_activities() -> None:
    parsed = read(NOTIFICATIONS)

    assert [(r["kind"], r["author"], r["account"], r["in_reply_to"]) for r in rows(parsed)] == [
        ("message_in", "bob@example.org", US, None),  # a direct mention is a private message
        ("mention", "alice@other.example", US, "115651000000000001"),
    ]
    direct, mention = rows(parsed)
    assert direct["ts"] == dt.datetime(2025, 12, 7, 21, 59, 58, tzinfo=UTC)
    assert direct["text"] == "@northwind can I get a demo?"
    assert mention == {
        "key": "mastodon|https://other.example/users/alice/statuses/113600000000000555",
        "source": "mastodon",
        "channel": "mastodon",
        "account": US,
        "native_id": "115654000000000777",
        "kind": "mention",
        "author": "alice@other.example",
        "in_reply_to": "115651000000000001",
        "ts": dt.datetime(2025, 12, 6, 18, 49, 58, tzinfo=UTC),
        "text": "@northwind @bob the signup link is broken",
        "url": "https://other.example/@alice/113600000000000555",
        "campaign": None,
        "reactions": 0,
        "shares": 0,
        "comments": 1,
    }


def test_a_mention_without_its_status_is_rejected() -> None:
    assert [(r.line, r.column, r.reason) for r in rejections(read(NOTIFICATIONS))] == [
        (8, "status", "a mention notification without its status"),
    ]


def test_other_notifications_are_counted_for_the_days_inside_the_file() -> None:
    metrics = rows(read(NOTIFICATIONS), "metric_snapshots")

    # 5 and 8 December are the file's first and last days, cut short: not counted.
    assert [(m["date"], m["metric"], m["value"]) for m in metrics] == [
        (dt.date(2025, 12, 6), "favourites_received", 2.0),
        (dt.date(2025, 12, 6), "reblogs_received", 1.0),
        (dt.date(2025, 12, 7), "new_followers", 1.0),
        (dt.date(2025, 12, 7), "notifications_poll", 1.0),
    ]
    assert metrics[0] == {
        "key": f"mastodon|{US}|favourites_received|2025-12-06",
        "source": "mastodon",
        "channel": "mastodon",
        "entity": US,
        "entity_kind": "account",
        "metric": "favourites_received",
        "date": dt.date(2025, 12, 6),
        "value": 2.0,
    }


def test_notifications_alone_find_the_owner_in_a_favourited_status(tmp_path: Path) -> None:
    parsed = read(lone(tmp_path, NOTIFICATIONS))

    assert {r["account"] for r in rows(parsed)} == {US}
    assert {m["entity"] for m in rows(parsed, "metric_snapshots")} == {US}


def test_mentions_alone_find_the_owner_as_the_one_every_mention_names(tmp_path: Path) -> None:
    notes = json.loads(NOTIFICATIONS.read_text(encoding="utf-8"))
    mentions = [n for n in notes if n["type"] == "mention" and n["status"]]

    got = rows(read(write_json(tmp_path / "n.json", mentions)))

    assert {r["account"] for r in got} == {US}


def test_notifications_that_do_not_say_whose_they_are_need_the_account(tmp_path: Path) -> None:
    notes = json.loads(NOTIFICATIONS.read_text(encoding="utf-8"))
    public = [n for n in notes if n["id"] == "9001"]  # mentions both @northwind and @bob
    follows = [n for n in notes if n["type"] == "follow"]

    with pytest.raises(SourceError) as caught:
        read(write_json(tmp_path / "mention.json", public))
    assert str(caught.value).endswith(
        "cannot tell whose notifications these are (mentioned: bob@example.org, "
        "northwind@mastodon.social); pass the account"
    )
    with pytest.raises(SourceError, match="cannot tell whose notifications these are; pass"):
        read(write_json(tmp_path / "follows.json", follows))
    assert rows(read(tmp_path / "mention.json", account="northwind"))[0]["account"] == "northwind"


# --- JSON Lines, folders, single entities ------------------------------------------------


def test_json_lines_keep_the_good_lines_and_reject_the_others_by_line_number() -> None:
    parsed = read(LINES)

    assert [(r["native_id"], r["kind"], r["author"], r["campaign"]) for r in rows(parsed)] == [
        ("115700000000000001", "post", US, "faq-push"),
        ("115700000000000004", "mention", "erin@elsewhere.social", None),
        ("115700000000000007", "mention", "alice@other.example", None),
    ]
    assert [(r.line, r.column, r.reason) for r in rejections(parsed)] == [
        (3, None, "broken JSON at column 43 (Expecting value)"),
        (4, "created_at", "expected a date and time, got 'last Tuesday'"),
        (
            5,
            "account",
            "a status by dave@elsewhere.social, not by northwind@mastodon.social and not "
            "mentioning it",
        ),
        (7, "favourites_count", "expected a number, got 'many'"),
        (8, "id", "the status has no id"),
        (10, None, "expected a JSON object, got list"),
    ]
    assert rejections(parsed)[0].raw == '{"id": "115700000000000099", "created_at": '


def test_a_saved_folder_reads_statuses_then_notifications_and_names_the_file() -> None:
    parsed = read(FIXTURES)

    assert len(rows(parsed)) == 5 + 2
    assert len(rows(parsed, "metric_snapshots")) == 4
    assert [(r.line, r.reason) for r in rejections(parsed)] == [
        (8, "notifications.json: a mention notification without its status"),
    ]


def test_a_folder_without_saved_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=re.escape("no statuses.json or notifications.json")):
        read(tmp_path)


def test_a_single_pretty_printed_status_and_the_account_file(tmp_path: Path) -> None:
    status = json.loads(STATUSES.read_text(encoding="utf-8"))[0]
    path = tmp_path / "status.json"
    path.write_text(json.dumps(status, indent=2), encoding="utf-8")

    assert [r["native_id"] for r in rows(read(path))] == ["115670000000000005"]
    assert read(ACCOUNT) == []  # it only says whose the other files are


def test_a_record_that_is_neither_status_nor_notification_is_rejected(tmp_path: Path) -> None:
    path = write_json(tmp_path / "x.json", [{"name": "tag", "url": "https://x"}])

    assert [(r.line, r.reason) for r in rejections(read(path))] == [
        (1, "neither a Mastodon status nor a notification (keys: name, url)"),
    ]


# --- files that cannot be read ----------------------------------------------------------


def test_truncated_json_is_an_error_with_its_line_and_column(tmp_path: Path) -> None:
    lines = STATUSES.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "statuses.json"
    path.write_text("".join(lines[:30]), encoding="utf-8")

    with pytest.raises(SourceError) as caught:
        read(path)

    assert str(caught.value) == (
        f"{path}: broken JSON at line 31, column 1 (Expecting property name enclosed in double "
        "quotes); the file is cut off or damaged; save the API response again"
    )


def test_an_empty_file_and_a_file_that_is_not_json_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("  \n", encoding="utf-8")
    text = tmp_path / "notes.json"
    text.write_text("id,created_at\n1,2025-01-01\n", encoding="utf-8")

    with pytest.raises(SourceError, match="the file is empty"):
        read(empty)
    with pytest.raises(SourceError, match=r"expected JSON .* found 'i'"):
        read(text)


def test_text_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "statuses.json"
    path.write_bytes(b'[{"content": "caf\xe9"}]')

    with pytest.raises(SourceError, match="the text is not utf-8"):
        read(path)


# --- helpers and detection ---------------------------------------------------------------


def test_html_to_text_keeps_lines_and_collects_links() -> None:
    html = (
        '<p>One &amp; two<br />three</p><p><a href="https://a.example/?utm_campaign=c">'
        '<span class="invisible">https://</span>a.example</a> &lt;b&gt; &#128512;</p>'
    )

    assert html_to_text(html) == (
        "One & two\nthree\n\nhttps://a.example <b> 😀",
        ["https://a.example/?utm_campaign=c"],
    )
    assert html_to_text("") == (None, [])
    assert html_to_text("<p></p>") == (None, [])


def test_handles_are_completed_and_compared() -> None:
    assert full_acct({"acct": "northwind", "url": "https://mastodon.social/@northwind"}) == US
    assert full_acct({"acct": "bob@example.org", "url": "https://x.example/@bob"}) == (
        "bob@example.org"
    )
    assert full_acct({"acct": "solo"}) == "solo"
    assert same_account("@Northwind", US)
    assert same_account(US, "northwind@MASTODON.social")
    assert not same_account(US, "northwind@other.example")
    assert not same_account(None, US)


def test_detect_recognises_saved_api_json_only(tmp_path: Path) -> None:
    source = Mastodon()
    tweets = tmp_path / "tweets.js"
    tweets.write_text("window.YTD.tweets.part0 = []", encoding="utf-8")
    other = write_json(tmp_path / "other.json", [{"acct": "x", "name": "not mastodon"}])

    for path in (STATUSES, NOTIFICATIONS, LINES, ACCOUNT):
        assert source.detect(path, path.read_bytes()[:65536]), path
    assert not source.detect(tweets, tweets.read_bytes())
    assert not source.detect(other, other.read_bytes())


def test_the_registry_names_this_connector() -> None:
    source = get_source("mastodon")

    assert isinstance(source, Mastodon)
    assert (source.name, source.channel) == ("mastodon", "mastodon")


def test_every_notification_is_accounted_for_when_counted_by_day(tmp_path: Path) -> None:
    # 10 notifications: 3 mentions (one rejected), 4 counted into 4 day figures (two
    # favourites on 6 December make one), and 2 on the first and last days, not counted.
    from outcomes.warehouse.connection import Warehouse
    from outcomes.warehouse.load import ingest_file

    with Warehouse.open(tmp_path) as warehouse:
        result = ingest_file(warehouse, Mastodon(), NOTIFICATIONS, ReadOptions(account=US))
    assert (result.read, result.loaded, result.rejected, result.ignored_total) == (10, 6, 1, 3)
    assert result.ignored == {
        "a notification counted with others of its kind and day in one figure": 1,
        "a notification on the file's first or last day, which paging may have cut short": 2,
    }
