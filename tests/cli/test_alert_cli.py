"""`outcomes alerts subscribe|unsubscribe|list|log|settings|schedule-fetch` on a workspace's
store; bad input is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from outcomes.cli import load_commands

APP = load_commands(["alerts"])


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(APP, ["alerts", *args])
    return result.exit_code, result.output


def test_subscriptions_are_added_listed_and_removed(tmp_path: Path) -> None:
    where = ["-w", str(tmp_path)]
    assert run("subscribe", "ops@example.com", "--kinds", "goal,digest", *where) == (
        0, "email ops@example.com receives: goal, digest\n",
    )  # fmt: skip
    code, _ = run("subscribe", "https://hooks.example.com/T1", *where)
    assert code == 0
    code, listed = run("list", "--format", "json", *where)
    found = {s["target"]: s for s in json.loads(listed)["subscriptions"]}
    assert found["ops@example.com"]["kinds"] == ["goal", "digest"]
    assert found["https://hooks.example.com/T1"]["channel"] == "webhook"
    assert found["https://hooks.example.com/T1"]["kinds"] == [
        "goal", "response", "tactic", "ingest", "digest",
    ]  # fmt: skip

    assert run("unsubscribe", "ops@example.com", *where)[0] == 0
    code, output = run("unsubscribe", "ops@example.com", *where)
    assert code == 2 and "'ops@example.com' is not subscribed" in output
    code, output = run("log", "--format", "json", *where)
    assert code == 0 and json.loads(output) == {"deliveries": []}


def test_bad_addresses_kinds_and_settings_are_one_line_and_exit_2(tmp_path: Path) -> None:
    where = ["-w", str(tmp_path)]
    for args, message in [
        (("subscribe", "ops.example.com"), "is not an email address"),
        (("subscribe", "ops@example.com", "--kinds", "goals"), "unknown alert kind 'goals'"),
        (("settings", "--smtp-security", "tls"), "smtp_security 'tls': use one of"),
        (("settings", "--digest-weekday", "someday"), "digest_weekday 'someday'"),
        (("run",), "no such workspace folder"),
    ]:
        code, output = run(
            *args, *(["-w", str(tmp_path / "nowhere")] if args == ("run",) else where)
        )
        assert code == 2, (args, output)
        assert message in output and "Traceback" not in output
        assert len(output.strip().splitlines()) == 1, output


def test_settings_and_scheduled_fetches_are_kept_in_the_store(tmp_path: Path) -> None:
    where = ["-w", str(tmp_path)]
    code, output = run(
        "settings", "--smtp-host", "mail.example.com", "--every-minutes", "15", *where
    )
    assert code == 0
    assert "smtp_host = mail.example.com" in output and "every_minutes = 15" in output
    assert "every_minutes = 15" in run("settings", *where)[1]

    code, output = run(
        "schedule-fetch", "https://mastodon.social", "northwind", "--every-minutes", "120", *where
    )
    assert code == 0
    assert (
        output
        == "fetch mastodon https://mastodon.social northwind every 120 min (token: $MASTODON_TOKEN)\n"
    )
    assert run("schedule-fetch", "https://mastodon.social", "northwind", "--remove", *where) == (
        0,
        "",
    )
    code, output = run("schedule-fetch", "https://mastodon.social", "northwind", "--remove", *where)
    assert code == 2 and "no scheduled fetch of northwind" in output
