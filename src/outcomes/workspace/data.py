"""The words of the face's data methods: what `Workspace.ingest`, `forget` and `history`
take and return, and the connectors they can use, under one name.

The command line and the web app import these from here rather than from `sources` and
`warehouse`, which stay the library's insides (the import contract in pyproject.toml keeps
it so).
"""

from __future__ import annotations

from outcomes.sources import CONNECTORS, ReadOptions, all_sources
from outcomes.sources.docs import sources_markdown
from outcomes.warehouse.connection import WarehouseError
from outcomes.warehouse.forget import ForgetResult, IngestRecord, when_text
from outcomes.warehouse.load import IngestResult
from outcomes.warehouse.schema import FACT_TABLES, TableName
from outcomes.workspace.ingest import FileFailure, Outcome, ProgressFactory
from outcomes.workspace.results import IngestReport

TABLE_NAMES: tuple[str, ...] = tuple(table.name for table in FACT_TABLES)
"""The warehouse tables a generic CSV can load into."""

__all__ = [
    "CONNECTORS",
    "TABLE_NAMES",
    "FileFailure",
    "ForgetResult",
    "IngestRecord",
    "IngestReport",
    "IngestResult",
    "Outcome",
    "ProgressFactory",
    "ReadOptions",
    "TableName",
    "WarehouseError",
    "all_sources",
    "sources_markdown",
    "when_text",
]
