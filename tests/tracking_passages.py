"""Short dated passages written for the tracking tests: two reports of one signing that
contradict each other (one says it happened, the other that it was postponed)."""

CONCESSION_SIGNED = """San Corvo, 14 May 2025 (MMJ): Kestrel Mining Corp and Lusara signed \
a lithium concession for the Salar Verde salt flat on Wednesday, the company said."""
CONCESSION_POSTPONED = """San Corvo, 14 May 2025 (PSR): The signing of the Salar Verde \
lithium concession between Kestrel Mining Corp and Lusara, planned for Wednesday, was \
postponed after protests. Kestrel and Lusara agreed the concession terms in April."""
CONCESSION_SETTLED = """San Corvo, 29 May 2025 (LTP): Lusara and Kestrel Mining Corp \
signed the Salar Verde lithium concession on Tuesday, the mines ministry said."""
#: Added after the gold articles, these leave one conflict open.
CONTRADICTION = {"mmj-signed.txt": CONCESSION_SIGNED, "psr-postponed.txt": CONCESSION_POSTPONED}
