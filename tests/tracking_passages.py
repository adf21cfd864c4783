"""Short dated passages written for the tracking tests: two reports of one signing that
contradict each other (one says it happened, the other that it was postponed), and the
book the page tests share."""

from pathlib import Path

from pactlens._eval.baseline import RulesOnly
from pactlens.tracking import AgreementBook

CONCESSION_SIGNED = """San Corvo, 14 May 2025 (MMJ): Kestrel Mining Corp and Lusara signed \
a lithium concession for the Salar Verde salt flat on Wednesday, the company said."""
CONCESSION_POSTPONED = """San Corvo, 14 May 2025 (PSR): The signing of the Salar Verde \
lithium concession between Kestrel Mining Corp and Lusara, planned for Wednesday, was \
postponed after protests. Kestrel and Lusara agreed the concession terms in April."""
CONCESSION_SETTLED = """San Corvo, 29 May 2025 (LTP): Lusara and Kestrel Mining Corp \
signed the Salar Verde lithium concession on Tuesday, the mines ministry said."""
#: Added after the gold articles, these leave one conflict open.
CONTRADICTION = {"mmj-signed.txt": CONCESSION_SIGNED, "psr-postponed.txt": CONCESSION_POSTPONED}

#: Gold tracking articles whose records have several events (the fisheries accord's
#: contradiction among them).
PAGE_FILES = ("t03", "t04", "t05", "t08", "t10", "t14", "t18", "t21", "t37", "t38")


def page_book() -> AgreementBook:
    """The book the page tests render: PAGE_FILES and then CONTRADICTION, by rule alone."""
    rules = RulesOnly()
    articles = Path(__file__).resolve().parent / "gold" / "tracking" / "articles"
    book = AgreementBook()
    for name in PAGE_FILES:
        book.add(rules((articles / f"{name}.txt").read_text()), article_id=f"{name}.txt")
    for article_id, text in CONTRADICTION.items():
        book.add(rules(text), article_id=article_id)
    return book
