"""Script injection: whatever a person types, or a proxy sends, is shown as text.

Every form on every page (read from the pages themselves, so a new form is covered when it
is added) is sent with markup in each field it shows; the answer, and then every page of
the app and the audit log (which keeps what failed sign-ins typed), must show it escaped.
Values echoed from the URL are too, JSON answers carry the exact text, and every answer
has a Content-Security-Policy that runs no script even if something slipped through.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Final
from urllib.parse import quote

import pytest

from outcomes.web.access import access_table
from tests.web.security.conftest import anonymous, concrete
from tests.web.test_team import HEADER, Team

pytestmark = pytest.mark.slow

PAYLOAD: Final = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>\u2028&amp;"
"""Breaks out of an attribute (either quote) or text, in a tag or an event handler."""
ESCAPED: Final = "&lt;script&gt;alert(1)&lt;/script&gt;"
MARKUP: Final = ("<script>alert(1)", "<img src=x onerror")
"""What must never reach a page unescaped."""


class Forms(HTMLParser):
    """The POST forms of a page: action, hidden fields, and the fields a person fills in."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], list[str]]] = []
        self._open = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._open = values.get("method", "get").lower() == "post"
            if self._open:
                self.found.append((values.get("action", ""), {}, []))
            return
        if not self._open or "name" not in values or tag not in ("input", "select", "textarea"):
            return
        _, hidden, filled = self.found[-1]
        if values.get("type") == "hidden":
            hidden[values["name"]] = values.get("value", "")
        elif values.get("type") not in ("submit", "button", "checkbox", "radio"):
            filled.append(values["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = False


def pages(team: Team) -> list[str]:
    """A URL for every page (GET route) of the app."""
    found = []
    for entry in access_table(team.app.routes):
        if entry.method == "GET" and entry.path not in ("/static", "/signin"):
            found.append(concrete(entry.path, team)[0])
    return found


def unescaped(text: str) -> bool:
    return any(markup in text for markup in MARKUP)


def test_every_form_field_is_shown_back_escaped(team: Team) -> None:
    admin = team.sign_in("admin")
    submitted, wrong = 0, []
    for url in pages(team):
        for action, hidden, filled in Forms(admin.http.get(url).text).found:
            if not filled:
                continue  # nothing typed: a button (sign out, disable)
            target = html.unescape(action) or url
            answer = admin.http.post(target, data={**hidden, **dict.fromkeys(filled, PAYLOAD)})
            submitted += 1
            if answer.status_code >= 500 or unescaped(answer.text):
                wrong.append(f"{target} ({', '.join(filled)}): {answer.status_code}")
    assert submitted >= 2  # adding a user, and a role change per user
    stranger = anonymous(team)
    refused = stranger.sign_in(PAYLOAD, "whatever it is")
    assert refused.status_code == 401 and ESCAPED in refused.text
    assert not unescaped(refused.text)
    for url in [*pages(team), "/admin/audit?action=signin.failed"]:
        if unescaped(admin.http.get(url).text):
            wrong.append(f"{url} shows markup unescaped")
    assert wrong == []


def test_what_a_proxy_header_names_reaches_the_audit_log_as_text(team: Team) -> None:
    proxied = team.client(headers={HEADER: PAYLOAD.replace("\u2028", "")})
    assert proxied.get("/api/overview").status_code == 401  # no such user
    assert team.store.events(action="signin.failed", limit=1)[0].subject.startswith("\"'><script>")
    audit = team.sign_in("admin").http.get("/admin/audit").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in audit and not unescaped(audit)


def test_values_echoed_from_the_url_are_escaped(team: Team) -> None:
    viewer, admin = team.sign_in("viewer"), team.sign_in("admin")
    echoes = [
        (viewer, ["/goals/{}", "/tactics/{}", "/attribution?model={}", "/attribution?period={}",
                 "/nowhere/{}", "/signout?x={}"]),
        (admin, ["/admin/audit?action={}", "/admin/users?x={}"]),
        (anonymous(team), ["/signin?next={}", "/signin?next=/{}"]),
    ]  # fmt: skip
    wrong = []
    for browser, urls in echoes:
        for pattern in urls:
            answer = browser.http.get(pattern.format(quote(PAYLOAD, safe="")))
            if answer.status_code >= 500 or unescaped(answer.text):
                wrong.append(f"{pattern}: {answer.status_code}")
    assert wrong == []


def test_json_answers_carry_the_exact_text_as_json(team: Team) -> None:
    viewer = team.sign_in("viewer").http
    typed = quote(PAYLOAD, safe="")
    for url in (f"/api/goals/{typed}", f"/api/attribution?model={typed}"):
        answer = viewer.get(url)
        assert answer.status_code in (400, 404)
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["x-content-type-options"] == "nosniff"
        detail = answer.json()["detail"]
        assert PAYLOAD in detail or repr(PAYLOAD)[1:-1] in detail, detail


CSP: Final = re.compile(r"default-src 'none'")


def test_every_answer_forbids_scripts_whatever_its_status(team: Team) -> None:
    viewer = team.sign_in("viewer")
    answers = [viewer.http.get(url) for url in pages(team)]
    answers += [
        anonymous(team).http.get("/goals"),  # 303 to sign in
        anonymous(team).http.get("/api/goals"),  # 401
        viewer.http.get("/admin/users"),  # 403
        viewer.http.get("/no/such/page"),  # 404
        viewer.http.post("/signout", data={}),  # 403 without its token
        anonymous(team).http.get("/signin"),
    ]
    for answer in answers:
        policy = answer.headers.get("content-security-policy", "")
        assert CSP.search(policy) and "script-src" not in policy, (answer.url, policy)
        assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
