"""Plan revisions and sponsors' approvals in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

import pytest

from outcomes.plan.edit import set_fields
from outcomes.web.store import Store, StoreError
from outcomes.web.store.revisions import OUTSIDE, OutdatedError, PlanHistory, diff


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    source = resources.files("outcomes.examples").joinpath("northwind.plan.yaml")
    target = tmp_path / "plan.yaml"
    target.write_text(source.read_text("utf-8"), encoding="utf-8")
    return target


def test_the_file_as_first_read_and_each_change_on_disk_become_revisions_by_outside(
    store: Store, plan_file: Path
) -> None:
    history = PlanHistory(store, plan_file)
    first = history.sync()
    assert (first.number, first.author, first.parent) == (1, OUTSIDE, None)
    assert history.sync() == first  # unchanged: nothing new
    plan_file.write_text(plan_file.read_text().replace("hourly_cost: 70", "hourly_cost: 75"))
    second = history.sync()
    assert (second.number, second.author, second.parent) == (2, OUTSIDE, 1)
    assert "-  hourly_cost: 70\n+  hourly_cost: 75\n" in diff(first, second)
    assert [e.action for e in store.events(limit=5)] == ["plan.outside", "plan.outside"]


def test_a_save_writes_the_file_and_records_author_message_and_parent(
    store: Store, plan_file: Path
) -> None:
    history = PlanHistory(store, plan_file)
    base = history.sync()
    text = set_fields(base.text, "goals", "new-logos", {"target": 65})
    saved = history.save(text, base=base.number, author="ada", message="Aim higher", ip="10.0.0.2")
    assert plan_file.read_text(encoding="utf-8") == text
    assert (saved.number, saved.parent, saved.author, saved.message) == (2, 1, "ada", "Aim higher")
    assert history.sync() == saved  # the file written is the revision: no `outside` one
    assert [r.number for r in history.revisions()] == [2, 1]
    event = store.events(limit=1)[0]
    assert (event.actor, event.action, event.detail["revision"], event.ip) == (
        "ada", "plan.edit", 2, "10.0.0.2",
    )  # fmt: skip


def test_a_save_from_an_outdated_revision_is_refused_with_the_diff_and_writes_nothing(
    store: Store, plan_file: Path
) -> None:
    history = PlanHistory(store, plan_file)
    base = history.sync()
    mine = set_fields(base.text, "goals", "new-logos", {"target": 65})
    theirs = set_fields(base.text, "goals", "new-logos", {"title": "Win logistics customers"})
    history.save(theirs, base=base.number, author="bob", message="Shorter title")
    with pytest.raises(OutdatedError, match="changed since you opened it") as refused:
        history.save(mine, base=base.number, author="ada", message="Aim higher")
    assert "+    title: Win logistics customers" in refused.value.diff
    assert refused.value.current.author == "bob"
    assert plan_file.read_text(encoding="utf-8") == theirs
    # A change made on disk meanwhile also makes the form outdated.
    plan_file.write_text(theirs.replace("hourly_cost: 70", "hourly_cost: 71"))
    with pytest.raises(OutdatedError) as outside:
        history.save(mine, base=2, author="ada", message="again")
    assert outside.value.current.author == OUTSIDE
    assert "+  hourly_cost: 71" in outside.value.diff


def test_a_goal_sponsor_approves_and_sees_what_changed_since(store: Store, plan_file: Path) -> None:
    history = PlanHistory(store, plan_file)
    base = history.sync()
    approval = history.approve(base.number, user="dana", ip="10.0.0.3")
    assert (approval.approver_name, approval.goals) == ("Dana Ruiz", ("new-logos",))
    text = set_fields(base.text, "tactics", "trade-show", {"title": "Exhibit at LogiFair"})
    history.save(text, base=base.number, author="lee", message="Name the fair")
    sign_off = history.sign_off()
    assert sign_off is not None
    assert (sign_off.revision, sign_off.current_revision) == (1, 2)
    assert [(a.approver, a.revision) for a in sign_off.approvals] == [("dana", 1)]
    assert [(c.element, c.change) for c in sign_off.changes] == [("trade-show", "changed")]
    assert sign_off.changed("trade-show") == "changed" and sign_off.changed("new-logos") is None
    assert store.events(action="plan.approve")[0].actor == "dana"


def test_only_an_executive_who_sponsors_a_goal_may_approve(store: Store, plan_file: Path) -> None:
    history = PlanHistory(store, plan_file)
    base = history.sync()
    for user in ("lee", "nobody"):  # lee sponsors no goal; nobody is no person
        with pytest.raises(StoreError, match=f"{user} sponsors no goal in plan revision 1"):
            history.approve(base.number, user=user)
    with pytest.raises(StoreError, match="no plan revision 9"):
        history.approve(9, user="dana")
    assert history.sign_off() is None


def test_two_saves_from_the_same_revision_at_once_keep_one_and_refuse_the_other(
    store: Store, plan_file: Path
) -> None:
    history = PlanHistory(store, plan_file)
    base = history.sync()
    texts = [set_fields(base.text, "goals", "new-logos", {"target": 60 + i}) for i in (1, 2)]
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def save(text: str) -> None:
        start.wait()
        try:
            outcomes.append(history.save(text, base=base.number, author="ada", message="race"))
        except StoreError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=save, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    saved = [o for o in outcomes if not isinstance(o, StoreError)]
    refused = [o for o in outcomes if isinstance(o, StoreError)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], OutdatedError)
    assert [r.number for r in history.revisions()] == [2, 1]
    assert plan_file.read_text(encoding="utf-8") == history.get(2).text  # type: ignore[union-attr]
