"""The briefing: one measurement of a plan against its warehouse, shared by every route.

`build_briefing` measures (scorecard, ROI under several models, the linter, unplanned
activity, the ingest history, journeys for the explorer) and picks what needs a decision
(`briefing.attention`); `load_briefing` keeps one per state of plan and warehouse
(`briefing.cache`). The report, `outcomes status`, the dashboard and the API present it and
add nothing but layout.
"""

from outcomes.briefing.build import Briefing, BriefingOptions, build_briefing
from outcomes.briefing.cache import fingerprint, load_briefing

__all__ = ["Briefing", "BriefingOptions", "build_briefing", "fingerprint", "load_briefing"]
