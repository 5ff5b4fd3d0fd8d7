"""The sources reference is generated from the connectors and checked in up to date."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.sources import CONNECTORS, all_sources
from outcomes.sources.docs import sources_markdown

DOCS = Path(__file__).parents[2] / "docs" / "sources.md"


def test_docs_sources_md_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == sources_markdown(), (
        "docs/sources.md is stale: run `make docs` (outcomes sources --docs > docs/sources.md)"
    )


def test_every_connector_is_documented_under_its_plan_name() -> None:
    page = sources_markdown()
    for source in all_sources():
        assert f"\n## {source.name}\n" in page
        assert len(source.description) > 20
    assert [s.name for s in all_sources()] == list(CONNECTORS)


def test_sources_command_lists_every_connector() -> None:
    result = CliRunner().invoke(app, ["sources"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(CONNECTORS)


def test_a_plan_can_name_every_connector_in_its_measurement_sources() -> None:
    # The plan knows no connector code (plan and catalog import no engine), so the names are
    # declared twice; this keeps the two lists one.
    from typing import get_args

    from outcomes.catalog.channels import SOURCES
    from outcomes.plan.model import Source

    assert set(SOURCES) == set(CONNECTORS) == set(get_args(Source))
