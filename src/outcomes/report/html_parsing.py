"""A workaround for tinyhtml5 2.1.0's pattern cache, which WeasyPrint parses our HTML with.

`HTMLInputStream.chars_until` keeps each compiled pattern in a module dict,
`characters_until_regex`, but stores it with a chained assignment that first rebinds
`characters` to the pattern, so the entry is keyed by the pattern and the next lookup by
characters misses: every call builds the pattern's text again and asks `re` for it.
That is about 0.1 s of the ~0.17 s parsing the demo's report takes.

`mend` swaps in a dict that builds a missing entry under the key that is looked up,
exactly as the library builds it; the library then finds it. Applied only to the version
whose code this mirrors: another version keeps its own dict.
"""

from __future__ import annotations

import re
from typing import Final

MENDED_VERSION: Final = "2.1.0"


class _PatternsByCharacters(dict[tuple[str, bool], re.Pattern[str]]):
    """tinyhtml5's cache, filled under the key it is read with."""

    def __missing__(self, key: tuple[str, bool]) -> re.Pattern[str]:
        characters, opposite = key
        # As tinyhtml5 2.1.0's chars_until writes it: the characters (or, unless
        # `opposite`, all but them) as a class of escaped code points.
        escaped = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            escaped = f"^{escaped}"
        pattern = self[key] = re.compile(f"[{escaped}]+")
        return pattern


def mend() -> bool:
    """Give tinyhtml5 a pattern cache that hits; whether it was mended (now or before)."""
    import tinyhtml5
    from tinyhtml5 import inputstream

    if getattr(tinyhtml5, "__version__", None) != MENDED_VERSION:
        return False
    if not isinstance(inputstream.characters_until_regex, _PatternsByCharacters):
        inputstream.characters_until_regex = _PatternsByCharacters()
    return True
