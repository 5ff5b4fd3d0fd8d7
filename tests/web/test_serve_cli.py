"""`outcomes serve`: options, the address it prints, and a port already in use."""

from __future__ import annotations

import datetime as dt
import errno
import socket
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from outcomes.briefing.build import BriefingOptions
from outcomes.cli import app
from outcomes.web.context import Dashboard
from outcomes.web.server import listen

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_prints_the_address_and_serves_the_workspace_with_its_options(
    demo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []

    def run(server: uvicorn.Server, sockets: list[socket.socket] | None = None) -> None:
        assert sockets and sockets[0].getsockname()[1] == port
        started.append(server.config)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    port = free_port()
    result = runner.invoke(
        app,
        ["serve", "--workspace", str(demo_workspace), "--port", str(port), "--read-only",
         "--touch-source", "ga4", "--no-lookback", "--as-of", "2026-09-30"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Dashboard: http://127.0.0.1:{port}/"
    (config,) = started
    assert config.log_level == "warning"
    board = config.app.state.dashboard
    assert isinstance(board, Dashboard) and board.read_only
    assert board.state.options == BriefingOptions(
        as_of=dt.date(2026, 9, 30), sources=("ga4",), lookback_days=None
    )
    assert board.state.plan_file == demo_workspace / "plan.yaml"


def test_a_port_in_use_is_one_line_and_exit_2(demo_workspace: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "-w", str(demo_workspace), "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in result.output
    assert "Traceback" not in result.output and "Dashboard:" not in result.output


def test_an_invalid_plan_is_reported_before_serving(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text("version: 1\n")
    result = runner.invoke(app, ["serve", "-w", str(tmp_path), "--port", str(free_port())])
    assert result.exit_code == 2
    assert "Dashboard:" not in result.output


def test_serve_is_listed_under_report() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--read-only", "--touch-source", "--no-lookback", "--as-of"):
        assert option in result.output


def test_the_listening_socket_is_tcp_so_responses_are_not_delayed() -> None:
    # asyncio sets TCP_NODELAY only on connections of sockets made with IPPROTO_TCP;
    # without it every small response waits ~40 ms for the client's delayed ACK.
    with listen("127.0.0.1", 0) as listener:
        assert listener.proto == socket.IPPROTO_TCP
        port = listener.getsockname()[1]
        with pytest.raises(OSError) as taken:
            listen("127.0.0.1", port)
        assert taken.value.errno == errno.EADDRINUSE


def test_serve_asks_to_sign_in_unless_read_only(
    demo_workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from outcomes.web.auth import AuthConfig
    from outcomes.web.store import ENV_URL

    started: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets=None: started.append(server))
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'app.db'}")
    result = runner.invoke(
        app,
        ["serve", "-w", str(demo_workspace), "--port", str(free_port()),
         "--trusted-header", "X-Forwarded-User", "--trusted-proxy", "10.0.0.1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Sign in as a user of the workspace" in result.output
    (server,) = started
    auth = server.config.app.state.auth
    assert isinstance(auth, AuthConfig) and not server.config.app.state.dashboard.read_only
    assert (auth.trusted_header, auth.trusted_proxies) == ("X-Forwarded-User", ("10.0.0.1",))
    assert (tmp_path / "app.db").is_file()


def test_serve_with_an_unusable_app_database_is_one_line(
    demo_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outcomes.web.store import ENV_URL

    monkeypatch.setenv(ENV_URL, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    result = runner.invoke(app, ["serve", "-w", str(demo_workspace), "--port", str(free_port())])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: cannot serve with sign-in: cannot open the app database"
    )
    assert "Traceback" not in result.output
