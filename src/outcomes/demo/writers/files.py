"""Writing files byte-for-byte reproducibly: CSV, zip archives and .xlsx workbooks.

Zip members carry a modification time and openpyxl stamps a workbook with the time it was
saved; both are pinned to the moment the exports were downloaded, so the same seed gives
the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outcomes.demo import model as m

_ZIP_TIME = m.EXPORTED.timetuple()[:6]
_STAMP = m.EXPORTED.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Output:
    """Where exports go, and every file written, by the connector that reads it."""

    exports: Path
    files: dict[str, list[Path]] = field(default_factory=dict)

    def path(self, source: str, relative: str) -> Path:
        """The path of a new export under `exports/`, recorded under `source`."""
        target = self.exports / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.files.setdefault(source, []).append(target)
        return target


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = False,
    preamble: Sequence[Sequence[Any]] = (),
    footer: Sequence[Sequence[Any]] = (),
    quote_all: bool = False,
) -> None:
    """A CSV as spreadsheets export it: quoted where needed (or everywhere), CRLF line ends.

    `preamble` rows (a report's title lines) go above the header, `footer` rows below.
    """
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        writer.writerows(preamble)
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerows(footer)


def write_zip(path: Path, members: Sequence[tuple[str, bytes]]) -> None:
    """A zip whose members all carry the export time, so its bytes depend on content only."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def save_workbook(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook with its timestamps pinned (see the module docstring)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    members = []
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as saved:
        for info in saved.infolist():
            data = saved.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + _STAMP.encode() + rb"\g<2>", data)
            members.append((info.filename, data))
    write_zip(path, members)
