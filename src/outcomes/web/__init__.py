"""The dashboard: `outcomes serve`, server-rendered pages over the briefing, and a JSON API.

    from outcomes.web import create_app
    app = create_app(Path("my-strategy"))      # then serve it with uvicorn

See `web.app` for what it serves, `web.state` for how the numbers stay fresh.
"""

from outcomes.web.app import create_app

__all__ = ["create_app"]
