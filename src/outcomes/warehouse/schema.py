"""The warehouse's own tables and its SQL, over the table contract (`outcomes.tables`).

The fact tables connectors write are declared in `outcomes.tables`; here are the loader's
bookkeeping tables (`ingests`, `rejected`), the DuckDB types each column type is stored as,
and the `CREATE TABLE` statements for all of them.
"""

from __future__ import annotations

from typing import Final

# FACT_TABLES and TableName are re-exported for workspace/config.py, which imports them from here.
from outcomes.tables import FACT_TABLES as FACT_TABLES
from outcomes.tables import Column, ColumnType, Table
from outcomes.tables import TableName as TableName

_SQL: Final[dict[ColumnType, str]] = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
    "bool": "BOOLEAN",
}


def create_table_sql(table: Table) -> str:
    """`CREATE TABLE` for `table` (fact tables get `ingest_id`)."""
    columns = [
        f'"{c.name}" {_SQL[c.type]}{" NOT NULL" if c.required else ""}' for c in table.columns
    ]
    if table.fact:
        columns.append('"ingest_id" BIGINT NOT NULL')
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({", ".join(columns)})'


INGESTS = Table(
    "ingests",
    "One row per file loaded: what, when, and its accounting: "
    "read = loaded + updated + unchanged + rejected + ignored.",
    (
        Column("id", "int", True),
        Column("file", "text", True),
        Column("source", "text", True),
        Column(
            "checksum",
            "text",
            True,
            "sha256 of the file's bytes; when owner files beside it (actor.json) or reading "
            "options (--account, --date-order, a CSV mapping) say what its rows are, then `+` "
            "and a sha256 of those; then `#r` and the connector's reading when past its first",
        ),
        Column("size", "int", True),
        Column("rows_loaded", "int", True, "new rows"),
        Column(
            "rows_updated", "int", True, "already in the warehouse, with stated values that changed"
        ),
        Column("rows_unchanged", "int", True, "already in the warehouse, unchanged"),
        Column("rows_rejected", "int", True),
        Column("started_at", "timestamp", True),
        Column("finished_at", "timestamp", True),
        Column(
            "rows_read", "int", doc="every item the file gave: rows, rejections, ignored records"
        ),
        Column(
            "rows_ignored",
            "int",
            doc="records that are not data (a total row), by reason in `ignored`",
        ),
        Column("ignored", "text", doc="JSON: reason → how many records were passed over for it"),
        Column(
            "changed_columns", "text", doc="JSON: column → how many stored values the file changed"
        ),
        Column("forgotten_at", "timestamp", doc="when `outcomes forget` removed what it loaded"),
        Column(
            "notices",
            "text",
            doc="JSON: what the connector had to assume about the file, one line each",
        ),
    ),
    fact=False,
)

REJECTED = Table(
    "rejected",
    "Every row a connector refused, with where it was and why; nothing is dropped silently.",
    (
        Column("ingest_id", "int", True),
        Column("file", "text", True),
        Column("line", "int", doc="line (or record number) in the file"),
        Column("column", "text"),
        Column("reason", "text", True),
        Column("raw", "text", doc="the row as it was, cut at 2,000 characters"),
    ),
    fact=False,
)


def replaced_name(table: Table) -> str:
    """The table keeping the versions of `table`'s rows that later ingests replaced."""
    return f"{table.name}__replaced"


def replaced_table_sql(table: Table) -> str:
    """`CREATE TABLE` for the replaced versions of a fact table's rows.

    When an ingest changes a stored row, the row as it was goes here with the ingest that
    replaced it (`replaced_by`), so that forgetting that ingest can put it back.
    """
    columns = [f'"{c.name}" {_SQL[c.type]}' for c in table.columns]
    columns += ['"ingest_id" BIGINT NOT NULL', '"replaced_by" BIGINT NOT NULL']
    return f'CREATE TABLE IF NOT EXISTS "{replaced_name(table)}" ({", ".join(columns)})'


ALL_TABLES: Final = (*FACT_TABLES, INGESTS, REJECTED)
TABLES: Final[dict[str, Table]] = {t.name: t for t in ALL_TABLES}
