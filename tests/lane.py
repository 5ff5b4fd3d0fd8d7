"""How many examples each Hypothesis property tries: all of them in `make test`, a tenth in
the fast lane (`make test-fast`, which sets ``OUTCOMES_TEST_LANE=fast``).

The inner loop wants a quick sign that nothing broke; the full suite keeps the counts each
property was written with, so what a property proves is still proved before a merge.
"""

from __future__ import annotations

import os

from hypothesis import settings

FAST = os.environ.get("OUTCOMES_TEST_LANE") == "fast"

# A tenth of the examples, but never fewer than ten: a property that runs fewer than that
# rarely meets the edge cases (empty, one element, ties) its strategy leans towards.
SHARE = 10
FLOOR = 10

# The properties that name no count (Hypothesis' 100) get the same share in the fast lane.
settings.register_profile("fast", max_examples=100 // SHARE)


def examples(full: int) -> int:
    """`full` in `make test`; in the fast lane a tenth of it, and never below the floor."""
    return max(min(full, FLOOR), full // SHARE) if FAST else full
