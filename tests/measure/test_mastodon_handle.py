"""A Mastodon handle written as people say it, `@ledgerline`, claims that account's activity.

Mastodon stores full handles (`ledgerline@mastodon.social`). Ledgerline's support tactic
(tests/workspace/fixtures/fourthco) names its account `ledgerline`, as docs/plan-format.md
allows ("the page or handle, with or without @"); on main it claimed nothing, so its
response-time and response-rate benchmarks read "no data yet" beside 11 answered mentions,
and `outcomes unplanned` listed every reply, exit 0.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from outcomes.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "workspace" / "fixtures" / "fourthco"
FILES = ("exports/mastodon/statuses.json", "exports/mastodon/notifications.json")


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("handle") / "ledgerline"
    root.mkdir()
    for name in ("plan.yaml", *FILES, "exports/mastodon/account.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / name, root / name)
    space = Workspace.open(root)
    for name in FILES:
        assert space.ingest([root / name], source="mastodon").exit_code == 0
    return space


def test_a_handle_without_its_instance_claims_the_account(space: Workspace) -> None:
    # At the quarter's end: without the business exports, the day the scorecard measures
    # to is the newest snapshot's (the account's, 20 May), and a tactic's conversation is
    # counted to that day, as its posts are.
    card = space.scorecard(as_of=dt.date(2026, 6, 30))
    support = next(
        c for c in card.conversation_by_tactic if c.group.get("tactic") == "masto-support"
    )
    # 14 mentions, 3 of them #LedgerlineIdeas (masto-ideas'); of the other 11, all but
    # the UK IBAN question were answered.
    assert (support.inbound, support.answered) == (11, 10)
    rate = next(
        b for b in card.tactics if (b.tactic, b.metric) == ("masto-support", "response_rate")
    )
    assert rate.actual == pytest.approx(10 / 11)


def test_only_our_three_posts_are_unplanned(space: Workspace) -> None:
    # masto-support responds (replies, mentions); nothing in the plan publishes there.
    report = space.unplanned()
    assert report.unplanned_activities == 3
