"""A hand-built :class:`ArticleSummary` of the seed article, as a correct run would give.

It follows ``shared/articles/russia-north-korea-pact.expected.md`` and is built without a
model, so rendering can be tested offline. It deliberately carries what real output
carries: spans that overlap (a quote that is also clause evidence, a speaker inside an
indirect statement), a speculative deal, and a quote that grounding downgraded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pactlens._models import (
    Agreement,
    ArticleSummary,
    Clause,
    Dateline,
    GroundingReport,
    Meta,
    Obligation,
    Party,
    Representative,
    Span,
    Statement,
    Usage,
)

SEED = Path(__file__).resolve().parents[1] / "examples" / "articles" / "russia-north-korea-pact.txt"
FIRST = "Islamabad, 21 June 2024 (TDI):"
LAST = "waved flowers and flags."

QUOTE_1 = (
    "The comprehensive partnership agreement signed today provides, among other things, for "
    "mutual assistance in the event of aggression against one of the parties to this agreement"
)
QUOTE_2 = (
    "This is not just statements; it is already happening, and all this is a gross violation "
    "of the restrictions that Western countries have assumed within the framework of various "
    "international obligations"
)


def seed_text() -> str:
    """The cleaned body: dateline to the last sentence, the "Also Read" line removed."""
    raw = SEED.read_text(encoding="utf-8")
    start = raw.index(FIRST)
    end = raw.index(LAST) + len(LAST)
    body = raw[start:end].split("\n\n")
    return "\n\n".join(p for p in body if not p.startswith("Also Read:"))


def span(text: str, needle: str, after: str | None = None) -> Span:
    """The span of ``needle`` (its first occurrence, or the first after ``after``)."""
    offset = 0 if after is None else text.index(after)
    start = text.find(needle, offset)
    assert start >= 0, f"{needle!r} is not in the text"
    return Span(start=start, end=start + len(needle), text=needle)


def seed_summary() -> ArticleSummary:
    text = seed_text()
    pact = Agreement(
        id="a1",
        name="Comprehensive strategic partnership agreement",
        kind="pact",
        status="signed",
        party_ids=["russia", "north-korea"],
        signatories=["Vladimir Putin", "Kim"],
        date=dt.date(2024, 6, 19),
        date_phrase="on Wednesday",
        scope=["security", "trade", "investment", "cultural and humanitarian ties"],
        caveats=["the details of the pact were not immediately clear"],
        evidence=[
            span(
                text, "A strategic partnership pact signed by the leaders of Russia and North Korea"
            ),
            span(
                text, "encompassing security, trade, investment, and cultural and humanitarian ties"
            ),
        ],
        clauses=[
            Clause(
                topic="mutual assistance",
                summary="Each party helps the other repel external aggression.",
                obligations=[
                    Obligation(
                        party="russia", duty="help repel aggression", beneficiary="north-korea"
                    ),
                    Obligation(
                        party="north-korea", duty="help repel aggression", beneficiary="russia"
                    ),
                ],
                condition="aggression against one of the parties",
                evidence=[
                    span(
                        text,
                        "includes a mutual defense clause under which each country agrees to help "
                        "the other repel external aggression",
                    ),
                    span(
                        text,
                        "mutual assistance in the event of aggression against one of the parties "
                        "to this agreement",
                    ),
                ],
            )
        ],
    )
    arms = Agreement(
        id="a2",
        name="Potential arms deal",
        kind="trade_deal",
        status="speculative",
        party_ids=["north-korea", "russia"],
        caveats=["a concern of the US and its allies, not a concluded deal"],
        evidence=[span(text, "a potential arms deal")],
        clauses=[
            Clause(
                topic="munitions for assistance",
                summary="Pyongyang would supply munitions; Moscow would give economic "
                "assistance and technology transfers.",
                obligations=[
                    Obligation(party="north-korea", duty="supply munitions", beneficiary="russia"),
                    Obligation(
                        party="russia",
                        duty="economic assistance and technology transfers",
                        beneficiary="north-korea",
                    ),
                ],
                evidence=[
                    span(
                        text,
                        "This arrangement would see Pyongyang supplying Moscow with much-needed "
                        "munitions for its war in Ukraine, in return for economic assistance and "
                        "technology transfers",
                    )
                ],
            )
        ],
    )
    parties = [
        Party(
            id="russia",
            name="Russia",
            kind="state",
            aliases=["Moscow"],
            representatives=[Representative(name="Vladimir Putin", role="President")],
            mentions=[span(text, "Russia"), span(text, "Moscow")],
        ),
        Party(
            id="north-korea",
            name="North Korea",
            kind="state",
            aliases=["Pyongyang"],
            representatives=[Representative(name="Kim", role="leader")],
            mentions=[span(text, "North Korea"), span(text, "Pyongyang")],
        ),
    ]
    statements = [
        Statement(
            id="st1",
            speaker="Vladimir Putin",
            speaker_id="russia",
            speaker_span=span(text, "Vladimir Putin"),
            kind="indirect",
            text="The pact includes a mutual defence clause under which each country agrees to "
            "help the other repel external aggression.",
            span=span(
                text,
                "A strategic partnership pact signed by the leaders of Russia and North Korea on "
                "Wednesday includes a mutual defense clause under which each country agrees to "
                "help the other repel external aggression",
            ),
            cue="said",
            agreement_id="a1",
        ),
        Statement(
            id="st2",
            speaker="Vladimir Putin",
            speaker_id="russia",
            speaker_span=span(text, "Putin", after=QUOTE_1),
            kind="direct",
            text=QUOTE_1,
            span=span(text, QUOTE_1),
            cue="said",
            agreement_id="a1",
        ),
        Statement(
            id="st3",
            speaker="Vladimir Putin",
            speaker_id="russia",
            speaker_span=span(text, "Putin", after="Putin drew attention"),
            kind="indirect",
            text="The United States and other NATO countries have agreed to let Ukraine strike "
            "targets inside Russia with Western-supplied weapons.",
            span=span(
                text,
                "statements by the United States and other NATO countries that have agreed to let "
                "Ukraine strike targets inside Russia with Western-supplied weapons",
            ),
            cue="drew attention to",
        ),
        Statement(
            id="st4",
            speaker="Vladimir Putin",
            speaker_id="russia",
            speaker_span=span(text, "Putin", after=QUOTE_2),
            kind="direct",
            text=QUOTE_2,
            span=span(text, QUOTE_2),
            cue="said",
        ),
        Statement(
            id="st5",
            speaker="Vladimir Putin and Kim",
            speaker_span=span(text, "Both leaders"),
            kind="indirect",
            text="It is a major enhancement of our relations.",
            cue="described",
            agreement_id="a1",
            flags=["downgraded"],
        ),
    ]
    return ArticleSummary(
        text=text,
        title="Russia-North Korea sign strategic partnership pact",
        dateline=Dateline(
            place="Islamabad", date=dt.date(2024, 6, 21), raw="Islamabad, 21 June 2024"
        ),
        source="TDI",
        summary=(
            "Russia and North Korea signed a comprehensive strategic partnership agreement on "
            "19 June 2024 that, according to Vladimir Putin, includes a mutual assistance "
            "clause in case of aggression against either party. The US and its allies fear a "
            "potential arms deal under which Pyongyang would supply Moscow with munitions."
        ),
        parties=parties,
        agreements=[pact, arms],
        statements=statements,
        meta=Meta(
            model="qwen2.5-7b-instruct",
            backend="openai-compatible",
            prompt_version="1",
            pactlens_version="0.1.0",
            cached=False,
            usage=Usage(prompt_tokens=1843, completion_tokens=712, requests=2, retries=1),
            timings={"clean": 0.002, "llm": 4.81, "ground": 0.004},
            grounding=GroundingReport(
                downgraded=[
                    "st5: “a major enhancement of our relations” is not in the text verbatim; "
                    "kept as indirect"
                ],
                dropped=["a quote attributed to Kim: no such words in the text"],
            ),
        ),
    )
