"""Who a touch or a conversion belongs to: identities stitched across devices and systems.

`with_person` gives both tables a `person` column (the rule is the journeys module's
**Journey** convention); the helpers clean the text fields it compares the same way on
every engine.
"""

from __future__ import annotations

from typing import Any, Final

_SPACE: Final = r"[ \t\n\r\x0B\f]"


def _strip(value: Any) -> Any:
    """`value` without leading and trailing ASCII whitespace, the same on every engine.

    Ibis' `strip()` renders the characters to trim as a SQL literal with `\\v` and `\\f`
    escapes, which Spark reads as the letters `v` and `f` (so `facebook` lost its `f`);
    a regular expression with the escapes left to the regex engine means the same on
    DuckDB (RE2) and Spark (Java). The class is Python's `string.whitespace`.
    """
    return value.re_replace(f"^{_SPACE}+|{_SPACE}+$", "")


def blank_to_null(value: Any) -> Any:
    """`value` trimmed, and null when that leaves it empty."""
    # Exports give "" as often as null for a missing field; both mean "not known".
    import ibis

    trimmed = _strip(value)
    return ibis.ifelse(trimmed == "", ibis.null("string"), trimmed)


def _bare_customer(value: Any) -> Any:
    """A customer id without its `system:` prefix (`hubspot:123` → `123`)."""
    return blank_to_null(value.re_replace(r"^[A-Za-z][A-Za-z0-9_.-]*:", ""))


def with_person(touchpoints: Any, conversions: Any) -> tuple[Any, Any]:
    """Both tables with a `person` column: stitched identity (the journeys module's
    **Journey** convention: `outcomes.measure.attribution.journeys`)."""
    import ibis

    pairs = [
        t.filter(t.journey_id.notnull() & t.customer_id.notnull()).select(
            j=t.journey_id.cast("string"), c=_bare_customer(t.customer_id).cast("string")
        )
        for t in (touchpoints, conversions)
    ]
    linked = pairs[0].union(pairs[1])
    linked = linked.filter(linked.c.notnull())
    link = linked.group_by("j").aggregate(linked_customer=linked.c.min())

    def person(table: Any) -> Any:
        joined = table.left_join(link, table.journey_id == link.j).drop("j")
        # Prefixes keep a journey id from ever equalling somebody's customer id.
        who = ibis.coalesce(
            "c:" + _bare_customer(joined.customer_id),
            "c:" + joined.linked_customer,
            "j:" + joined.journey_id,
        )
        return joined.mutate(person=who).drop("linked_customer")

    return person(touchpoints), person(conversions)
