"""The built-in metric catalogue. Every metric has a class; goals should use `business` ones."""

from dataclasses import dataclass
from typing import Final, Literal

MetricClass = Literal["vanity", "activity", "engagement", "pipeline", "business"]
Unit = Literal["count", "currency", "ratio", "percent", "minutes", "days", "score"]
Better = Literal["higher", "lower"]

METRIC_CLASSES: Final[tuple[MetricClass, ...]] = (
    "vanity", "activity", "engagement", "pipeline", "business",
)  # fmt: skip
UNITS: Final[tuple[Unit, ...]] = (
    "count", "currency", "ratio", "percent", "minutes", "days", "score",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """A metric: its id, display name, class, unit and which direction is better."""

    id: str
    name: str
    metric_class: MetricClass
    unit: Unit
    better: Better = "higher"


def _m(
    id: str, name: str, metric_class: MetricClass, unit: Unit, better: Better = "higher"
) -> MetricSpec:
    return MetricSpec(id, name, metric_class, unit, better)


_CATALOGUE: Final = (
    _m("followers", "Followers", "vanity", "count"),
    _m("fans", "Fans", "vanity", "count"),
    _m("likes", "Likes", "vanity", "count"),
    _m("impressions", "Impressions", "vanity", "count"),
    _m("reach", "Reach", "vanity", "count"),
    _m("views", "Views", "vanity", "count"),
    _m("reposts", "Reposts", "vanity", "count"),
    _m("page_views", "Page views", "vanity", "count"),
    _m("posts", "Posts", "activity", "count"),
    _m("replies_sent", "Replies sent", "activity", "count"),
    _m("messages_sent", "Messages sent", "activity", "count"),
    _m("connection_requests", "Connection requests", "activity", "count"),
    _m("events_held", "Events held", "activity", "count"),
    _m("emails_sent", "Emails sent", "activity", "count"),
    _m("comments", "Comments", "engagement", "count"),
    _m("shares", "Shares", "engagement", "count"),
    _m("clicks", "Clicks", "engagement", "count"),
    _m("mentions", "Mentions", "engagement", "count"),
    _m("engagement_rate", "Engagement rate", "engagement", "ratio"),
    _m("response_rate", "Response rate", "engagement", "ratio"),
    _m("first_response_minutes", "First response time", "engagement", "minutes", "lower"),
    _m(
        "first_response_business_minutes",
        "First response time in business hours",
        "engagement",
        "minutes",
        "lower",
    ),
    _m("listen_push_ratio", "Listen-and-respond to push ratio", "engagement", "ratio"),
    _m("customer_focus", "Customer focus", "engagement", "score"),
    _m("leads", "Leads", "pipeline", "count"),
    _m("qualified_leads", "Qualified leads", "pipeline", "count"),
    _m("demo_requests", "Demo requests", "pipeline", "count"),
    _m("meetings", "Meetings", "pipeline", "count"),
    _m("opportunities", "Opportunities", "pipeline", "count"),
    _m("pipeline_value", "Pipeline value", "pipeline", "currency"),
    _m("applications", "Applications", "pipeline", "count"),
    _m("ideas_submitted", "Ideas submitted", "pipeline", "count"),
    _m("revenue", "Revenue", "business", "currency"),
    _m("net_new_customers", "Net new customers", "business", "count"),
    _m("average_order_value", "Average order value", "business", "currency"),
    _m("order_frequency", "Order frequency", "business", "ratio"),
    _m("retention_rate", "Retention rate", "business", "percent"),
    _m("churn_rate", "Churn rate", "business", "percent", "lower"),
    _m("customer_lifetime_value", "Customer lifetime value", "business", "currency"),
    _m("support_cost", "Support cost", "business", "currency", "lower"),
    _m("cost_to_serve", "Cost to serve", "business", "currency", "lower"),
    _m("win_rate", "Win rate", "business", "ratio"),
    _m("sales_cycle_days", "Sales cycle", "business", "days", "lower"),
    _m("time_to_hire", "Time to hire", "business", "days", "lower"),
    _m("cost_per_hire", "Cost per hire", "business", "currency", "lower"),
    _m("employee_nps", "Employee NPS", "business", "score"),
    _m("csat", "Customer satisfaction", "business", "score"),
    _m("gross_margin", "Gross margin", "business", "percent"),
)

BUILTIN_METRICS: Final[dict[str, MetricSpec]] = {m.id: m for m in _CATALOGUE}
