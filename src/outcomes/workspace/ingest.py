"""Loading exports into a workspace's warehouse: named files with one source, or a folder
whose files are recognised by their content. Each file is loaded on its own, so one bad
file does not stop the others, and each file is all-or-nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from outcomes.sources import ReadOptions, Source, SourceError, detect_source, get_source
from outcomes.sources.closest import a_document
from outcomes.warehouse.connection import STATE_DIR, Warehouse
from outcomes.warehouse.file_names import stored_name
from outcomes.warehouse.load import IngestResult, ingest_file
from outcomes.workspace.config import AmbiguousMappingError, WorkspaceConfig, is_timezone

ProgressFactory = Callable[[Path], Callable[[int], None] | None]


@dataclass(frozen=True)
class FileFailure:
    """A file that could not be loaded at all, with the one-line reason."""

    file: str
    source: str | None
    message: str
    unexpected: bool = False
    """True when the cause is a fault of ours rather than of the file (a bug to report)."""


Outcome = IngestResult | FileFailure


@dataclass(frozen=True)
class FileSettings:
    """Where files are resolved from, and the workspace's `outcomes.toml`: how to read each file."""

    root: Path
    config: WorkspaceConfig
    currency: str | None = None
    """The plan's currency, when the plan reads: ad spend in another is said as it loads."""

    def options_for(self, source: Source, path: Path, options: ReadOptions | None) -> ReadOptions:
        """`options`, completed with the CSV mapping `outcomes.toml` declares for the file."""
        options = options or ReadOptions()
        if options.currency is None and self.currency is not None:
            options = replace(options, currency=self.currency)
        if options.channels is None and self.config.channels:
            options = replace(options, channels=self.config.channels)
        mapping = self.config.csv_mapping_for(path, self.root)
        # The workspace-wide notation says how the organisation's own files are written; a
        # platform that writes one way in every locale keeps its own (a UK workspace's "dmy"
        # would read Meta's 09/01/2026, 1 September, as 9 January).
        own = not source.documented_notation
        if options.date_order is None:
            chosen = mapping.date_order if mapping is not None else None
            wide = self.config.date_order if own else None
            options = replace(options, date_order=chosen or wide)
        if options.decimal_mark is None:
            mark = mapping.decimal_mark if mapping is not None else None
            wide_mark = self.config.decimal_mark if own else None
            options = replace(options, decimal_mark=mark or wide_mark)
        if options.encoding is None and mapping is not None:
            options = replace(options, encoding=mapping.encoding)
        if source.name != "csv" or options.mapping is not None or mapping is None:
            return options
        return replace(
            options,
            table=mapping.table,
            mapping=mapping.columns,
            values=mapping.values or None,
            value_maps=mapping.value_maps or None,
            key=mapping.key,
            # Given for this load (`outcomes ingest --timezone`), it wins, as date_order does.
            timezone=options.timezone or mapping.timezone,
        )


def timezone_problem(options: ReadOptions | None, source: str | None) -> str | None:
    """What is wrong with a load's `timezone` (None when nothing): it must name a zone,
    and only the generic CSV connector reads it (other exports say their own zone)."""
    name = None if options is None else options.timezone
    if name is None:
        return None
    if not is_timezone(name):
        return (
            f"timezone {name!r} is not an IANA time zone name; write one such as "
            "America/Chicago or Europe/Berlin"
        )
    if source is not None and source != "csv":
        return f"a timezone is read only for mapped CSV files (source csv), not for {source}"
    return None


def ingest_files(
    warehouse: Warehouse,
    source_name: str,
    files: Iterable[Path],
    options: ReadOptions | None = None,
    *,
    workspace: FileSettings | None = None,
    progress: ProgressFactory | None = None,
) -> list[Outcome]:
    """Load each file with the named source (KeyError for an unknown source name)."""
    source = get_source(source_name)
    outcomes: list[Outcome] = []
    for path in files:
        try:
            file_options = workspace.options_for(source, path, options) if workspace else options
        except AmbiguousMappingError as exc:
            outcomes.append(FileFailure(str(path), source.name, str(exc)))
            continue
        outcomes.append(_one(warehouse, source, path, file_options, progress, _root(workspace)))
    return outcomes


def ingest_folder(
    warehouse: Warehouse,
    folder: Path,
    options: ReadOptions | None = None,
    *,
    workspace: FileSettings | None = None,
    progress: ProgressFactory | None = None,
) -> tuple[list[Outcome], list[Path]]:
    """Load every file under `folder` whose format is recognised, or that `outcomes.toml` maps.

    Returns the outcomes and the files no connector recognised (never silently passed over:
    the caller reports them).
    """
    return ingest_recognised(warehouse, [folder], options, workspace=workspace, progress=progress)


