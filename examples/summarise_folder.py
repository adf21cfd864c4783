"""Summarise every .txt/.html article under a folder into one JSON Lines file.

    python examples/summarise_folder.py examples/articles --out summaries.jsonl

Each line is ``{"id": <path>, "ok": …, "error": …, "summary": <ArticleSummary>}``.
The backend comes from the environment (OPENAI_API_KEY / OPENAI_BASE_URL /
PACTLENS_MODEL; the embedded local model when neither is set). Results are cached, so
running it again after an interruption only pays for the articles not done yet.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

import pactlens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, help="default: stdout")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    # Regular files only: reading a named pipe called x.txt would wait forever.
    # (`pactlens summarise FOLDER` also reports what it cannot read as failures.)
    suffixes = {".txt", ".html", ".htm"}
    paths = sorted(p for p in args.folder.rglob("*") if p.suffix in suffixes and p.is_file())
    if not paths:
        parser.error(f"no .txt or .html files under {args.folder}")

    ledger = pactlens.Ledger()
    out = args.out.open("w", encoding="utf-8") if args.out else contextlib.nullcontext(sys.stdout)
    with pactlens.Summariser() as summariser, out as stream:
        for result in summariser.summarise_many(paths, concurrency=args.concurrency, ledger=ledger):
            stream.write(json.dumps(result.to_record(), ensure_ascii=False) + "\n")
            if not result.ok:
                print(f"failed: {result.id}: {result.error_message}", file=sys.stderr)
    print(ledger, file=sys.stderr)
    return 1 if ledger.failed else 0


if __name__ == "__main__":
    sys.exit(main())
