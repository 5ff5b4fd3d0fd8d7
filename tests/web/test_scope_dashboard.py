"""The dashboard on the clinics workspace: goal scopes and shared-credit warnings shown."""

from __future__ import annotations

from pathlib import Path

from outcomes.briefing.build import BriefingOptions
from outcomes.web import create_app
from tests.measure.crm_workspace import build_workspace
from tests.measure.test_scope import PLAN, _rows
from tests.web.conftest import serve

OPTIONS = BriefingOptions(bootstrap=0)


def test_goal_pages_show_scopes_and_the_overview_warns_of_shared_credit(tmp_path: Path) -> None:
    build_workspace(tmp_path, PLAN, *_rows())
    unscoped = tmp_path / "unscoped.yaml"
    unscoped.write_text(
        PLAN.replace(", scope: {pipelines: [patients]}", "").replace(
            ", scope: {pipelines: [employers]}", ""
        )
    )
    with serve(create_app(tmp_path, options=OPTIONS)) as running:
        running.wait_ready()
        page = running.get("/goals/wellbeing-revenue").text
        assert 'data-testid="goal-wellbeing-revenue-scope"' in page
        assert "matches no conversion" in page and "Employers, Patients" in page
        goals = {g["id"]: g for g in running.json("/api/goals")["goals"]}
        assert goals["contract-revenue"]["scope"] == "pipeline employers"
        assert "credit-warning-" not in running.get("/").text
    with serve(create_app(tmp_path, plan_file=unscoped, options=OPTIONS)) as running:
        running.wait_ready()
        overview = running.get("/").text
        assert 'data-testid="credit-warning-1"' in overview
        assert "fb-patient-ads" in overview
