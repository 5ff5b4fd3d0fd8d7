"""A LinkedIn page written as it reads, "Sagebrook Home Services", claims the page's posts.

LinkedIn names its "All posts" export after the page's slug
(`sagebrook-home-services_content_<epoch>.csv`), and that slug is the account the posts
load with. docs/plan-format.md says a tactic names "the page or handle"; a plan naming the
page as people write it claimed none of its posts. Only LinkedIn's pages compare without
spaces, hyphens and underscores: on X, `Sagebrook_Help` is not `SagebrookHelp`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outcomes.plan.matching import account_names
from outcomes.workspace import Workspace

FIXTURE = Path(__file__).parents[1] / "workspace" / "fixtures" / "sixthco"
POSTS = "exports/linkedin/sagebrook-home-services_content_1764547200000.csv"
TWEETS = "exports/x/sagebrookhelp/data/tweets.js"


def _space(root: Path, plan: str) -> Workspace:
    root.mkdir()
    (root / "plan.yaml").write_text(plan, encoding="utf-8")
    (root / POSTS).parent.mkdir(parents=True)
    shutil.copy(FIXTURE / POSTS, root / POSTS)
    # The archive's account.js says whose tweets they are.
    shutil.copytree(FIXTURE / Path(TWEETS).parent, root / Path(TWEETS).parent)
    space = Workspace.open(root)
    assert space.ingest([root / POSTS], source="linkedin").exit_code == 0
    assert space.ingest([root / TWEETS], source="x-archive").exit_code == 0
    return space


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    plan = (FIXTURE / "plan.yaml").read_text(encoding="utf-8")
    # The case studies' tactic claims by its page alone, and the care team's by its
    # handle written with an underscore.
    by_page = plan.replace(
        "match: {accounts: [Sagebrook Home Services], utm_campaign: [pm-case-studies]}",
        "match: {accounts: [Sagebrook Home Services]}",
    ).replace("match: {accounts: [SagebrookHelp]}", "match: {accounts: [Sagebrook_Help]}")
    assert by_page.count("Sagebrook_Help") == 1 and "[pm-case-studies]" not in by_page
    return _space(tmp_path_factory.mktemp("page") / "sagebrook", by_page)


def test_the_page_as_people_write_it_claims_the_posts_its_slug_names(space: Workspace) -> None:
    clicks = next(
        b for b in space.scorecard().tactics if (b.tactic, b.metric) == ("li-pm-posts", "clicks")
    )
    # The two case studies (the boosted one by its Total row); the careers posts carry
    # #SagebrookCareers and careers-techs, and li-careers claims them by two criteria.
    assert clicks.actual == 48 + 62 + 171


def test_an_x_handle_with_an_underscore_is_another_account(space: Workspace) -> None:
    report = space.unplanned()
    # The care team's 8 tweets stay unplanned: `Sagebrook_Help` names someone else.
    assert sum(g.count for g in report.groups if g.channel == "x") == 8
    assert account_names(["Sagebrook_Help"], "x") == ["sagebrook_help"]
    assert account_names(["Sagebrook Home Services"], "linkedin") == ["sagebrookhomeservices"]
    assert account_names(["sagebrook-home-services"], "linkedin") == ["sagebrookhomeservices"]
