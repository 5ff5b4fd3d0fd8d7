"""Web hardening: the Host allow-list (DNS rebinding), security headers on every response.

The app runs on a real server on 127.0.0.1; the Host header a request names is set per
request, as a browser led by a rebinding DNS name would send it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from outcomes.cli import app as cli
from outcomes.web import create_app
from outcomes.web.security import (
    LOOPBACK,
    SECURITY_HEADERS,
    allowed_hosts,
    host_allowed,
    host_name,
    host_pattern,
)
from tests.web.conftest import Page, Served, serve
from tests.web.test_serve_cli import free_port

SECRET = "password=hunter2 in /etc/outcomes"
"""What a crashing route's exception says: it must never reach the reader."""


def assert_secured(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.status_code, name)


def crash() -> dict[str, str]:
    raise RuntimeError(SECRET)


@pytest.fixture(scope="module")
def crashing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """An app (of an empty workspace) with a page and an API route that raise."""
    web = create_app(
        tmp_path_factory.mktemp("crashing"),
        allowed_hosts=allowed_hosts("127.0.0.1", ["*.example.com", "dash.internal"]),
    )
    web.add_api_route("/crash", crash)
    web.add_api_route("/api/crash", crash)
    with serve(web, lifespan="off") as running:
        yield running


def with_host(served: Served, path: str, host: str) -> httpx.Response:
    return served.client.get(path, headers={"Host": host})


# -- the Host allow-list ----------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "127.0.0.1:1234", "[::1]", "[::1]:8000", "LOCALHOST."]
)
def test_loopback_names_are_served_by_default(served: Served, host: str) -> None:
    response = with_host(served, "/api/status", host)
    assert response.status_code == 200, response.text
    assert_secured(response)


@pytest.mark.parametrize(
    "host",
    ["attacker.example", "attacker.example:8000", "127.0.0.1.attacker.example", "testserver"],
)
def test_other_names_are_refused_400_with_the_headers(served: Served, host: str) -> None:
    page = with_host(served, "/", host)
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert_secured(page)
    message = Page(page.text).shown("error-message")
    assert "not served under the name" in message and "--allowed-host" in message
    api = with_host(served, "/api/overview", host)
    assert api.status_code == 400
    assert_secured(api)
    assert "not served under the name" in api.json()["detail"]
    # Refused before anything is read: not even static files or the status.
    assert with_host(served, "/static/dashboard.css", host).status_code == 400
    assert with_host(served, "/api/status", host).status_code == 400


def test_a_hostile_name_is_escaped_on_the_refusal_page(served: Served) -> None:
    response = with_host(served, "/", "<script>alert(1)</script>.example")
    assert response.status_code == 400
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text


def test_a_request_without_a_host_header_is_refused(served: Served) -> None:
    host, port = served.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"GET /api/status HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode().lower()
    assert head.startswith("http/1.1 400"), head
    assert "content-security-policy:" in head
    assert b"names no host" in answer


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("dash.internal", 200),
        ("dash.internal:8443", 200),
        ("eu.example.com", 200),
        ("a.b.example.com", 200),
        ("example.com", 400),  # `*.example.com` is the names under it, not the domain itself
        ("badexample.com", 400),
        ("dash.internal.attacker.example", 400),
        ("localhost", 200),
    ],
)
def test_allowed_hosts_add_names_and_subdomain_wildcards(
    crashing: Served, host: str, status: int
) -> None:
    response = with_host(crashing, "/api/status", host)
    assert response.status_code == status, response.text
    assert_secured(response)


def test_the_allow_list_keeps_loopback_and_the_bound_address_but_no_wildcard() -> None:
    assert allowed_hosts() == LOOPBACK
    assert allowed_hosts("0.0.0.0") == LOOPBACK
    assert allowed_hosts("::") == LOOPBACK
    assert allowed_hosts("127.0.0.1") == LOOPBACK
    assert allowed_hosts("::1") == LOOPBACK
    assert allowed_hosts("192.168.1.20") == (*LOOPBACK, "192.168.1.20")
    assert allowed_hosts("fe80::1", ["Dash.Example.com.", "*.corp"]) == (
        *LOOPBACK, "[fe80::1]", "dash.example.com", "*.corp",
    )  # fmt: skip
    assert host_pattern("[::1]") == "[::1]" and host_pattern("*") == "*"


@pytest.mark.parametrize(
    "value",
    ["example.com:8000", "[::1]:8000", "exa mple.com", "*.", "a.*.example.com", "", "http://x"],
)
def test_names_that_no_host_header_can_match_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match=r"port|not a host name|not an IPv6"):
        allowed_hosts("127.0.0.1", [value])


