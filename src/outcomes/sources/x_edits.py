"""Edited tweets in an X archive: one activity per post, however often it was edited.

Since 2022 an edit publishes a new tweet with an id of its own, and the archive keeps every
version as a record of its own in `tweets.js`, each naming the whole chain of ids in
`edit_info`: `initial.editTweetIds` on the first version, `edit.editControlInitial.
editTweetIds` (with `edit.initialTweetId`) on the later ones. Loaded one row per record,
a post edited once would count as two posts.

So the versions of a chain are held back until every id of the chain has been read (the
archive writes them side by side, newest first) or the input ends, and then one row is
loaded: the last version (the largest id: ids grow with time), which is what X shows and
the one that carries the likes and reposts, dated by the first version, when the post went
out; the other versions are passed over as `EARLIER_VERSION`. The row is keyed by the
chain's first id (`native_id`), which never changes, with the last version's link: an
archive made before an edit and one made after it then store one post, not two. When the
last version is not in the input (an archive cut between its parts), the latest version
there is is loaded instead, so the post is neither lost nor counted twice.

Readings before this one stored each version as a post of its own, keyed by its own id,
and a warehouse keeps those rows until the archive is read again: so for every later id
of a chain the connector says its key holds no row now (`Superseded`), and the loader
removes what an earlier reading stored there (the archive is read again because the
connector's reading changed: `XArchive.reading`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from outcomes.sources.base import Ignored, Parsed, Row, Superseded, natural_key

EARLIER_VERSION: Final = "an earlier version of an edited tweet"
_ID_DIGITS: Final = 20
"""Tweet ids are 64-bit numbers: at most 20 digits. A longer digit string is damage (and
`int()` refuses strings of thousands of digits), so it names no version."""


def edit_chain(tweet: object) -> frozenset[int]:
    """The ids of the tweet's edit chain; empty when it was never edited (or says nothing)."""
    info = tweet.get("edit_info") if isinstance(tweet, dict) else None
    if not isinstance(info, dict):
        return frozenset()
    edit = info.get("edit")
    control = edit.get("editControlInitial") if isinstance(edit, dict) else info.get("initial")
    ids = control.get("editTweetIds") if isinstance(control, dict) else None
    if not isinstance(ids, list):
        return frozenset()
    # A damaged id cannot name a version: the chain keeps the ids that can.
    chain = frozenset(number for number in map(_tweet_number, ids) if number is not None)
    return chain if len(chain) > 1 else frozenset()


def _tweet_number(value: object) -> int | None:
    """A tweet id written as a string of digits, as a number; None for anything else."""
    if not isinstance(value, str) or not 0 < len(value) <= _ID_DIGITS:
        return None
    return int(value) if value.isascii() and value.isdigit() else None


@dataclass(frozen=True, slots=True)
class _Version:
    tweet_id: int
    row: Row
    number: int


@dataclass(slots=True)
class _Chain:
    ids: set[int]
    versions: list[_Version]


class EditChains:
    """Holds the versions of edited tweets until their chain is complete; see the module."""

    def __init__(self) -> None:
        self._open: dict[int, _Chain] = {}

    def admit(self, row: Row, chain: frozenset[int], number: int) -> Iterator[Parsed]:
        """`row` itself for a tweet never edited; else what settling its chain gives, if due."""
        tweet_id = _tweet_number(row.values["native_id"])
        if tweet_id is None or tweet_id not in chain:  # not edited, or not in its chain
            yield row
            return
        first = min(chain)  # the chain's initial tweet: the same for every version
        held = self._open.setdefault(first, _Chain(set(), []))
        held.ids |= chain
        held.versions.append(_Version(tweet_id, row, number))
        if held.ids <= {version.tweet_id for version in held.versions}:
            del self._open[first]
            yield from _settle(first, held)

    def rest(self) -> Iterator[Parsed]:
        """At the end of the input: the chains some of whose versions never came."""
        for first, held in self._open.items():
            yield from _settle(first, held)
        self._open.clear()


def _settle(first: int, held: _Chain) -> Iterator[Parsed]:
    """The latest version as the post's row, keyed by `first` and dated by the earliest;
    then the keys an earlier reading stored the later versions under."""
    versions = held.versions
    latest = max(versions, key=lambda version: version.tweet_id)
    for version in versions:
        if version is not latest:
            yield Ignored(version.number, EARLIER_VERSION)
    values: dict[str, Any] = dict(latest.row.values)
    values["native_id"] = str(first)
    values["key"] = natural_key(values["channel"], values["native_id"])
    times = [version.row.values["ts"] for version in versions]
    values["ts"] = min(times)
    yield dataclasses.replace(latest.row, values=values)
    for later in sorted(held.ids - {first}):
        yield Superseded("activities", natural_key(values["channel"], str(later)))
