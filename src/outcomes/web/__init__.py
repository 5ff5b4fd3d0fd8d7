"""The dashboard: `outcomes serve`, server-rendered pages over the briefing, and a JSON API.

    from outcomes.web import create_app
    app = create_app(Path("my-strategy"))      # then serve it with uvicorn

See `web.app` for what it serves, `web.state` for how the numbers stay fresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outcomes.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Loaded when asked for: commands that only read the app's store (`outcomes report`
    # for its sign-off, `outcomes user`) need not import FastAPI and the whole app.
    if name == "create_app":
        from outcomes.web.app import create_app

        return create_app
    raise AttributeError(f"module 'outcomes.web' has no attribute {name!r}")
