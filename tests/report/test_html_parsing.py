"""The mended tinyhtml5 pattern cache parses the report as the library does, and hits."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import tinyhtml5
from tinyhtml5 import inputstream

from outcomes.report import html_parsing

REPORT_LIKE = (
    "<!doctype html><html><head><style>td{color:red}</style><title>A &amp; B</title></head>"
    "<body class=print><table><tr><td data-x='1'>caf\u00e9 \u20ac1,200 &lt; 2</td></tr></table>"
    "<svg xmlns='http://www.w3.org/2000/svg' width='4'><text x='1'>a&gt;b</text></svg>"
    "<!-- a comment --><p>one<br>two</p><script>if (a < b) {}</script></body></html>"
)


@pytest.fixture
def library_cache() -> Iterator[None]:
    """tinyhtml5's own dict during the test, whatever the session mended before."""
    kept = inputstream.characters_until_regex
    inputstream.characters_until_regex = {}
    yield
    inputstream.characters_until_regex = kept


@pytest.mark.usefixtures("library_cache")
def test_the_mended_cache_parses_the_same_tree_and_hits() -> None:
    if getattr(tinyhtml5, "__version__", None) != html_parsing.MENDED_VERSION:
        pytest.skip("another tinyhtml5: left as it is")
    plain = ET.tostring(tinyhtml5.parse(REPORT_LIKE))
    assert all(isinstance(key[0], re.Pattern) for key in inputstream.characters_until_regex), (
        "tinyhtml5 keys its cache by what it looks up now: the mend may no longer be needed"
    )
    assert html_parsing.mend()
    mended = ET.tostring(tinyhtml5.parse(REPORT_LIKE))
    assert mended == plain
    built = dict(inputstream.characters_until_regex)
    assert built and not any(isinstance(key[0], re.Pattern) for key in built)
    tinyhtml5.parse(REPORT_LIKE)
    assert inputstream.characters_until_regex == built  # the second parse built nothing new
