"""Keys of records a tool names two ways: by an id, or, in exports without ids, by a name
and a day (a Mailchimp campaign's Unique Id or its title and send day; an ad campaign's
Campaign ID or its name and day).

Keyed by whichever the export has, the two shapes of one export would store each record
twice. So a record takes the key its name and day are already stored under
(`ReadOptions.stored`), part by part (each metric, the spend):

* its own key, when that is stored, or nothing of its name and day is;
* the key by name and day, when an export without ids stored it (a record with an id);
* for a record without id, the one key stored by an export with ids; with several (two
  campaigns of one name on one day) which one it is cannot be known: it is refused;
* a record with an id whose name and day are stored only under other ids is another
  record of the same name, and keeps its own key.

Rows broken down further than name and day (ads by platform or by ad) are matched only
exactly: a row with an id takes the key an export without ids gave the same breakdown,
but a row without id keeps its own, since which stored row of its name and day is its
own breakdown's cannot be told from a key. Loading such an export with ids and again
without them stores it twice, as before. Reports of one campaign broken down otherwise
(a total and its rows by ad) never meet here: the second is refused by its grain first
(`outcomes.sources.campaigns`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TwoKeys:
    """One record's keys, part by part, and what is stored under its name and day."""

    by_id: Mapping[str, str] | None
    """Each part's key by the record's id; None when the export gives it none."""
    by_name: Mapping[str, str]
    """Each part's key by name and day."""
    stored: Mapping[str, Sequence[str]]
    """Each part's stored keys of the same name and day."""
    broken_down: bool = False
    """The record is one of several rows of its name and day (a breakdown): a stored key
    of its name and day may be another row's, so only an exact key is taken."""

    def resolved(self) -> dict[str, str] | int:
        """Each part's key, or how many stored records it could be (it cannot be told)."""
        own = self.by_name if self.by_id is None else self.by_id
        keys: dict[str, str] = {}
        for part, key in own.items():
            here = self.stored.get(part, ())
            if key in here or not here:
                keys[part] = key
            elif self.by_name[part] in here:
                keys[part] = self.by_name[part]
            elif self.by_id is not None or self.broken_down:
                keys[part] = key
            elif len(here) == 1:
                keys[part] = here[0]
            else:
                return len(here)
        return keys
