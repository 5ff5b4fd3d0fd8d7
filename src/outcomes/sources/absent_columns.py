"""Optional columns whose absence changes what is measured, said once per file.

A connector reads an export without its optional columns, as it must: a re-export with
fewer columns is still data. But some optional columns decide a measurement or a join (a
HubSpot deal's Pipeline, which a goal's scope names; a Salesforce opportunity's Type,
which says whether a win is a new customer). Loaded without them, every row looks right
and a goal scoped to a pipeline quietly counts none; so the connector lists those columns
as :class:`Consequence` s, and :func:`absent_notices` gives one
:class:`~outcomes.sources.base.Notice` per consequence whose columns the file lacks,
naming them, what their absence changes, and what to do.

Cosmetic columns (a deal's name, a contact's email) and those whose absence already shows
as "no data" (a metric column: no snapshot of that metric is written) are not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from outcomes.sources.base import Notice


@dataclass(frozen=True, slots=True)
class Consequence:
    """What a file without any of `columns` (logical names) loads differently."""

    columns: tuple[str, ...]
    means: str
    """What changes, said of the file's records ("a goal scoped to a pipeline counts none
    of these deals")."""
    named: str | None = None
    """How to name the columns, when their usual headers alone would mislead (the headers
    of a contact's stage dates changed in 2024); else each by its usual header."""


def absent_notices(
    headers: Mapping[str, str],
    consequences: Sequence[Consequence],
    label: Callable[[str], str],
    *,
    export: str = "the file",
) -> Iterator[Notice]:
    """A notice for each consequence none of whose columns is in `headers`.

    `headers` maps the logical columns the file has to its header text (empty when the
    header could not be read from the file's first bytes: nothing is said then, since
    nothing is known); `label` names a column the file lacks by its usual header;
    `export` is what to export again ("the deals").
    """
    if not headers:
        return
    for consequence in consequences:
        if any(name in headers for name in consequence.columns):
            continue
        named = consequence.named or " or ".join(f"'{label(name)}'" for name in consequence.columns)
        them = "that column" if len(consequence.columns) == 1 else "them"
        yield Notice(
            f"no column {named}: {consequence.means}. Export {export} again with {them} "
            "and load the file again"
        )
