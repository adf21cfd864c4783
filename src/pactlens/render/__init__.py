"""Rendering an :class:`~pactlens.ArticleSummary` for people and for tables.

Markdown (:mod:`.markdown`) for terminals and notebooks, a compact HTML fragment
(:mod:`.fragment`) for Jupyter, one self-contained review page (:mod:`.page`, its CSS and
JS are the package data files ``page.css`` and ``page.js``), flat records and a pandas
DataFrame, and JSON / JSON Lines writers (:mod:`.records`). Pure functions of the
summary: no network, no files opened here (the writers take an open text stream).
"""

from __future__ import annotations

from pactlens.render.fragment import to_html_fragment
from pactlens.render.markdown import to_markdown
from pactlens.render.page import render_page as to_html
from pactlens.render.records import (
    RECORD_COLUMNS,
    to_dataframe,
    to_records,
    write_json,
    write_jsonl,
)

__all__ = [
    "RECORD_COLUMNS",
    "to_dataframe",
    "to_html",
    "to_html_fragment",
    "to_markdown",
    "to_records",
    "write_json",
    "write_jsonl",
]
