"""Named, independent random streams: one per part of the simulation.

Each part draws from its own stream, derived from the seed and a fixed number, so adding
draws to one part never shifts the numbers of another, and the same seed gives the same
company. Python's `hash()` is salted per process, so stream names map to fixed numbers.
"""

from __future__ import annotations

from typing import Final

import numpy as np

STREAMS: Final = {
    "journeys": 1,
    "crm": 2,
    "legacy": 3,
    "x": 4,
    "mastodon": 5,
    "linkedin": 6,
    "inbox": 7,
    "meta": 8,
    "youtube": 9,
    "support": 10,
    "costs": 11,
    "ga4": 12,
    "names": 13,
    "timesheets": 14,
    "ads": 15,
    "mailchimp": 16,
    "clinics-journeys": 17,
    "clinics-crm": 18,
    "clinics-ga4": 19,
    "clinics-social": 20,
    "clinics-hiring": 21,
}


def stream(seed: int, name: str, *index: int) -> np.random.Generator:
    """The generator for part `name` (and sub-part `index`, e.g. a journey block)."""
    return np.random.default_rng(np.random.SeedSequence([seed, STREAMS[name], *index]))
