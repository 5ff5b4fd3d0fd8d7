"""The Host check (against DNS rebinding): an unknown name is refused 400 on every route,
before sign-in, CSRF or the route itself; the names allowed are served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest

from outcomes.web import create_app
from outcomes.web.access import access_table
from outcomes.web.auth import AuthConfig
from outcomes.web.security import allowed_hosts
from outcomes.web.store import Role, Store
from tests.web.conftest import OPTIONS, Served, serve
from tests.web.security.conftest import concrete
from tests.web.test_team import PASSWORD, Browser, Team

pytestmark = pytest.mark.slow

UNKNOWN: Final = ("evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "")


def test_an_unknown_host_is_refused_on_every_route_even_when_signed_in(team: Team) -> None:
    admin = team.sign_in("admin")
    token = admin.csrf("/signout")
    before = len(team.store.events(limit=1_000_000))
    wrong = []
    for entry in access_table(team.app.routes):
        url, _ = concrete(entry.path, team)
        data = (
            None if entry.method == "GET" else {"csrf_token": token, "name": "x", "role": "admin"}
        )
        for host in UNKNOWN:
            answer = admin.http.request(entry.method, url, data=data, headers={"Host": host})
            if answer.status_code != 400 or "set-cookie" in answer.headers:
                wrong.append(f"{entry.method} {url} as {host!r}: {answer.status_code}")
            elif "content-security-policy" not in answer.headers:
                wrong.append(f"{entry.method} {url} as {host!r}: 400 without the headers")
    assert wrong == []
    assert len(team.store.events(limit=1_000_000)) == before  # no route ran


def test_an_unknown_host_is_refused_on_every_route_of_the_read_only_dashboard(
    served: Served,
) -> None:
    wrong = []
    for entry in access_table(served.app.routes):
        url = entry.path.replace("{goal_id}", "x").replace("{tactic_id}", "x")
        url = url + "/dashboard.css" if entry.path == "/static" else url
        answer = served.client.request(entry.method, url, headers={"Host": "evil.example"})
        if answer.status_code != 400:
            wrong.append(f"{entry.method} {url}: {answer.status_code}")
    assert wrong == []


@pytest.fixture(scope="module")
def named(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The dashboard with sign-in, known as dash.example.com and any name under corp.example."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('named') / 'app.db'}")
    store.add_user("viewer", Role.VIEWER, PASSWORD, actor="cli:test")
    hosts = allowed_hosts("0.0.0.0", ["dash.example.com", "*.corp.example"])
    app = create_app(
        demo_workspace, options=OPTIONS, read_only=False, auth=AuthConfig(store),
        allowed_hosts=hosts,
    )  # fmt: skip
    try:
        with serve(app, lifespan="off") as running:
            yield running
    finally:
        store.close()


@pytest.mark.parametrize(
    "host",
    ["dash.example.com", "DASH.Example.COM:8443", "dash.example.com.", "a.corp.example",
     "deep.er.corp.example:80", "localhost:8000", "127.0.0.1", "[::1]:8000"],
)  # fmt: skip
def test_allowed_names_are_served_and_signed_in_under(named: Served, host: str) -> None:
    with httpx.Client(base_url=named.base_url, headers={"Host": host}) as client:
        assert client.get("/signin").status_code == 200
        assert Browser(client).sign_in("viewer", PASSWORD).status_code == 303


@pytest.mark.parametrize(
    "host",
    ["corp.example", "evilcorp.example", "a.corp.example.evil", "dash.example.com.evil",
     "0.0.0.0", "example.com", "dash.example.co"],
)  # fmt: skip
def test_names_near_the_allowed_ones_are_refused(named: Served, host: str) -> None:
    answer = named.client.get("/signin", headers={"Host": host})
    assert answer.status_code == 400 and "not served under the name" in answer.text
