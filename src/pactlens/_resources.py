"""Data files pactlens ships: prompts, schemas, the seed article and the gold files.

In a checkout they are the repository's ``prompts/``, ``schemas/``, ``examples/articles/``
and ``tests/gold/``; the wheel carries the same files as ``pactlens/_data/<kind>``
(``pyproject.toml`` maps them), so an installed pactlens needs no checkout.
"""

from __future__ import annotations

from pathlib import Path

from pactlens._errors import ConfigError

__all__ = ["data_dir"]

#: Each kind of data, by where it lives in the repository.
_CHECKOUT = {
    "prompts": "prompts",
    "schemas": "schemas",
    "articles": "examples/articles",
    "gold": "tests/gold",
}


def data_dir(kind: str) -> Path:
    """The folder of one kind of data: inside the installed wheel, or the source checkout."""
    packaged = Path(__file__).parent / "_data" / kind
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / _CHECKOUT[kind]
    if checkout.is_dir():
        return checkout
    raise ConfigError(f"pactlens data folder {kind!r} is missing: reinstall pactlens")
