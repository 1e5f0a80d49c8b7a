"""The ``lacgraph`` command line.

Each module in this package adds its verbs to the one :data:`~lacgraph.cli.base.cli`
group; they are all imported here, so adding a verb is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from lacgraph.cli.base import cli

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")


def main() -> None:
    """Entry point of the ``lacgraph`` console script."""
    cli(prog_name="lacgraph")


__all__ = ["cli", "main"]
