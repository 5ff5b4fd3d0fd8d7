"""The strategy map SVG: valid, complete, escaped, deterministic, and quick for big plans."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from outcomes.plan import Plan, load_plan, load_plan_text
from outcomes.report.strategy_map import (
    MAX_TACTICS,
    MAX_TACTICS_PER_STRATEGY,
    STATUS_COLOURS,
    strategy_map_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
RED = "#b91c1c"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def nodes(root: ET.Element) -> dict[str, ET.Element]:
    """Each element's box group by its plan id."""
    return {g.attrib["data-id"]: g for g in root.iter(f"{SVG}g") if "data-id" in g.attrib}


def rect_of(group: ET.Element) -> ET.Element:
    rect = group.find(f"{SVG}rect")
    assert rect is not None
    return rect


def texts(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def build_plan(tactic_count: int, *, strategies: int = 2, loose: int = 0, title: str = "T") -> Plan:
    data = {
        "version": 1,
        "organisation": {"name": "Big", "currency": "EUR"},
        "people": [{"id": "p", "name": "P"}],
        "goals": [
            {"id": "g", "title": "Goal", "metric": "revenue", "direction": "increase",
             "baseline": 1, "target": 2, "start": "2026-01-01", "due": "2026-12-31"}
        ],
        "strategies": [
            {"id": f"s{i}", "title": f"Strategy {i}", "serves": ["g"], "owner": "p"}
            for i in range(strategies)
        ],
        "tactics": [
            {"id": f"t{i}", "title": f"{title} {i}", "serves": f"s{i % strategies}",
             "channel": "linkedin", "mode": "publish", "start": "2026-01-01", "end": "2026-12-31"}
            for i in range(tactic_count)
        ] + [
            {"id": f"loose{i}", "title": f"Loose {i}", "channel": "x", "mode": "publish",
             "start": "2026-01-01", "end": "2026-12-31"}
            for i in range(loose)
        ],
    }  # fmt: skip
    return load_plan_text(yaml.safe_dump(data)).plan


def test_northwind_map_is_valid_svg_with_every_element(northwind_path: Path) -> None:
    plan = load_plan(northwind_path).plan
    root = parse(strategy_map_svg(plan))
    drawn = nodes(root)
    expected = [g.id for g in plan.goals] + [s.id for s in plan.strategies]
    expected += [t.id for t in plan.tactics]
    assert sorted(drawn) == sorted(expected)
    assert drawn["new-logos"].attrib["class"] == "node goal"
    assert drawn["social-selling"].attrib["class"] == "node strategy"
    assert drawn["trade-show"].attrib["class"] == "node tactic"
    assert drawn["trade-show"].attrib["id"] == "sm-trade-show"
    # Nothing in Northwind is unlinked, so nothing is red and there is no band.
    assert all(rect_of(g).attrib["stroke"] != RED for g in drawn.values())
    assert "Random acts of social" not in texts(root)


def test_every_serves_link_is_drawn_once(northwind_path: Path) -> None:
    plan = load_plan(northwind_path).plan
    root = parse(strategy_map_svg(plan))
    links = [p for p in root.iter(f"{SVG}path") if p.attrib.get("class") == "link"]
    goal_links = sum(len(s.serves) for s in plan.strategies)
    tactic_links = sum(1 for t in plan.tactics if t.serves)
    assert len(links) == goal_links + tactic_links == 4 + 7


def test_goal_sits_level_with_the_strategies_it_serves(northwind_path: Path) -> None:
    root = parse(strategy_map_svg(load_plan(northwind_path).plan))
    drawn = nodes(root)

    def middle(element_id: str) -> float:
        rect = rect_of(drawn[element_id])
        return float(rect.attrib["y"]) + float(rect.attrib["height"]) / 2

    assert middle("cheaper-support") == pytest.approx(middle("community-support"))
    tactics = ("x-support", "customer-newsletter")
    assert middle("community-support") == pytest.approx(sum(map(middle, tactics)) / 2)


def test_unlinked_tactics_stand_apart_in_red(tactics_first_path: Path) -> None:
    root = parse(strategy_map_svg(load_plan(tactics_first_path).plan))
    drawn = nodes(root)
    giveaway = drawn["insta-giveaway"]
    assert "unlinked" in giveaway.attrib["class"]
    assert rect_of(giveaway).attrib["stroke"] == RED
    assert rect_of(drawn["daily-tweets"]).attrib["stroke"] != RED
    assert "Random acts of social — serve no strategy/goal" in texts(root)
    band = next(g for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "unlinked-band")
    band_rect = rect_of(band)
    band_top = float(band_rect.attrib["y"])
    assert float(rect_of(giveaway).attrib["y"]) > band_top
    assert float(rect_of(drawn["daily-tweets"]).attrib["y"]) < band_top


def test_strategy_serving_no_goal_and_its_tactics_are_red() -> None:
    text = """\
version: 1
organisation: {name: O, currency: EUR}
people: [{id: p, name: P}]
goals: []
strategies: [{id: lonely, title: Lonely, owner: p}]
tactics:
  - {id: under, title: Under, serves: lonely, channel: blog, mode: publish,
     start: 2026-01-01, end: 2026-02-01}
"""
    root = parse(strategy_map_svg(load_plan_text(text).plan))
    drawn = nodes(root)
    assert rect_of(drawn["lonely"]).attrib["stroke"] == RED
    assert rect_of(drawn["under"]).attrib["stroke"] == RED
    red_links = [p for p in root.iter(f"{SVG}path") if p.attrib.get("stroke") == RED]
    assert len(red_links) == 1


def test_text_is_escaped_and_forbidden_characters_dropped() -> None:
    hostile = "<script>alert(\"x\")</script> & <b>bold</b> 'quoted'"
    plan = build_plan(1, strategies=1, title=hostile)
    svg = strategy_map_svg(plan)
    assert "<script" not in svg
    assert "<b>" not in svg
    root = parse(svg)
    full_titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert f"{hostile} 0" in full_titles
    control = load_plan_text(
        'version: 1\norganisation: {name: "Bell\\x07 & Co", currency: EUR}\npeople: []\n'
        "goals: []\nstrategies: []\ntactics: []\n"
    ).plan
    parse(strategy_map_svg(control))  # raises if a control character got through


def test_same_plan_gives_the_same_bytes(northwind_path: Path) -> None:
    first = strategy_map_svg(load_plan(northwind_path).plan)
    second = strategy_map_svg(load_plan(northwind_path).plan)
    assert first == second


def test_status_colours_boxes_and_labels_them() -> None:
    plan = build_plan(2, strategies=1, loose=1)
    status = {"g": "at_risk", "t1": "achieved", "t0": "bogus", "loose0": "on_track"}
    root = parse(strategy_map_svg(plan, status=status))
    drawn = nodes(root)
    fill, stroke, label = STATUS_COLOURS["at_risk"]
    assert (rect_of(drawn["g"]).attrib["fill"], rect_of(drawn["g"]).attrib["stroke"]) == (
        fill,
        stroke,
    )
    assert drawn["g"].attrib["data-status"] == "at_risk"
    assert label in "".join(drawn["g"].itertext())
    assert rect_of(drawn["t1"]).attrib["fill"] == STATUS_COLOURS["achieved"][0]
    # An unknown status is ignored; an unlinked element stays red whatever its status.
    assert "data-status" not in drawn["t0"].attrib
    assert rect_of(drawn["loose0"]).attrib["stroke"] == RED
    assert "on track" in texts(root)  # the legend


def test_long_titles_wrap_to_three_lines_and_keep_the_full_title() -> None:
    long_title = " ".join(["strategy"] * 40)
    plan = build_plan(1, strategies=1, title=long_title)
    root = parse(strategy_map_svg(plan))
    group = nodes(root)["t0"]
    title_text = next(t for t in group.iter(f"{SVG}text") if t.find(f"{SVG}tspan") is not None)
    lines = [span.text or "" for span in title_text.iter(f"{SVG}tspan")]
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(len(line) <= 40 for line in lines)
    assert (group.findtext(f"{SVG}title") or "").startswith(long_title)


def test_forty_tactics_are_all_drawn() -> None:
    plan = build_plan(40, strategies=5)
    root = parse(strategy_map_svg(plan))
    assert sum(1 for i in nodes(root) if i.startswith("t")) == 40
    assert "more" not in texts(root)


def test_hundreds_of_tactics_are_summarised_quickly() -> None:
    plan = build_plan(600, strategies=4, loose=200)
    started = time.perf_counter()
    svg = strategy_map_svg(plan)
    elapsed = time.perf_counter() - started
    root = parse(svg)
    groups = root.iter(f"{SVG}g")
    drawn_tactics = [g for g in groups if g.attrib.get("class", "").startswith("node tactic")]
    assert len(drawn_tactics) <= MAX_TACTICS
    assert len(drawn_tactics) >= 4 * MAX_TACTICS_PER_STRATEGY
    all_text = texts(root)
    assert f"+{150 - MAX_TACTICS_PER_STRATEGY} more tactics" in all_text
    assert f"Showing {len(drawn_tactics)} of 800 tactics" in all_text
    assert float(root.attrib["height"]) < 20_000
    assert elapsed < 2.0


def test_plan_with_nothing_to_draw_is_still_valid_svg() -> None:
    plan = load_plan_text(
        "version: 1\norganisation: {name: Empty, currency: EUR}\npeople: []\n"
        "goals: []\nstrategies: []\ntactics: []\n"
    ).plan
    root = parse(strategy_map_svg(plan))
    assert "nothing to draw" in texts(root)
