"""Numbers a view cannot show, found once per view: null in its JSON, named on its page.

The JSON is the face's (`workspace.documents.dumps`: every NaN, infinity or absurd sum
written `null` and its path listed under `invalid_values`). The page shows "invalid value"
in its place and names the same paths in a notice, so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from outcomes.web.views import Views
from outcomes.workspace.documents import document_json


@dataclass(frozen=True)
class Checked:
    """A view's JSON with its invalid numbers nulled, and where they were."""

    body: bytes
    paths: tuple[str, ...]


def checked(views: Views, view: BaseModel) -> Checked:
    """`view`'s JSON and invalid paths, computed once per snapshot for the page and the API.

    Kept under the view's id with the view itself: every page view is kept by its
    snapshot (so the id is not reused while the entry lives), and the identity check
    covers one that is not.
    """
    kept = views.snapshot.memo(("checked", id(view)), lambda: (view, _check(view)))
    return kept[1] if kept[0] is view else _check(view)


def _check(view: BaseModel) -> Checked:
    body, paths = document_json(view)
    return Checked(body, tuple(paths))
