"""Building the path summary from Arrow columns gives exactly what the row-by-row build gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.measure.attribution import PathCounts, attribute
from tests import lane

STEPS = st.sampled_from(["linkedin", "email", "direct", "facebook", "x"])
ROWS = st.lists(
    st.tuples(
        st.lists(STEPS, min_size=1, max_size=5),
        st.integers(0, 5),
        st.integers(0, 500),
        st.integers(0, 9),
        st.sampled_from([" > ", ">", " >", ">  "]),
    ),
    min_size=1,
    max_size=30,
)


def _same(a: PathCounts, b: PathCounts) -> None:
    def paths(counts: PathCounts) -> dict[tuple[str, ...], tuple[float, float, float]]:
        return {
            tuple(counts.channels[i] for i in counts.path(k)): (
                counts.conversions[k], counts.value[k], counts.nulls[k],
            )
            for k in range(counts.n_paths)
        }  # fmt: skip

    assert paths(a) == paths(b)


@settings(max_examples=lane.examples(60), deadline=None)
@given(ROWS)
def test_arrow_and_row_builds_agree(rows: list[tuple[list[str], int, int, int, str]]) -> None:
    texts = [sep.join(steps) for steps, *_, sep in rows]
    conv = np.array([r[1] for r in rows], dtype=float)
    value = np.array([r[2] for r in rows], dtype=float)
    nulls = np.array([r[3] for r in rows], dtype=float)
    by_rows = PathCounts.from_rows(zip(texts, conv, value, nulls, strict=True))
    by_arrow = PathCounts.from_arrow(pa.array(texts), conv, value, nulls)
    _same(by_rows, by_arrow)
    if conv.sum() > 0:
        assert attribute(by_arrow, "markov").as_dict() == pytest.approx(
            attribute(by_rows, "markov").as_dict()
        )


def test_repeated_paths_are_summed_and_spacing_does_not_matter() -> None:
    counts = PathCounts.from_arrow(
        pa.array(["a>b", "a > b", " c "]), [1, 2, 3], [10, 20, 30], [1, 1, 1]
    )
    assert counts.channels == ("a", "b", "c")
    assert counts.n_paths == 2
    assert sorted(counts.conversions.tolist()) == [3.0, 3.0]


@pytest.mark.parametrize("text", ["a > > b", "> a", "a >"])
def test_an_empty_step_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="empty step"):
        PathCounts.from_arrow(pa.array([text]), [1], [0], [0])


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        PathCounts.from_arrow(pa.array(["a"]), [-1], [0], [0])
