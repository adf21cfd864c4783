"""Preparation scales linearly with paragraph length (it used to be quadratic).

No absolute timings: machines differ and CI is busy. Instead the same amount of text is
prepared twice, as eight short articles and as one article eight times longer. Linear
preparation takes about as long for both (ratio ~1); quadratic preparation takes about
eight times longer for the long one (ratio ~8). The ratio must stay under 2.5, that is,
8x the text may cost at most 20x the time. Both layouts are checked: the seed's body as
one long paragraph (the case that was quadratic) and as its many paragraphs.

Timings are CPU time (``time.process_time``), the best of five rounds, long and short
measured alternately, so that another process taking the core counts against neither.
Every article differs, so no per-text cache can make a round look cheaper than it is.
"""

from __future__ import annotations

import time

import pytest

import pactlens
from pactlens._models import Article
from pactlens.grounding import prepare

SHORT = 5_000
FACTOR = 8
LIMIT = 2.5  # linear ~1, quadratic ~FACTOR
ROUNDS = 5


def _body(seed_raw: str) -> list[str]:
    start = seed_raw.index("Islamabad, 21 June 2024 (TDI):")
    end = seed_raw.index("waved flowers and flags.") + len("waved flowers and flags.")
    return [p.strip() for p in seed_raw[start:end].split("\n") if p.strip()]


def _article(paragraphs: list[str], size: int, tag: int, sep: str) -> Article:
    one = sep.join(paragraphs)
    text = f"Report {tag}. " + sep.join([one] * (size // len(one) + 1))
    return pactlens.clean(text[:size], max_chars=size + 1)


def _cpu_seconds(articles: list[Article]) -> float:
    """CPU time to prepare ``articles``, one after the other."""
    started = time.process_time()
    for article in articles:
        prepare(article)
    return time.process_time() - started


@pytest.mark.parametrize("sep", [" ", "\n\n"], ids=["one-paragraph", "many-paragraphs"])
def test_preparing_8x_the_text_costs_about_8x_the_time(seed_raw: str, sep: str) -> None:
    paragraphs = _body(seed_raw)
    rounds = range(ROUNDS)
    shorts = [
        [_article(paragraphs, SHORT, FACTOR * r + k, sep) for k in range(FACTOR)] for r in rounds
    ]
    longs = [_article(paragraphs, SHORT * FACTOR, -1 - r, sep) for r in rounds]
    assert len(longs[0].text) > (FACTOR - 0.5) * len(shorts[0][0].text)
    if sep == " ":
        assert "\n" not in longs[0].text  # really one paragraph

    prepare(_article(paragraphs, SHORT, -99, sep))  # warm up: imports, regex compilation
    long_best = short_best = float("inf")
    for r in rounds:
        long_best = min(long_best, _cpu_seconds([longs[r]]))
        short_best = min(short_best, _cpu_seconds(shorts[r]))
    ratio = long_best / short_best
    assert ratio < LIMIT, f"{FACTOR}x the text took {ratio * FACTOR:.1f}x the time"
