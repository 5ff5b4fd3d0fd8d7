"""WeasyPrint's libraries are opened by their Linux names, without searching with ldconfig, gcc, ld."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

from outcomes.report import library_lookup

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the Linux names are tried")

IMPORTED = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(args[0]) if event == "subprocess.Popen" else None)
from outcomes.report.executive import _pdf_engine
_pdf_engine()
libraries = sorted({line.split()[-1] for line in open("/proc/self/maps")
                    if any(name in line for name in ("libpango", "libharfbuzz", "libfontconfig",
                                                     "libgobject"))})
print(len(started), *libraries)
"""


def test_loading_the_pdf_engine_starts_no_process_and_opens_the_libraries() -> None:
    """Before: 54 processes (ldconfig, gcc, ld), a fifth of WeasyPrint's import."""
    done = subprocess.run([sys.executable, "-c", IMPORTED], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    started, *libraries = done.stdout.split()
    assert started == "0"
    opened = " ".join(libraries)
    for library in ("libpango-1.0.so", "libpangoft2-1.0.so", "libharfbuzz.so", "libgobject-2.0.so"):
        assert library in opened


def test_other_libraries_are_searched_for_as_before() -> None:
    searched: list[str] = []

    def searching(name: str) -> str | None:
        searched.append(name)
        return f"lib{name}.so.1"

    find = library_lookup._skipping(searching, library_lookup.LIBRARIES)
    assert find("pango-1.0") is None
    assert find("libharfbuzz-subset-0") is None
    assert find("z") == "libz.so.1"
    assert searched == ["z"]


def test_the_search_is_put_back_after_the_import() -> None:
    searching = ctypes.util.find_library
    with library_lookup._unsearched(library_lookup.LIBRARIES):
        assert ctypes.util.find_library("gobject-2.0") is None
    assert ctypes.util.find_library is searching


SEARCHED_ONLY = """
import cffi.api
loading = cffi.api._load_backend_lib

def only_by_searching(backend, name, flags):
    if isinstance(name, str) and ".so." in name:  # a Linux name as WeasyPrint writes it
        raise OSError(f"cannot load {name} by that name here")
    return loading(backend, name, flags)

cffi.api._load_backend_lib = only_by_searching
from outcomes.report.executive import _pdf_engine
print(_pdf_engine().__name__)
"""


def test_libraries_found_only_by_searching_are_found_as_before() -> None:
    """Where the Linux names do not open, the import searches as WeasyPrint alone does,
    and its advice to install the libraries, printed by the failed first try, is not shown."""
    done = subprocess.run([sys.executable, "-c", SEARCHED_ONLY], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["weasyprint"]
