"""How the `ingests` history names a file, so that a workspace folder can move.

A file inside the workspace is kept by its path relative to the workspace's folder, in
POSIX form (`exports/meta-ads/report.csv`): the workspace can be moved or copied, and
`outcomes forget FILE` still finds what that file loaded. A file outside it is kept by
its absolute path, since nothing relative would find it again.

Ingests recorded before this kept the path as it was given, usually absolute. Migration 8
rewrites those inside the workspace's folder as relative; for a workspace moved before it
ran, `names_file` also accepts an absolute row whose tail is the file's path in the
workspace and whose bytes are the file's (`checksum`): same place in the folder, same
bytes.
"""

from __future__ import annotations

from pathlib import Path, PurePath, PurePosixPath


def stored_name(path: Path, root: Path) -> str:
    """The name history keeps for `path`: relative to `root` when inside it, else absolute."""
    absolute = _resolved(str(path)) or path.absolute()
    inside = _inside(absolute, root)
    return inside.as_posix() if inside is not None else str(absolute)


def names_file(stored: str, target: str, root: Path | None, moved_match: bool = False) -> bool:
    """Whether history's `stored` name is the file `target` names: the same text, the same
    file once both are resolved (a relative `stored` from `root`), or, with `moved_match`
    (the caller has checked the bytes), an absolute `stored` from before the folder moved
    that ends with `target`'s path in the workspace."""
    if stored == target:
        return True
    wanted = _resolved(target)
    if wanted is None:
        return False
    if _resolved(stored) == wanted:  # absolute, or given relative to this folder
        return True
    if not PurePath(stored).is_absolute():
        return root is not None and _resolved(str(root / stored)) == wanted
    inside = None if root is None else _inside(wanted, root)
    if not moved_match or inside is None:
        return False
    return PurePosixPath(Path(stored).as_posix()).parts[-len(inside.parts) :] == inside.parts


def _inside(absolute: Path, root: Path) -> PurePosixPath | None:
    base = _resolved(str(root))
    if base is None:
        return None
    try:
        return PurePosixPath(absolute.relative_to(base).as_posix())
    except ValueError:
        return None


def _resolved(path: str) -> Path | None:
    """The absolute path, to match `./a.csv` with `a.csv`; None when it cannot be resolved."""
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return None