def ingest_recognised(
    warehouse: Warehouse,
    paths: Iterable[Path],
    options: ReadOptions | None = None,
    *,
    workspace: FileSettings | None = None,
    progress: ProgressFactory | None = None,
) -> tuple[list[Outcome], list[Path]]:
    """Load each file, and every file under each folder, recognised by its content.

    A file `outcomes.toml` maps is read as that generic CSV. A file a recognised file's
    connector reads beside it (`Source.owner_files`: an X archive's `account.js` and
    `note-tweet.js`, the `account.json` saved with Mastodon API JSON) is part of that file,
    not a file of its own. Returns the outcomes and
    the files no connector recognised (never silently passed over: the caller reports them).
    """
    found = [(path, _recognise(path, workspace)) for path in _expanded(paths)]
    # Every file is recognised before any loads: `account.js` sorts before `tweets.js`.
    owned = {
        owner.absolute()
        for path, source in found
        if isinstance(source, Source)
        for owner in source.owner_files(path)
        if owner.absolute() != path.absolute()
    }
    outcomes: list[Outcome] = []
    unknown: list[Path] = []
    for path, source in found:
        if isinstance(source, FileFailure):
            outcomes.append(source)
        elif path.absolute() in owned:
            # Read with the file it belongs to, even where a connector also recognises it
            # (Mastodon's `account.json`, which alone holds no row): not a load of its own.
            continue
        elif source is None:
            unknown.append(path)
        else:
            file_options = workspace.options_for(source, path, options) if workspace else options
            outcomes.append(_one(warehouse, source, path, file_options, progress, _root(workspace)))
    return outcomes, unknown


def _recognise(path: Path, workspace: FileSettings | None) -> Source | FileFailure | None:
    """The connector of `path` (the generic CSV when `outcomes.toml` maps it), None when
    nothing recognises it (a document is not offered to the detectors), or why it cannot
    be told."""
    if not path.is_file():
        return FileFailure(str(path), None, f"{path}: no such file or folder")
    try:
        mapped = (
            workspace is not None
            and workspace.config.csv_mapping_for(path, workspace.root) is not None
        )
        if mapped:
            return get_source("csv")
        # A README listing a report's columns is no report: not offered to the detectors.
        return None if a_document(path) is not None else detect_source(path)
    except (AmbiguousMappingError, SourceError) as exc:
        return FileFailure(str(path), None, str(exc))
    except Exception as exc:  # a detector's fault, not the file's: report it, go on
        message = f"{path}: could not be recognised ({type(exc).__name__}); please report it"
        return FileFailure(str(path), None, message, unexpected=True)


def _expanded(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from _files_under(path)
        else:
            yield path


def _files_under(folder: Path) -> Iterator[Path]:
    """The files under `folder` in load order (`download_order`), hidden ones left out."""
    for path in sorted(folder.rglob("*"), key=download_order):
        relative = path.relative_to(folder).parts
        if (
            path.is_file()
            and not any(part.startswith(".") for part in relative)
            and STATE_DIR not in relative
        ):
            yield path


_COPY: Final = re.compile(r"^(?P<base>.*?) ?\((?P<copy>\d{1,6})\)$")
"""A browser's name for a file downloaded again: `report (1).csv`, Firefox's `report(1).csv`."""


def download_order(path: Path) -> tuple[str, int, str]:
    """Sort key: by folder and name, a browser's later download right after the file it repeats.

    A report downloaded again is saved as `posts (1).csv` beside `posts.csv`, and plain name
    order puts it first (a space sorts before a dot): loaded first, the newer numbers would
    then be overwritten by the older file's, with exit 0. So `posts.csv`, `posts (1).csv`,
    `posts (2).csv` load in that order, the newest download last.
    """
    found = _COPY.match(path.stem)
    base, copy = (found["base"], int(found["copy"])) if found else (path.stem, 0)
    return (path.with_name(base + path.suffix).as_posix(), copy, path.name)


def _root(workspace: FileSettings | None) -> Path | None:
    return workspace.root if workspace is not None else None


def _one(
    warehouse: Warehouse,
    source: Source,
    path: Path,
    options: ReadOptions | None,
    progress: ProgressFactory | None,
    root: Path | None,
) -> Outcome:
    if not path.is_file():
        reason = "is a folder; use --auto to load a folder" if path.is_dir() else "no such file"
        return FileFailure(str(path), source.name, f"{path}: {reason}")
    try:
        return ingest_file(
            warehouse,
            source,
            path,
            options,
            progress=progress(path) if progress else None,
            name=stored_name(path, root) if root is not None else None,
        )
    except SourceError as exc:
        return FileFailure(str(path), source.name, str(exc))
    except OSError as exc:
        return FileFailure(str(path), source.name, f"{path}: cannot read the file: {exc.strerror}")
    except RecursionError:
        return FileFailure(
            str(path), source.name, f"{path}: nested too deeply to read; export it again"
        )
    except Exception as exc:  # nothing was loaded (the transaction rolled back); say so in one line
        what = " ".join(str(exc).split())[:300] or type(exc).__name__
        message = (
            f"{path}: could not be read by the {source.name} connector ({type(exc).__name__}: "
            f"{what}); nothing was loaded. This is a fault of outcomes: please report it"
        )
        return FileFailure(str(path), source.name, message, unexpected=True)
