"""How the command line shows loading files: each file's accounting, then its problems."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from outcomes.cli.common import stderr_console, stdout_console

if TYPE_CHECKING:
    from outcomes.workspace.data import IngestResult, Outcome

REJECTIONS_SHOWN = 10


def print_ingest_table(outcomes: list[Outcome]) -> None:
    """Each file's accounting: read = loaded + updated + unchanged + rejected + ignored."""
    from outcomes.workspace.data import IngestResult

    loaded = [o for o in outcomes if isinstance(o, IngestResult)]
    folder, labels = file_labels([o.file for o in loaded])
    table = Table(box=None, pad_edge=False)
    table.add_column("file", overflow="fold")
    table.add_column("source", no_wrap=True)
    for name in ("read", "loaded", "updated", "unchanged", "rejected", "ignored"):
        table.add_column(name, no_wrap=True, justify="right")
    for o in loaded:
        note = " (already loaded)" if o.already_loaded else ""
        table.add_row(
            labels[o.file] + note,
            o.source,
            f"{o.read:,}",
            f"{o.loaded:,}",
            f"{o.updated:,}",
            f"{o.unchanged:,}",
            f"{o.rejected:,}",
            f"{o.ignored_total:,}",
        )
    if table.row_count:
        if folder is not None:
            stdout_console().print(f"files in {folder}{os.sep}", markup=False)
        stdout_console().print(table)
    for o in loaded:
        _print_details(o, labels[o.file])


def file_labels(files: Sequence[str]) -> tuple[str | None, dict[str, str]]:
    """How the table names `files`: as given when relative; relative to the working folder
    when all are inside it; else relative to the folder they share, returned to be printed
    above the table. A narrow terminal then folds file names, not the folders before them
    ("/tmp/exp" / "orts/hub" / "spot/…" on five lines for one file)."""
    paths = {file: Path(file) for file in files}
    if not files or not all(path.is_absolute() for path in paths.values()):
        return None, {file: file for file in files}
    here = Path.cwd()
    if all(path.is_relative_to(here) for path in paths.values()):
        return None, {file: str(path.relative_to(here)) for file, path in paths.items()}
    shared = Path(os.path.commonpath([path.parent for path in paths.values()]))
    if shared == shared.parent:  # the file system's root: nothing to take off
        return None, {file: file for file in files}
    return str(shared), {file: str(path.relative_to(shared)) for file, path in paths.items()}


def _print_details(result: IngestResult, label: str) -> None:
    """What the numbers hide: why records were ignored, which stored values changed."""
    console = stdout_console()
    if result.read_again:
        console.print(f"  {label}: {result.read_again}", markup=False)
    if result.ignored:
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in result.ignored.items())
        console.print(f"  {label}: ignored {reasons}", markup=False)
    if result.changed_columns:
        columns = ", ".join(f"{name} ({count:,})" for name, count in result.changed_columns.items())
        console.print(f"  {label}: updated values of {columns}", markup=False)


def print_ingest_problems(
    outcomes: list[Outcome],
    unknown: list[tuple[Path, str]],
    skipped: Sequence[tuple[Path, str]] = (),
) -> None:
    """On standard error: failed files, what a connector assumed (notices), rejected rows
    (the first few of each file), files no connector recognised and files skipped as no
    export (a README beside the exports), one line each."""
    from outcomes.workspace.data import FileFailure

    errors = stderr_console()
    for o in outcomes:
        if isinstance(o, FileFailure):
            errors.print(f"error: {o.message}", markup=False)
            continue
        # What the connector assumed for the whole file; the numbers may be wrong by it.
        for notice in o.reported_notices:
            errors.print(f"warning: {o.file}: {notice}", markup=False)
        for r in o.rejections[:REJECTIONS_SHOWN]:
            where = f"{o.file}:{r.line}" if r.line is not None else o.file
            column = f" [{r.column}]" if r.column else ""
            errors.print(f"rejected {where}{column}: {r.reason}", markup=False)
        if o.rejected > REJECTIONS_SHOWN:
            errors.print(
                f"… and {o.rejected - REJECTIONS_SHOWN:,} more rejected rows in {o.file}; "
                "all are in the warehouse's `rejected` table",
                markup=False,
            )
    for path, resembles in unknown:
        hint = f"; {resembles}" if resembles else ""
        errors.print(
            f"not loaded: {path}: format not recognised{hint} "
            "(name the source: outcomes ingest SOURCE FILE)",
            markup=False,
        )
    for path, why in skipped:
        errors.print(f"skipped: {path}: not an export ({why})", markup=False)


def print_source_summary(outcomes: list[Outcome]) -> None:
    from outcomes.workspace.data import IngestResult

    terms = ("read", "loaded", "updated", "unchanged", "rejected", "ignored_total")
    totals: dict[str, list[int]] = {}
    for o in outcomes:
        if isinstance(o, IngestResult):
            sums = totals.setdefault(o.source, [0] * (len(terms) + 1))
            sums[0] += 1
            for index, term in enumerate(terms, start=1):
                sums[index] += int(getattr(o, term))
    table = Table("source", "files", "read", "loaded", "updated", "unchanged", "rejected",
                  "ignored", box=None, pad_edge=False)  # fmt: skip
    for source, sums in sorted(totals.items()):
        table.add_row(source, *(f"{value:,}" for value in sums))
    stdout_console().print(table)
