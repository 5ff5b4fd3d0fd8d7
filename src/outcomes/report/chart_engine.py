"""Starting vl-convert's engine early, without loading Altair.

Its first conversion starts a JavaScript runtime, about half a second of CPU in threads
of its own. Started before the caller imports Altair (another half second) and the PDF
engine, and builds the charts, it starts meanwhile instead of delaying the first chart
drawn. Kept apart from `charts`, which imports Altair, so that starting costs nothing.
"""

from __future__ import annotations

import threading

import vl_convert as vlc

_STARTED = threading.Event()
"""Set once a thread has been asked to start vl-convert's engine in this process."""


def start_engine() -> None:
    """Start vl-convert's engine in the background, once per process; returns at once.

    A daemon thread: a process that ends before drawing anything does not wait for it.
    """
    if _STARTED.is_set():
        return
    _STARTED.set()
    threading.Thread(target=_first_conversion, name="vl-convert start", daemon=True).start()


def _first_conversion() -> None:
    vlc.vegalite_to_svg({"mark": "point"}, allowed_base_urls=[])