def test_host_headers_are_read_without_their_port() -> None:
    assert host_name("[::1]:8000") == "[::1]"
    assert host_name("Example.COM.:443") == "example.com"
    assert host_name("") == ""
    assert host_allowed("anything.at.all", ["*"])
    assert not host_allowed("", LOOPBACK)
    assert not host_allowed("evil-localhost", LOOPBACK)


# -- security headers and errors --------------------------------------------------------


def test_an_unhandled_exception_is_a_500_with_the_headers_and_no_traceback(
    crashing: Served,
) -> None:
    page = crashing.get("/crash")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert_secured(page)
    assert Page(page.text).shown("error-message") == "500 RuntimeError while serving this page."
    api = crashing.get("/api/crash")
    assert api.status_code == 500
    assert_secured(api)
    assert api.json() == {"detail": "RuntimeError while serving this page."}
    for response in (page, api):
        assert SECRET not in response.text and "Traceback" not in response.text
        assert "line " not in response.text and ".py" not in response.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no-such-page", 404),
        ("/api/no-such-route", 404),
        ("/goals/no-such-goal", 404),
        ("/api/tactics/no-such-tactic", 404),
        ("/attribution?model=no-such-model", 400),
        ("/api/attribution?period=2026-Q9", 400),
        ("/static/no-such-file.css", 404),
        ("/static/dashboard.css", 200),
        ("/strategy-map.svg", 200),
        ("/api/openapi.json", 200),
        ("/favicon.ico", 204),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(
    served: Served, path: str, status: int
) -> None:
    response = served.get(path)
    assert response.status_code == status, response.text[:300]
    assert_secured(response)


def test_a_405_carries_the_security_headers(served: Served) -> None:
    response = served.client.post("/goals")
    assert response.status_code == 405
    assert_secured(response)


def test_503_while_measuring_carries_the_security_headers(crashing: Served) -> None:
    # The empty workspace has no plan: its first measurement fails and pages wait.
    response = crashing.get("/")
    assert response.status_code == 503
    assert_secured(response)


# -- `outcomes serve --allowed-host` ----------------------------------------------------


def served_app(monkeypatch: pytest.MonkeyPatch, arguments: list[str]) -> FastAPI:
    """The app `outcomes serve ARGUMENTS` would serve (the server itself is not run)."""
    started: list[Any] = []

    def run(server: uvicorn.Server, sockets: list[socket.socket] | None = None) -> None:
        started.append(server.config.app)

    with monkeypatch.context() as patched:  # only for the command: tests serve it for real
        patched.setattr(uvicorn.Server, "run", run)
        # Read-only, so the shared demo workspace gets no app database; the host check is
        # the same with sign-in (tests/web/test_team.py).
        command = ["serve", *arguments, "--read-only", "--port", str(free_port())]
        result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    (web,) = started
    assert isinstance(web, FastAPI)
    return web


def test_serve_allowed_host_adds_names(
    demo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = served_app(
        monkeypatch,
        ["-w", str(demo_workspace), "--allowed-host", "dash.example.com",
         "--allowed-host", "*.corp.example"],
    )  # fmt: skip
    # /favicon.ico reads no state, so the workspace is not measured.
    with serve(web, lifespan="off") as running:
        for host, status in [
            ("dash.example.com", 204), ("eu.corp.example", 204), ("127.0.0.1", 204),
            ("localhost", 204), ("other.example.com", 400), ("testserver", 400),
        ]:  # fmt: skip
            response = with_host(running, "/favicon.ico", host)
            assert response.status_code == status, host
            assert_secured(response)


def test_serve_without_allowed_host_serves_loopback_and_its_own_address_only(
    demo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = served_app(monkeypatch, ["-w", str(demo_workspace), "--host", "localhost"])
    with serve(web, lifespan="off") as running:
        for host, status in [("localhost", 204), ("[::1]", 204), ("dash.example.com", 400)]:
            assert with_host(running, "/favicon.ico", host).status_code == status, host


def test_serve_refuses_a_bad_allowed_host_in_one_line(demo_workspace: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "-w", str(demo_workspace), "--allowed-host", "example.com:8000"]
    )
    assert result.exit_code == 2
    assert "cannot serve: 'example.com:8000': give the name without a port" in result.output
    assert "Traceback" not in result.output and "Dashboard:" not in result.output


def test_serve_help_lists_allowed_host() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "--allowed-host" in result.output
