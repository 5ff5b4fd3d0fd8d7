"""`outcomes report` shows the plan's approved revision and what changed since."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outcomes.cli import app
from outcomes.plan.edit import set_fields
from outcomes.web.store import Store
from outcomes.web.store.database import APP_DB
from outcomes.web.store.revisions import PlanHistory
from tests.demo_cache import DemoCache

runner = CliRunner()
MEASURE = ["--touch-source", "ga4", "--no-lookback"]


@pytest.fixture(scope="module")
def workspace(demo_cache: DemoCache, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cache.copy(0.1, tmp_path_factory.mktemp("signoff") / "northwind").workspace


def _report(workspace: Path) -> str:
    target = workspace / "report.html"
    result = runner.invoke(app, ["report", "-w", str(workspace), "-o", str(target), *MEASURE])
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def test_without_an_app_database_the_report_has_no_sign_off_and_makes_none(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTCOMES_DATABASE_URL", raising=False)
    assert 'data-testid="sign-off"' not in _report(workspace)
    assert not (workspace / APP_DB).exists()


def test_the_report_names_the_approved_revision_and_marks_what_changed_since(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTCOMES_DATABASE_URL", raising=False)
    plan = workspace / "plan.yaml"
    store = Store.for_workspace(workspace)
    try:
        history = PlanHistory(store, plan)
        approved = history.sync()
        history.approve(approved.number, user="dana")
    finally:
        store.close()
    text = set_fields(
        plan.read_text(encoding="utf-8"), "tactics", "trade-show", {"end": "2026-06-15"}
    )
    plan.write_text(text, encoding="utf-8")  # changed on disk after the approval (a git pull)
    html = _report(workspace)
    assert "Plan approved: revision 1 by Dana Ruiz on " in html
    assert 'data-testid="changed-trade-show">tactic trade-show changed<' in html
    assert 'data-testid="changed-mark-trade-show"' in html
    assert 'data-testid="changed-mark-new-logos"' not in html


def test_the_pdf_laid_out_by_its_printer_names_the_approved_revision(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a fresh process measuring (`--refresh`), the printer reads the sign-off while
    the briefing is measured: the PDF names the approved revision all the same."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils, `make system-deps`) is not installed")
    monkeypatch.delenv("OUTCOMES_DATABASE_URL", raising=False)
    store = Store.for_workspace(workspace)
    try:
        history = PlanHistory(store, workspace / "plan.yaml")
        history.approve(history.sync().number, user="dana")
    finally:
        store.close()
    target = workspace / "signed.pdf"
    command = [sys.executable, "-m", "outcomes", "report", "-w", str(workspace), *MEASURE]
    done = subprocess.run(
        [*command, "--refresh", "-o", str(target)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = subprocess.run(
        ["pdftotext", str(target), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Plan approved: revision" in " ".join(text.split())
    assert "by Dana Ruiz" in " ".join(text.split())
