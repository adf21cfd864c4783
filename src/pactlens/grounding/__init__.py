"""Grounding: everything pactlens finds in the cleaned text by rule, and the assembly of
the model's answer into a summary whose every span slices back. Pure, no I/O, no client.

:mod:`.quotes` (quotations and sentences), :mod:`.attribution` (who said each quotation),
:mod:`.subjects` (a reporting verb's subject), :mod:`.people` (speakers resolved across
the article),
:mod:`.utterances` (quotations the text interrupts, as one), :mod:`.injection` (text
addressed to AI systems), :mod:`.statements` (who said what),
:mod:`.reported` (reported speech by rule), :mod:`.agreements` (agreements, their status
cues, dates and parties by rule, with :mod:`.actors`), :mod:`.match` (the model's claims
located in the text), :mod:`.parties` (aliases folded into canonical parties) and :mod:`.assembly`
(prepare the prompt's facts; assemble the answer into public models).
"""

from __future__ import annotations

from pactlens.grounding.assembly import Assembled, Prepared, assemble, prepare, split_sentences
from pactlens.grounding.attribution import Attribution, attribute
from pactlens.grounding.match import find_all, find_mentions, ground
from pactlens.grounding.quotes import Quotation, find_quotations, sentence_at
from pactlens.grounding.utterances import Utterance, utterances

__all__ = [
    "Assembled",
    "Attribution",
    "Prepared",
    "Quotation",
    "Utterance",
    "assemble",
    "attribute",
    "find_all",
    "find_mentions",
    "find_quotations",
    "ground",
    "prepare",
    "sentence_at",
    "split_sentences",
    "utterances",
]
