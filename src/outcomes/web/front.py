"""The front door: a page already kept is sent before the app runs.

Most requests a busy dashboard serves are GETs of answers already kept
(`web.page_cache`). Through the app, each passes FastAPI's and Starlette's own layers and
the security, auth and page cache middlewares before the kept bytes are found; under 50
clients that walk cost more than the server's own work. The front door answers such a
request first, asking the very objects those middlewares ask, so that both decide alike:

* the Host header names a host served (`AllowedHosts`, the security middleware's);
* the route is open to the request's user without asking the store (`Gate.cleared`, the
  auth middleware's: the read-only dashboard, a stranger on a public route, or a user
  the store gave in the last seconds);
* an answer is kept under the same key (`KeptAnswers`, the page cache's); kept answers
  already carry the security headers.

Anything else (an unknown host, a sign-in to do, a refusal, an answer not kept yet, every
method but GET) goes through the app as before, which answers, keeps or refuses it with
its own pages and headers.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from outcomes.web.auth import PRINCIPAL, Gate
from outcomes.web.page_cache import Kept, KeptAnswers, send_kept
from outcomes.web.security import AllowedHosts

log = logging.getLogger(__name__)


class FrontDoor:
    """Finds the kept answer to a request the app would answer with it."""

    def __init__(self, hosts: AllowedHosts, gate: Gate, kept: KeptAnswers) -> None:
        self.hosts = hosts
        self.gate = gate
        self.kept = kept

    def kept_answer(self, scope: Scope) -> Kept | None:
        """The answer the app would send from its page cache; None: let the app answer."""
        if scope["type"] != "http" or scope["method"] != "GET" or not self.hosts.allows(scope):
            return None
        try:
            cleared = self.gate.cleared(scope)
            if cleared is None:
                return None
            scope[PRINCIPAL] = cleared.principal
            return self.kept.ready(scope)
        except Exception:  # e.g. the store unreadable: the app answers it with its error page
            log.debug("front door: the app answers %s", scope["path"], exc_info=True)
            return None


class DashboardApp(FastAPI):
    """FastAPI with a `FrontDoor` before all its layers (None: every request goes through)."""

    front: FrontDoor | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kept = None if self.front is None else self.front.kept_answer(scope)
        if kept is None:
            await super().__call__(scope, receive, send)
            return
        await send_kept(kept, scope, send)
