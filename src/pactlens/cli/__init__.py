"""The command line: ``pactlens summarise | clean | schema | eval``.

:mod:`.commands` holds the parser and the summarise, clean and schema commands; :mod:`.eval`
the ``eval`` command over :mod:`pactlens._eval`; :mod:`.options` what they share.
"""

from __future__ import annotations

from pactlens.cli.commands import main

__all__ = ["main"]
