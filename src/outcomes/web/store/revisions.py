"""The plan's history: every saved text as a numbered revision, and sponsors' approvals.

    history = PlanHistory(store, workspace / "plan.yaml")
    newest = history.sync()            # the file as it is now, recorded if it changed
    history.save(text, base=newest.number, author="ada", message="Cadence weekly")

Each revision keeps the plan's whole text, so any two can be compared (`diff`). The
file stays the truth the rest of outcomes reads: `sync` records a file changed on disk
(a git pull, an editor) as a revision by `outside`, and `save` writes the file, atomically,
in the transaction that records the revision. A save names the revision it was made
from; when that is no longer the newest it is refused (`OutdatedError`, with the diff),
never written over the other change.

Who approves: a user whose name is the id of a person in the plan who is an executive
and sponsors at least one goal in the revision approved (user `dana` is person `dana`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from outcomes.plan import Plan, PlanError, load_plan_text
from outcomes.plan.changes import Approval, SignOff, changes_since
from outcomes.web.store.audit import add_event, now
from outcomes.web.store.database import StoreError
from outcomes.web.store.models import ApprovalRow, RevisionRow
from outcomes.web.store.store import Store

OUTSIDE: Final = "outside"
"""The author of a change made to the file on disk, not through the app."""
OUTSIDE_MESSAGE: Final = "plan.yaml changed on disk (a git pull or an editor)"


@dataclass(frozen=True)
class Revision:
    number: int
    parent: int | None
    author: str
    at: dt.datetime
    message: str
    text: str
    sha256: str


class OutdatedError(StoreError):
    """A save made from a revision that is no longer the newest; it holds what changed since."""

    def __init__(self, base: int | None, current: Revision, diff: str) -> None:
        super().__init__(
            f"the plan was changed since you opened it (you edited revision {base}, "
            f"the newest is {current.number} by {current.author}): nothing was saved; "
            "reload the form, and make your change again"
        )
        self.base = base
        self.current = current
        self.diff = diff


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diff(old: Revision | None, new: Revision, *, context: int = 3) -> str:
    """A unified diff from `old` (nothing when None) to `new`."""
    return "".join(
        difflib.unified_diff(
            old.text.splitlines(keepends=True) if old else [],
            new.text.splitlines(keepends=True),
            fromfile=f"plan.yaml@{old.number}" if old else "/dev/null",
            tofile=f"plan.yaml@{new.number}",
            n=context,
        )
    )


class PlanHistory:
    """The revisions of one plan file, kept in the app's store."""

    def __init__(self, store: Store, plan_file: Path) -> None:
        self.store = store
        self.plan_file = plan_file

    def latest(self) -> Revision | None:
        with self.store.transaction() as session:
            return _latest(session)

    def get(self, number: int) -> Revision | None:
        with self.store.transaction() as session:
            row = session.get(RevisionRow, number)
            return _revision(row) if row else None

    def revisions(self, limit: int = 100) -> list[Revision]:
        """The newest first."""
        query = select(RevisionRow).order_by(RevisionRow.number.desc()).limit(limit)
        with self.store.transaction() as session:
            return [_revision(row) for row in session.scalars(query)]

    def sync(self) -> Revision:
        """The newest revision, after recording the file on disk if it differs from it."""
        try:
            with self.store.transaction() as session:
                return self._sync(session)
        except IntegrityError:  # another request recorded it at the same moment
            with self.store.transaction() as session:
                return self._sync(session)

    def _sync(self, session: Session) -> Revision:
        text = self._read()
        newest = _latest(session)
        if newest is not None and newest.sha256 == sha256(text):
            return newest
        message = OUTSIDE_MESSAGE if newest else "the plan as first read"
        return _add(session, newest, text, OUTSIDE, message, None)

    def save(
        self, text: str, *, base: int | None, author: str, message: str, ip: str | None = None
    ) -> Revision:
        """Record `text` as the next revision and write it to the file; `base` must be the newest."""
        try:
            with self.store.transaction() as session:
                newest = self._sync(session)
                if base != newest.number:
                    old = _get(session, base)
                    raise OutdatedError(base, newest, diff(old, newest))
                saved = _add(session, newest, text, author, message.strip() or "edited", ip)
                self._write(text)
                return saved
        except IntegrityError:
            newest = self.sync()
            raise OutdatedError(base, newest, diff(self.get(base or 0), newest)) from None

    def approve(self, number: int, *, user: str, ip: str | None = None) -> Approval:
        """`user` approves revision `number`, if they sponsor a goal in it."""
        with self.store.transaction() as session:
            row = session.get(RevisionRow, number)
            if row is None:
                raise StoreError(f"there is no plan revision {number}")
            goals, name = _sponsored(row.text, user, number)
            at = now()
            session.add(ApprovalRow(revision=number, approver=user, goals=json.dumps(goals), at=at))
            add_event(session, user, "plan.approve", f"plan.yaml@{number}", {"goals": goals}, ip)
            return Approval(number, user, name, at, tuple(goals))

    def approvals(self) -> list[Approval]:
        """Every approval, the newest first."""
        query = select(ApprovalRow, RevisionRow.text).join(
            RevisionRow, RevisionRow.number == ApprovalRow.revision
        )
        query = query.order_by(ApprovalRow.at.desc(), ApprovalRow.id.desc())
        with self.store.transaction() as session:
            rows = session.execute(query).all()
        names: dict[int, dict[str, str]] = {}
        for row, text in rows:
            if row.revision not in names:
                names[row.revision] = _people(text)
        return [_approval(row, names[row.revision]) for row, _ in rows]

    def latest_approval_id(self) -> int | None:
        """The newest approval's id: what changes when someone approves (a cache key)."""
        with self.store.transaction() as session:
            return session.scalar(select(func.max(ApprovalRow.id)))

    def sign_off(self) -> SignOff | None:
        """The newest approved revision, its approvals and what changed since; None if none."""
        approvals = self.approvals()
        if not approvals:
            return None
        approved = approvals[0].revision
        current = self.sync()
        before, after = self.get(approved), current
        assert before is not None
        try:
            changes = changes_since(_plan(before.text), _plan(after.text))
        except PlanError:
            changes = ()  # the file cannot be read now: the dashboard says so already
        same = tuple(a for a in approvals if a.revision == approved)
        return SignOff(approved, same, current.number, changes)

    def _read(self) -> str:
        try:
            return self.plan_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(
                f"cannot read the plan {self.plan_file}: {exc.__class__.__name__}: {exc}; "
                "put the plan file back and reload this page"
            ) from None

    def _write(self, text: str) -> None:
        """Replace the file at once: a reader sees the old text or the new, never half."""
        folder = self.plan_file.parent
        handle, temporary = tempfile.mkstemp(prefix=".plan-", suffix=".yaml", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(self.plan_file)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise StoreError(f"cannot write {self.plan_file}: {exc}") from None


def _plan(text: str) -> Plan:
    return load_plan_text(text).plan


def _sponsored(text: str, user: str, number: int) -> tuple[list[str], str]:
    """The goals `user` sponsors in the plan `text`, and their name; StoreError if none."""
    try:
        plan = load_plan_text(text, f"plan.yaml@{number}").plan
    except PlanError:
        raise StoreError(
            f"plan revision {number} cannot be read, so it cannot be approved"
        ) from None
    person = next((p for p in plan.people if p.id == user), None)
    goals = [goal.id for goal in plan.goals if goal.sponsor == user]
    if person is None or not person.executive or not goals:
        raise StoreError(
            f"{user} sponsors no goal in plan revision {number}: only a goal's sponsor (a person "
            "with executive: true whose id is their user name) approves the plan"
        )
    return goals, person.name


def _latest(session: Session) -> Revision | None:
    row = session.scalar(select(RevisionRow).order_by(RevisionRow.number.desc()).limit(1))
    return _revision(row) if row else None


def _get(session: Session, number: int | None) -> Revision | None:
    row = session.get(RevisionRow, number) if number is not None else None
    return _revision(row) if row else None


def _add(
    session: Session,
    parent: Revision | None,
    text: str,
    author: str,
    message: str,
    ip: str | None,
) -> Revision:
    number = parent.number + 1 if parent else 1
    row = RevisionRow(
        number=number, parent=parent.number if parent else None, author=author[:128],
        at=now(), message=message, text=text, sha256=sha256(text),
    )  # fmt: skip
    session.add(row)
    session.flush()  # a second revision with this number fails here, before the file is written
    action = "plan.outside" if author == OUTSIDE else "plan.edit"
    detail = {"revision": number, "parent": row.parent, "message": message[:200]}
    add_event(session, author, action, "plan.yaml", detail, ip)
    return _revision(row)


def _revision(row: RevisionRow) -> Revision:
    return Revision(row.number, row.parent, row.author, row.at, row.message, row.text, row.sha256)


def _people(text: str) -> dict[str, str]:
    """Person id → name in a revision's plan (empty when it cannot be read)."""
    try:
        return {p.id: p.name for p in load_plan_text(text).plan.people}
    except PlanError:
        return {}


def _approval(row: ApprovalRow, people: dict[str, str]) -> Approval:
    goals = tuple(json.loads(row.goals))
    return Approval(
        row.revision, row.approver, people.get(row.approver, row.approver), row.at, goals
    )
