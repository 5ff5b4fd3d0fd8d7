"""The direct rule: direct touches get credit only on paths made of nothing else.

A direct touch is a session whose source the analytics do not know (GA4's "(direct)":
a typed address, a bookmark, a link in an app or a mail that carried no tag) and that no
tactic claims. It is most often the way back of someone an earlier touch already brought
(a return visit to sign up or to buy), so as a step it takes a share of credit from
the touch that brought them without having brought anyone. Google Analytics 4 applies
one rule under every attribution model: direct visits are excluded from receiving
credit unless the conversion path consists only of direct visits. The journeys here do
the same by default (`JourneyOptions.skip_direct`), on converting paths and on the
non-converting ones alike, so the Markov chain learns the same paths for both: a path
with any other touch loses its direct touches, a path of direct touches only keeps them
(the sale still reaches attribution, credited to direct, or `unplanned` by tactic).
`skip_direct=False` keeps every direct touch as a step, as ChannelAttribution and most
multi-touch tools take their input, for comparing with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def direct_touch(channel_step: Any, direct_label: str, claimed: Any = None) -> Any:
    """True for a touch of the direct channel that no tactic claims (`claimed`: its tactic)."""
    direct = channel_step == direct_label
    return direct if claimed is None else direct & claimed.isnull()


def without_direct(table: Any, keys: Sequence[str]) -> Any:
    """`table` (one row per touch, boolean `direct`) without its direct touches, in every
    group of `keys` (one path) that has another touch; the `direct` column dropped."""
    import ibis

    # min over the group of "is direct": 1 only when every touch of the path is direct.
    # A column first, then the filter: Spark cannot resolve a window inside a filter the
    # way Ibis compiles it.
    only_direct = table.direct.cast("int8").min().over(ibis.window(group_by=list(keys)))
    marked = table.mutate(_only_direct=only_direct)
    kept = marked.filter(~marked.direct | (marked._only_direct == 1))
    return kept.drop("direct", "_only_direct")
