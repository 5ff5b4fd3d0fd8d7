"""outcomes: social business strategy as code.

The library is the product; the CLI (`outcomes.cli`) and, later, the web app are thin
adapters over it. Start with :func:`outcomes.plan.load_plan` and
:func:`outcomes.lint.check_plan`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("outcomes")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
