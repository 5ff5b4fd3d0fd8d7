"""The X archive fixtures put together as an archive's `data/` folder holds them.

The folders `fixtures/x_archive/edited/`, `long/` and `community/` hold only the files each
case is about. The owner's `account.js`, which the connector reads the handle from and
which is the same for every case (the Northwind account), is kept once, as
`fixtures/x_archive/account.js`; a test that reads a case's files copies it in beside them
(`data_folder`) or packs it into the zip."""

from __future__ import annotations

import shutil
from pathlib import Path

X_ARCHIVE = Path(__file__).parent / "fixtures" / "x_archive"
ACCOUNT = X_ARCHIVE / "account.js"


def data_folder(case: str, folder: Path) -> Path:
    """`folder` (created) with the files of the fixture `x_archive/CASE/` and the shared
    `account.js` beside them, as in a real archive's `data/` folder (a case's README, which
    says where its shape comes from, is no archive file)."""
    shutil.copytree(X_ARCHIVE / case, folder, ignore=shutil.ignore_patterns("README.md"))
    shutil.copyfile(ACCOUNT, folder / ACCOUNT.name)
    return folder
