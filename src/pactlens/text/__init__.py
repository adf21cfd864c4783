"""Text: cleaning a raw article (plain or HTML), dates, normalisation. Pure, no I/O.

:mod:`.clean` (boilerplate out, title, dateline and source kept, offsets mapped back),
:mod:`.html` (the page's text), :mod:`.dates` (date phrases resolved against the
dateline) and :mod:`.normalise` (typographic folding that maps back to the original).
"""

from __future__ import annotations

from pactlens.text.cleaning import OffsetMap, clean, clean_with_offsets, decode_text

__all__ = ["OffsetMap", "clean", "clean_with_offsets", "decode_text"]
