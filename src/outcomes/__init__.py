"""outcomes: social business strategy as code.

The library is the product; the CLI (`outcomes.cli`) and the web app (`outcomes.web`) are
thin adapters over its face, :class:`outcomes.Workspace`::

    from outcomes import Workspace

    space = Workspace.open("my-workspace")
    space.check()          # lint the plan
    space.roi().to_json()  # what `outcomes roi --format json` prints

See docs/library.md.
"""

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outcomes.workspace import Workspace, WorkspaceError

    __version__: str

__all__ = ["Workspace", "WorkspaceError", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazily, so that `import outcomes` (every command does) loads neither the plan
    # machinery nor importlib.metadata (a tenth of a second) before it is needed.
    if name == "__version__":
        return _version()
    if name in ("Workspace", "WorkspaceError"):
        from outcomes import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'outcomes' has no attribute {name!r}")


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("outcomes")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
