"""Verdicts the dashboard keeps per request line (`AccessRules`, `AllowedHosts`): the same
answers as working them out afresh, however many different paths and hosts clients send."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from outcomes.web.access import ANYONE, AccessRules, access_table, needs, route_needs
from outcomes.web.security import AllowedHosts, host_allowed, host_name
from outcomes.web.store import Role


@needs(ANYONE)
def _open() -> None: ...


@needs(Role.STRATEGIST)
def _strategists() -> None: ...


def _app() -> FastAPI:
    app = FastAPI()
    app.add_api_route("/open", _open)
    app.add_api_route("/things/{thing_id}", _strategists, methods=["GET", "POST"])
    return app


def test_access_rules_answer_as_route_needs_beyond_their_limit() -> None:
    app = _app()
    rules = AccessRules(app.routes, limit=3)
    table = access_table(app.routes)
    asked = [("GET", "/open"), ("POST", "/open"), ("HEAD", "/open"), ("GET", "/nowhere"),
             ("GET", "/admin/x"), *((m, f"/things/{n}") for n in range(5) for m in ("GET", "POST"))]  # fmt: skip
    for _ in range(2):  # the second time partly from what was kept
        for method, path in asked:
            assert rules.needs(method, path) == route_needs(table, method, path), (method, path)


def test_access_rules_see_routes_added_before_the_first_question() -> None:
    app = _app()
    rules = AccessRules(app.routes)
    app.add_api_route("/later", _strategists)
    assert rules.needs("GET", "/later") == (Role.STRATEGIST, True)


def _scope(host: str | None) -> dict[str, Any]:
    return {"headers": [] if host is None else [(b"host", host.encode())]}


def test_allowed_hosts_keep_each_verdict_and_stay_right_beyond_their_limit() -> None:
    hosts = AllowedHosts(["localhost", "127.0.0.1", "*.example.com"])
    headers = ["localhost:8000", "evil.example", "a.example.com", "example.com", "127.0.0.1",
               "LOCALHOST.", None, *(f"n{n}.example.org" for n in range(300))]  # fmt: skip
    for _ in range(2):
        for header in headers:
            expected = host_allowed(host_name(header or ""), hosts.patterns)
            assert hosts.allows(_scope(header)) is expected, header
    assert hosts.allows(_scope("a.example.com")) and not hosts.allows(_scope("evil.example"))
