"""Follow agreements across a folder of dated articles: one record per agreement.

    python examples/track_corpus.py tests/gold/tracking/articles --db pacts.sqlite --html book.html

Articles are summarised (cached), added to the SQLite book in dateline order (a re-run
adds nothing twice), and each agreement's status timeline is printed; ``--html`` writes
the page with one timeline per agreement. The backend comes from the environment, as
for every example (the embedded local model when no API is configured).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pactlens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db", type=Path, help="the book's SQLite file (default: in memory)")
    parser.add_argument("--html", type=Path, help="write the book's page here")
    args = parser.parse_args()

    paths = sorted(p for p in args.folder.rglob("*.txt") if p.is_file())
    if not paths:
        parser.error(f"no .txt files under {args.folder}")
    with pactlens.Summariser() as summariser:
        results = list(summariser.summarise_many(paths))
        book = pactlens.track(results, db=args.db, judge=summariser.same_agreement)
    for result in results:
        if not result.ok:
            print(f"failed: {result.id}: {result.error_message}", file=sys.stderr)
    for record in book:
        flag = " (contested)" if record.contested else ""
        print(f"{record.name} [{', '.join(record.parties)}]: {record.current_status}{flag}")
        for event in record.timeline:
            day = event.as_of.isoformat() if event.as_of else "undated"
            print(f"  {day}  {event.status:<17} {event.article.source or event.article.id}")
    if args.html:
        args.html.write_text(book.to_html(), encoding="utf-8")
    print(book, file=sys.stderr)
    book.close()
    return 1 if any(not r.ok for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
