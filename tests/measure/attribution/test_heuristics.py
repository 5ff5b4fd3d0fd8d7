"""Heuristic models: ChannelAttribution's heuristics as oracle, and hand-checked rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd  # type: ignore[import-untyped, unused-ignore]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.measure.attribution import (
    MODELS,
    PathCounts,
    attribute,
    first_touch,
    last_non_direct,
    last_touch,
    linear,
    position_based,
    time_decay,
)
from outcomes.sources.paths import read_path_rows
from tests import lane
from tests.measure.attribution import channel_attribution, data_counts, data_csv


def test_first_last_linear_equal_channel_attribution_heuristics() -> None:
    ca = channel_attribution()
    frame = pd.read_csv(data_csv(), sep=";")
    theirs = ca.heuristic_models(
        frame,
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        flg_pro=False,
    ).set_index("channel_name")
    counts = data_counts()
    for ours, column in (
        (first_touch(counts), "first_touch"),
        (last_touch(counts), "last_touch"),
        (linear(counts), "linear_touch"),
    ):
        order = list(ours.as_dict())
        expected_conv = theirs.loc[order, f"{column}_conversions"].to_numpy(dtype=float)
        expected_value = theirs.loc[order, f"{column}_value"].to_numpy(dtype=float)
        np.testing.assert_allclose(
            list(ours.as_dict().values()), expected_conv, rtol=1e-9, atol=1e-9
        )
        np.testing.assert_allclose(
            list(ours.as_dict("value").values()), expected_value, rtol=1e-9, atol=1e-9
        )


def test_every_model_preserves_totals_on_data_csv() -> None:
    counts = data_counts()
    conv, value = counts.conversions.sum(), counts.value.sum()
    for name in MODELS:
        result = attribute(counts, name)
        assert result.total_conversions == pytest.approx(conv, rel=1e-12), name
        assert result.total_value == pytest.approx(value, rel=1e-12), name
        assert result.model == name


def test_reading_sums_repeats_and_collapses_on_request(tmp_path: Path) -> None:
    file = tmp_path / "p.csv"
    file.write_text(
        "path,total_conversions,total_conversion_value,total_null\n"
        "a > a > b,1,10,2\n"
        "a>b,2,5,0\n"
        "a > b,1,1,1\n"
    )
    raw = PathCounts.from_rows(read_path_rows(file))
    assert raw.channels == ("a", "b")
    assert sorted(raw.paths()) == [(0, 0, 1), (0, 1)]
    collapsed = PathCounts.from_rows(read_path_rows(file), collapse_repeats=True)
    assert collapsed.paths() == [(0, 1)]
    assert (collapsed.conversions[0], collapsed.value[0], collapsed.nulls[0]) == (4, 16, 3)
    assert raw.collapse_repeats().paths() == [(0, 1)]


CASES = PathCounts.from_rows(
    [
        ("search", 1, 10, 0),  # single touch
        ("social > email", 2, 20, 0),  # two touches
        ("social > blog > blog > direct", 1, 4, 3),
        ("direct > direct", 1, 8, 0),
    ]
)


def test_first_last_and_last_non_direct_rules() -> None:
    assert first_touch(CASES).as_dict() == {
        "search": 1, "social": 3, "email": 0, "blog": 0, "direct": 1
    }  # fmt: skip
    assert last_touch(CASES).as_dict()["direct"] == 2
    lnd = last_non_direct(CASES)
    # The 4-touch path goes to blog; the all-direct path keeps its last (direct) touch.
    assert lnd.as_dict() == {"search": 1, "social": 0, "email": 2, "blog": 1, "direct": 1}
    assert lnd.params["direct"] == ["direct"]
    custom = last_non_direct(CASES, direct={"direct", "email"})
    assert custom.as_dict()["social"] == 2
    assert custom.as_dict("value")["social"] == 20


def test_linear_per_touch_and_per_channel() -> None:
    touch = linear(CASES).as_dict()
    assert touch["blog"] == pytest.approx(0.5)  # 2 of 4 touches, 1 conversion
    assert touch["social"] == pytest.approx(1 + 0.25)
    channel = linear(CASES, per="channel").as_dict()
    assert channel["blog"] == pytest.approx(1 / 3)  # social, blog, direct
    assert channel["direct"] == pytest.approx(1 / 3 + 1)
    with pytest.raises(ValueError, match="per must be"):
        linear(CASES, per="journey")


def test_position_based_one_two_and_long_paths() -> None:
    result = position_based(CASES).as_dict()
    assert result["search"] == pytest.approx(1.0)
    assert result["email"] == pytest.approx(1.0)  # 2 conversions x 0.5
    assert result["social"] == pytest.approx(1.0 + 0.4)
    assert result["blog"] == pytest.approx(0.2)  # two middle touches x 0.1
    assert result["direct"] == pytest.approx(0.4 + 1.0)
    skewed = position_based(CASES, first=0.3, last=0.6).as_dict()
    assert skewed["email"] == pytest.approx(2 * 0.6 / 0.9)
    assert position_based(CASES).params["middle"] == pytest.approx(0.2)
    with pytest.raises(ValueError):
        position_based(CASES, first=0.7, last=0.4)


def test_time_decay_halves_per_touch_back() -> None:
    counts = PathCounts.from_rows([("a > b > c", 7, 70, 0)])
    assert time_decay(counts).as_dict() == pytest.approx({"a": 1, "b": 2, "c": 4})
    slow = time_decay(counts, half_life=2).as_dict()
    weights = np.array([0.5, 2**-0.5, 1.0])
    assert list(slow.values()) == pytest.approx(list(7 * weights / weights.sum()))
    assert time_decay(counts).params == {"half_life": 1.0, "time_unit": "touches"}


def test_registry_errors_name_the_valid_models() -> None:
    with pytest.raises(ValueError, match=r"valid: first_touch, last_touch, .*shapley"):
        attribute(CASES, "u_shaped")
    with pytest.raises(ValueError, match=r"first_touch: .*unexpected keyword"):
        attribute(CASES, "first_touch", order=2)


def test_result_records_and_params() -> None:
    result = attribute(CASES, "position_based", first=0.3, last=0.5)
    assert dict(result.params) == {"first": 0.3, "last": 0.5, "middle": pytest.approx(0.2)}
    records = result.to_records()
    assert records[0].keys() == {"model", "channel", "conversions", "value"}
    assert [r["channel"] for r in records] == list(CASES.channels)


paths_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from("abcde"), min_size=1, max_size=6),
        st.integers(0, 5),
        st.floats(0, 100),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=lane.examples(60), deadline=None)
@given(paths_strategy)
def test_heuristics_preserve_totals(rows: list[tuple[list[str], int, float, int]]) -> None:
    counts = PathCounts.from_rows([(p, c, v, n) for p, c, v, n in rows])
    for name in (
        "first_touch",
        "last_touch",
        "last_non_direct",
        "linear",
        "position_based",
        "time_decay",
    ):
        result = attribute(counts, name)
        assert result.total_conversions == pytest.approx(counts.conversions.sum(), abs=1e-9)
        assert result.total_value == pytest.approx(counts.value.sum(), rel=1e-9, abs=1e-9)
        assert min(r.conversions for r in result.channels) >= -1e-12


def test_results_become_arrow_tables_and_dataframes() -> None:
    counts = PathCounts.from_rows([("a > b", 2.0, 10.0, 1.0), ("b", 1.0, 4.0, 0.0)])
    result = attribute(counts, "linear")
    table = result.to_arrow()
    assert table.column_names == ["model", "channel", "conversions", "value"]
    assert dict(zip(table["channel"].to_pylist(), table["value"].to_pylist(), strict=True)) == {
        "a": 5.0,
        "b": 9.0,
    }
    frame = result.to_pandas()
    assert list(frame["conversions"]) == [1.0, 2.0]
