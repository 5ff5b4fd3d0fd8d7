"""Tests of the attribution engine; ChannelAttribution is the outside oracle."""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

from outcomes.measure.attribution import PathCounts
from outcomes.sources.paths import read_path_rows


def channel_attribution() -> ModuleType:
    """The ChannelAttribution module; skipped without it, except in CI, where it must be there.

    `make test` installs it, so in CI a missing oracle is a broken install, never a pass.
    """
    if os.environ.get("CI"):
        import ChannelAttribution

        return ChannelAttribution
    module: ModuleType = pytest.importorskip(
        "ChannelAttribution",
        reason="channelattribution (test-only oracle) is not installed; oracle tests skipped",
    )
    return module


def data_csv() -> Path:
    """The example data ChannelAttribution ships (`cypack/data/Data.csv`)."""
    channel_attribution()
    spec = importlib.util.find_spec("cypack")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Data.csv"


# Reading Data.csv's 5,408 paths takes 0.3 s, and the Markov tests alone ask a dozen times;
# PathCounts is frozen with read-only arrays, so every test can share one.
@functools.cache
def data_counts(*, collapse_repeats: bool = False) -> PathCounts:
    """Data.csv read through the `paths` connector (once per process and option)."""
    return PathCounts.from_rows(read_path_rows(data_csv()), collapse_repeats=collapse_repeats)
